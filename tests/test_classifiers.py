"""Tests of the emotion classifiers: labels, unlabeled rows, probabilities,
early stopping on UAR, class weights, sequences and model files."""

import json

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupKFold

from aae_sklearn import (
    AAEEmotionClassifier,
    SupervisedEmotionClassifier,
    load,
)
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.nn._autoencoder import CategoricalPrior

from .conftest import FAST

CLASSIFIERS = [SupervisedEmotionClassifier, AAEEmotionClassifier]
EMOTIONS = np.array(["angry", "happy", "neutral", "sad"])


def make(Classifier, **params):
    extra = {"style_dim": 4} if Classifier is AAEEmotionClassifier else {}
    return Classifier(**{**FAST, **extra, **params})


@pytest.fixture
def class_data(emotion_data):
    """The synthetic rows with four classes from the signs of two targets."""
    X, y, groups = emotion_data
    labels = EMOTIONS[2 * (y[:, 0] > 0) + (y[:, 1] > 0)]
    return X, labels.astype(object), groups


@pytest.mark.parametrize("Classifier", CLASSIFIERS)
def test_predictions_are_classes_and_probabilities(Classifier, class_data):
    X, y, _ = class_data
    model = make(Classifier).fit(X, y)
    assert_array_equal(model.classes_, EMOTIONS)
    assert model.n_outputs_ == 4
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 4)
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-12)
    assert_array_equal(model.predict(X), EMOTIONS[proba.argmax(axis=1)])
    assert_allclose(np.exp(model.predict_log_proba(X)), proba, rtol=1e-9)
    assert model.score(X, y) > 0.5  # chance: about 0.25


@pytest.mark.parametrize("Classifier", CLASSIFIERS)
def test_early_stopping_scores_unweighted_average_recall(Classifier, class_data):
    X, y, _ = class_data
    model = make(Classifier, max_iter=20).fit(X, y)
    scores = model.history_["valid_score"]
    assert ((scores >= 0) & (scores <= 1)).all()
    assert model.best_score_ in scores.to_numpy()

    accuracy = make(Classifier, max_iter=20, scoring="accuracy").fit(X, y)
    # The same training: only the validation metric differs.
    assert not np.array_equal(accuracy.history_["valid_score"], scores)


def test_unlabeled_rows_are_marked_minus_one(class_data):
    X, y, _ = class_data
    y_partial = y.copy()
    y_partial[::3] = -1
    labeled = y_partial != -1
    baseline = make(SupervisedEmotionClassifier).fit(X, y_partial)
    only_labeled = make(SupervisedEmotionClassifier).fit(X[labeled], y[labeled])
    # The baseline ignores the unlabeled rows: as if they were not given.
    assert_array_equal(baseline.predict_proba(X), only_labeled.predict_proba(X))
    assert set(baseline.classes_) == set(EMOTIONS)

    aae = make(AAEEmotionClassifier).fit(X, y_partial)
    aae_labeled = make(AAEEmotionClassifier).fit(X[labeled], y[labeled])
    # The autoencoder learns from them.
    assert not np.allclose(aae.predict_proba(X), aae_labeled.predict_proba(X))


def test_integer_labels_and_an_unlabeled_pool(class_data):
    X, y, _ = class_data
    codes = np.searchsorted(EMOTIONS, y) + 3  # classes 3, 4, 5, 6
    model = make(AAEEmotionClassifier).fit(X[:120], codes[:120], X_unlabeled=X[120:])
    assert_array_equal(model.classes_, [3, 4, 5, 6])
    assert model.predict(X[:5]).dtype.kind == "i"


@pytest.mark.parametrize("Classifier", CLASSIFIERS)
@pytest.mark.parametrize(
    "y, message",
    [
        (lambda y: np.full(len(y), -1), "no labeled rows"),
        (lambda y: np.array(["sad"] * 5 + [-1] * (len(y) - 5), object), "one class"),
        (lambda y: np.linspace(0, 1, len(y)), "Unknown label type"),
        (lambda y: y[:-1], "rows but y has"),
    ],
)
def test_bad_labels_are_errors(Classifier, y, message, class_data):
    X, labels, _ = class_data
    with pytest.raises(ValueError, match=message):
        make(Classifier).fit(X, y(labels.astype(object)))


def test_class_weight_shifts_predictions_to_the_weighted_class(class_data):
    X, y, _ = class_data
    plain = make(
        SupervisedEmotionClassifier, early_stopping=False, class_weight=None
    ).fit(X, y)
    weighted = make(
        SupervisedEmotionClassifier,
        early_stopping=False,
        class_weight={"sad": 20.0},
    ).fit(X, y)
    assert (weighted.predict(X) == "sad").sum() > (plain.predict(X) == "sad").sum()
    balanced = make(SupervisedEmotionClassifier).fit(X[:100], y[:100])  # default
    _, counts = np.unique(y[:100], return_counts=True)
    assert_allclose(balanced.net_.class_weight, 100 / (4 * counts))
    assert plain.net_.class_weight is None


def test_the_class_part_is_a_softmax_and_its_prior_one_hot(class_data):
    X, y, _ = class_data
    model = make(AAEEmotionClassifier).fit(X, y)
    code = model.transform(X)
    assert code.shape == (len(X), 4 + 4)
    assert_allclose(code[:, :4], model.predict_proba(X), rtol=1e-12)
    names = model.get_feature_names_out().tolist()
    assert names == [f"class_{e}" for e in EMOTIONS] + [f"style_{i}" for i in range(4)]
    draws = model.net_.emotion_prior_(10_000)
    assert set(draws.sum(dim=1).tolist()) == {1.0}
    # The prior draws classes in the proportions of the labeled training rows.
    _, counts = np.unique(y, return_counts=True)
    assert_allclose(draws.mean(dim=0).numpy(), counts / counts.sum(), atol=0.03)


def test_categorical_prior_draws_its_probabilities():
    torch.manual_seed(0)
    draws = CategoricalPrior([1.0, 3.0])(20_000)
    assert draws.shape == (20_000, 2)
    assert_allclose(draws.mean(dim=0).numpy(), [0.25, 0.75], atol=0.01)


def test_partial_fit_unlabeled_needs_the_classes_first(class_data):
    X, y, _ = class_data
    model = make(AAEEmotionClassifier)
    with pytest.raises(ValueError, match="classes must be given"):
        model.partial_fit_unlabeled(X)
    model.partial_fit_unlabeled(X, classes=EMOTIONS)
    with pytest.raises(Exception, match="seen no labels"):
        model.predict(X)
    model.set_params(warm_start=True).fit(X, y)
    assert model.predict(X).shape == (len(X),)
    with pytest.raises(ValueError, match="built for the classes"):
        model.partial_fit_unlabeled(X, classes=["a", "b"])
    y_other = np.where(y == "sad", "bored", y)
    with pytest.raises(ValueError, match="continues a model of the classes"):
        model.fit(X, y_other)


@pytest.mark.parametrize("Classifier", CLASSIFIERS)
def test_frame_sequences(Classifier, emotion_sequences):
    X, y, _ = emotion_sequences
    labels = np.where(y[:, 0] > np.median(y[:, 0]), "high", "low")
    model = make(Classifier, hidden_layer_sizes=(8,), max_iter=3).fit(X, labels)
    assert model.predict(X[:4]).tolist()[0] in ("high", "low")
    assert model.predict_proba(X[:4]).shape == (4, 2)


@pytest.mark.parametrize("Classifier", CLASSIFIERS)
def test_model_files_round_trip(Classifier, class_data, tmp_path):
    X, y, _ = class_data
    for labels in (y, np.searchsorted(EMOTIONS, y)):
        model = make(Classifier, class_weight="balanced").fit(X, labels)
        path = tmp_path / "model.safetensors"
        model.save(path)
        loaded = load(path)
        assert type(loaded) is Classifier
        assert_array_equal(loaded.classes_, model.classes_)
        numbers = model.classes_.dtype.kind in "iu"
        assert (loaded.classes_.dtype.kind in "iu") == numbers
        assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def _rewrite(path, change):
    with safe_open(path, framework="pt") as file:
        metadata = file.metadata()
        tensors = {key: file.get_tensor(key) for key in file.keys()}
    document = json.loads(metadata["aae_sklearn"])
    change(document)
    save_file(tensors, path, metadata={"aae_sklearn": json.dumps(document)})


@pytest.mark.parametrize(
    "classes, message",
    [
        (["sad", "angry", "happy", "neutral"], "sorted, distinct"),
        (["angry", "happy", "neutral"], "3 classes_ for n_outputs_=4"),
        (["angry", 1, "neutral", "sad"], "sorted, distinct"),
    ],
)
def test_bad_classes_in_a_model_file_are_refused(
    classes, message, class_data, tmp_path
):
    X, y, _ = class_data
    path = tmp_path / "model.safetensors"
    make(SupervisedEmotionClassifier, max_iter=2).fit(X, y).save(path)
    _rewrite(path, lambda doc: doc["attributes"].update(classes_=classes))
    with pytest.raises(ValueError, match=message):
        load(path)


def test_recognises_emotions_of_unseen_actors():
    data = load_ravdess_features()
    X, y = data.data, data.frame["emotion"].to_numpy()
    train, test = next(GroupKFold(n_splits=6).split(X, y, data.groups))
    model = SupervisedEmotionClassifier(max_iter=30, random_state=0)
    uar = balanced_accuracy_score(
        y[test], model.fit(X[train], y[train]).predict(X[test])
    )
    assert uar > 0.3  # 8 classes: chance is 0.125
