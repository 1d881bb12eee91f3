"""scikit-learn's estimator contract, checked on every public estimator."""

from functools import partial

import pytest
from sklearn.base import is_classifier
from sklearn.utils.estimator_checks import (
    check_classifiers_classes,
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from aae_sklearn import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from aae_sklearn.features import (
    AudioViews,
    FrameFeatures,
    GroupStandardScaler,
    OpenSmileFunctionals,
    SequenceScaler,
    SSLEmbeddings,
)

# Small networks and few epochs: the checks test the contract, not the fit.
SMALL = dict(
    hidden_layer_sizes=(32,),
    max_iter=40,
    learning_rate_init=0.01,
    batch_size=32,
    random_state=0,
)
ESTIMATORS = [
    SupervisedEmotionRegressor(**SMALL),
    AAEEmotionRegressor(style_dim=4, discriminator_layer_sizes=(8,), **SMALL),
    SupervisedEmotionClassifier(**SMALL),
    AAEEmotionClassifier(style_dim=4, discriminator_layer_sizes=(8,), **SMALL),
    GroupStandardScaler(),
]
# The default networks too, barely trained (check_estimator's way of use).
DEFAULT_NETWORKS = [
    SupervisedEmotionRegressor(max_iter=5, random_state=0),
    AAEEmotionRegressor(max_iter=5, random_state=0),
    SupervisedEmotionClassifier(max_iter=5, random_state=0),
    AAEEmotionClassifier(max_iter=5, random_state=0),
]
EXPECTED_FAILED = {}


def _check(estimator, check):
    if check.func is check_classifiers_classes and is_classifier(estimator):
        # This check labels a class -1, except for the semi-supervised
        # classifiers of scikit-learn, which it knows by name: -1 marks their
        # unlabeled rows, as it marks ours. Run it as it runs for them.
        check = partial(check.func, "LabelSpreading")
    check(estimator)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_contract(estimator, check):
    _check(estimator, check)


@pytest.mark.slow
@parametrize_with_checks(
    DEFAULT_NETWORKS, expected_failed_checks=lambda est: EXPECTED_FAILED
)
def test_sklearn_contract_of_the_default_networks(estimator, check):
    _check(estimator, check)


# scikit-learn's generic checks feed 2-D numeric arrays, which the audio
# transformers and the sequence scaler do not take (their input is a list of
# files or of frame sequences), so
# parametrize_with_checks runs only its cloning check on them; the checks of the
# parameter API need no data and run here explicitly.
AUDIO_TRANSFORMERS = [
    OpenSmileFunctionals(),
    FrameFeatures(),
    FrameFeatures(kind="egemaps_lld"),
    SSLEmbeddings(),
    SequenceScaler(),
    AudioViews(),
]
API_CHECKS = [
    check_estimator_cloneable,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_do_not_raise_errors_in_init_or_set_params,
]


@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("transformer", AUDIO_TRANSFORMERS, ids=repr)
def test_audio_transformers_parameter_api(transformer, check):
    check(type(transformer).__name__, transformer)
