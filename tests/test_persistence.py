"""Saving estimators to safetensors files and loading them back, safely."""

import base64
import json
import os
import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.exceptions import NotFittedError

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor, load
from aae_sklearn._persist._persistence import FORMAT, FORMAT_VERSION
from aae_sklearn.datasets import make_emotion_regression

ESTIMATORS = [AAEEmotionRegressor, SupervisedEmotionRegressor]
SMALL = dict(hidden_layer_sizes=(16,), max_iter=3, random_state=0)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def make(Estimator, **params):
    extra = {"style_dim": 4} if Estimator is AAEEmotionRegressor else {}
    return Estimator(**{**SMALL, **extra, **params})


def vectors():
    return make_emotion_regression(n_samples=200, random_state=0)


def sequences(n=40, seed=0):
    """Random frame sequences of 5 to 20 frames of 5 features, 1-D targets."""
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(rng.integers(5, 21), 5)).astype(np.float32) for _ in range(n)]
    return X, rng.normal(size=n)


def read(path):
    """The JSON document and the tensors of a model file."""
    with safe_open(path, framework="pt") as file:
        document = json.loads(file.metadata()["aae_sklearn"])
        return document, {key: file.get_tensor(key) for key in file.keys()}


def write(path, document, tensors):
    metadata = {"aae_sklearn": json.dumps(document)}
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata)


def states(estimator):
    net = estimator.net_
    return {name: getattr(net, name + "_").state_dict() for name in net._modules}


def assert_same_model(restored, original, X):
    assert type(restored) is type(original)
    assert restored.get_params() == original.get_params()
    assert_array_equal(restored.predict(X), original.predict(X))
    if isinstance(original, AAEEmotionRegressor):
        assert_array_equal(restored.transform(X), original.transform(X))
    pd.testing.assert_frame_equal(restored.history_, original.history_)
    for name in ("n_features_in_", "n_outputs_", "n_iter_", "best_score_", "_y_ndim"):
        assert getattr(restored, name) == getattr(original, name)
    for name in ("_x_mean", "_x_scale", "_y_mean", "_y_scale"):
        assert_array_equal(getattr(restored, name), getattr(original, name))
    if original._x_quantiles is None:
        assert restored._x_quantiles is None
    else:
        quantiles = original._x_quantiles.quantiles_
        assert_array_equal(restored._x_quantiles.quantiles_, quantiles)
    assert restored._input_kind == original._input_kind
    assert restored._encoder_kind == original._encoder_kind
    saved, loaded = states(original), states(restored)
    assert list(loaded) == list(saved)
    for name, state in saved.items():
        assert list(loaded[name]) == list(state)
        for key, value in state.items():
            assert torch.equal(loaded[name][key], value)


@pytest.fixture(scope="module")
def fitted_aae():
    X, y = vectors()
    return make(AAEEmotionRegressor).fit(X, y)


@pytest.fixture(scope="module")
def model_file(fitted_aae, tmp_path_factory):
    """Path of the saved AAE; tests copy it rather than change it."""
    path = tmp_path_factory.mktemp("model") / "aae.safetensors"
    fitted_aae.save(path)
    return path


# -- round trips --------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_round_trip_on_vectors(Estimator, tmp_path):
    X, y = vectors()
    model = make(Estimator).fit(X, y)
    model.save(tmp_path / "model.safetensors")
    restored = load(tmp_path / "model.safetensors")
    assert_same_model(restored, model, X)
    assert os.listdir(tmp_path) == ["model.safetensors"]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("encoder", ["cnn", "gru"])
@pytest.mark.parametrize("frame_pooling", [1, 3])
def test_round_trip_on_sequences(Estimator, encoder, frame_pooling, tmp_path):
    X, y = sequences()
    model = make(
        Estimator, encoder=encoder, frame_pooling=frame_pooling, batch_size=16
    ).fit(X, y)
    model.save(tmp_path / "model.safetensors")
    restored = load(str(tmp_path / "model.safetensors"))
    assert_same_model(restored, model, X)
    assert restored.predict(X).shape == (len(X),)
    with pytest.raises(ValueError, match="fitted on frame sequences"):
        restored.predict(np.zeros((3, 5)))


@pytest.mark.parametrize(
    "params",
    [
        {"emotion_prior": "uniform"},
        {"emotion_prior": "gaussian", "style_prior": "uniform"},
        {"style_dim": 0},
        {"early_stopping": False, "hidden_layer_sizes": [16, 8]},
        {
            "style_adversarial_weight": 0.3,
            "reconstruction_weight": 0.5,
            "adversarial_every": 2,
            "gradient_penalty": 1.0,
            "pretrain_iter": 1,
        },
    ],
)
def test_round_trip_of_every_prior_and_layout(params, tmp_path):
    X, y = vectors()
    model = make(AAEEmotionRegressor, **params).fit(X, y)
    model.save(tmp_path / "model.safetensors")
    restored = load(tmp_path / "model.safetensors")
    model.set_params(hidden_layer_sizes=tuple(model.hidden_layer_sizes))
    assert_same_model(restored, model, X)


def test_feature_and_target_names_are_kept(tmp_path):
    X, y = vectors()
    X = pd.DataFrame(X, columns=[f"feature {i}" for i in range(X.shape[1])])
    y = pd.DataFrame(y, columns=["valence", "activation", "dominance"])
    model = make(AAEEmotionRegressor).fit(X, y)
    model.save(tmp_path / "model.safetensors")
    restored = load(tmp_path / "model.safetensors")
    assert_array_equal(restored.feature_names_in_, model.feature_names_in_)
    assert_array_equal(restored.target_names_, model.target_names_)
    assert_array_equal(restored.get_feature_names_out(), model.get_feature_names_out())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_array_equal(restored.predict(X), model.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        restored.predict(X.rename(columns={"feature 0": "other"}))


def test_model_without_labels_round_trips(tmp_path):
    X, _ = vectors()
    model = make(AAEEmotionRegressor).partial_fit_unlabeled(X)
    model.save(tmp_path / "model.safetensors")
    restored = load(tmp_path / "model.safetensors")
    assert restored._y_mean is None and restored._y_scale is None
    assert_array_equal(restored.transform(X), model.transform(X))
    with pytest.raises(NotFittedError, match="no labels yet"):
        restored.predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_loaded_model_trains_on_and_pickles(Estimator, tmp_path):
    X, y = vectors()
    model = make(Estimator).fit(X, y)
    model.save(tmp_path / "model.safetensors")
    restored = load(tmp_path / "model.safetensors")
    assert_same_model(pickle.loads(pickle.dumps(restored)), model, X)
    restored.set_params(warm_start=True, max_iter=2).fit(X, y)
    # The history continues where the saved one ended.
    assert restored.n_iter_ == model.n_iter_ + 2
    assert restored.history_.index.tolist() == list(range(1, restored.n_iter_ + 1))
    pd.testing.assert_frame_equal(
        restored.history_.iloc[: model.n_iter_], model.history_, check_exact=True
    )


def test_loading_leaves_torch_generators_alone(model_file):
    state = torch.get_rng_state()
    load(model_file)
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_model_loads_onto_the_cpu(fitted_aae, tmp_path):
    X, _ = vectors()
    model = pickle.loads(pickle.dumps(fitted_aae)).set_params(device="cuda")
    model.save(tmp_path / "model.safetensors")
    with pytest.warns(UserWarning, match="loaded onto the CPU"):
        restored = load(tmp_path / "model.safetensors")
    assert restored.device == "cuda"
    assert restored._device == "cpu"
    assert restored.net_.module_.layers[0].weight.device.type == "cpu"
    assert_array_equal(restored.predict(X), fitted_aae.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        on_cpu = load(tmp_path / "model.safetensors", device="cpu")
    assert on_cpu.device == "cpu"
    assert_array_equal(on_cpu.predict(X), fitted_aae.predict(X))


# -- what cannot be saved -----------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_unfitted_estimator_refuses_to_save(Estimator, tmp_path):
    with pytest.raises(NotFittedError):
        Estimator().save(tmp_path / "model.safetensors")
    assert not os.listdir(tmp_path)


def test_callable_scoring_refuses_to_save(tmp_path):
    X, y = vectors()
    model = make(SupervisedEmotionRegressor, scoring=lambda a, b: 0.0).fit(X, y)
    with pytest.raises(ValueError, match="scoring=.* is not a plain value"):
        model.save(tmp_path / "model.safetensors")
    assert not os.listdir(tmp_path)


def test_random_state_instance_is_saved_as_none(tmp_path):
    X, y = vectors()
    model = make(SupervisedEmotionRegressor)
    model.set_params(random_state=np.random.RandomState(0)).fit(X, y)
    with pytest.warns(UserWarning, match="saved as None"):
        model.save(tmp_path / "model.safetensors")
    assert load(tmp_path / "model.safetensors").random_state is None


def test_architecture_changed_after_fit_refuses_to_save(fitted_aae, tmp_path):
    model = pickle.loads(pickle.dumps(fitted_aae)).set_params(style_dim=5)
    with pytest.raises(ValueError, match="changed with set_params after fit"):
        model.save(tmp_path / "model.safetensors")
    assert not os.listdir(tmp_path)


def test_interrupted_save_keeps_the_old_file(fitted_aae, model_file, tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(model_file.read_bytes())

    def fail(*args):
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("aae_sklearn.utils._files.os.replace", fail)
        with pytest.raises(OSError, match="disk full"):
            pickle.loads(pickle.dumps(fitted_aae)).set_params(max_iter=9).save(path)
    assert os.listdir(tmp_path) == ["model.safetensors"]
    assert path.read_bytes() == model_file.read_bytes()


# -- files that are not models ------------------------------------------------


class Payload:
    """Unpickling it creates the file ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickle_payload_is_never_run(tmp_path):
    marker = tmp_path / "marker"
    payload = pickle.dumps(Payload(marker))
    pickle.loads(payload)
    assert marker.exists()  # the payload is live
    marker.unlink()
    path = tmp_path / "model.safetensors"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match=r"a pickle .* save\(\) method"):
        load(path)
    torch.save(Payload(marker), path)
    with pytest.raises(ValueError, match=r"a pickle .* save\(\) method"):
        load(path)
    assert not marker.exists()


def test_file_from_before_frame_pooling_keeps_every_frame(tmp_path):
    X, y = sequences()
    model = make(AAEEmotionRegressor, frame_pooling=1, batch_size=16).fit(X, y)
    model.save(tmp_path / "new.safetensors")
    document, tensors = read(tmp_path / "new.safetensors")
    del document["params"]["frame_pooling"]  # as written before it existed
    write(tmp_path / "old.safetensors", document, tensors)
    restored = load(tmp_path / "old.safetensors")
    assert restored.frame_pooling == 1
    assert_array_equal(restored.predict(X), model.predict(X))


@pytest.mark.parametrize(
    "change",
    [
        lambda doc, m: doc.update(estimator="pathlib.Path"),
        lambda doc, m: doc.update(estimator={"__reduce__": ["pathlib.Path.touch", m]}),
        lambda doc, m: doc["params"].update(
            hidden_layer_sizes={"py/reduce": [{"py/function": "Path.touch"}, [m]]}
        ),
        lambda doc, m: doc["params"].update(
            random_state=base64.b64encode(pickle.dumps(Payload(m))).decode()
        ),
    ],
)
def test_code_in_the_json_is_never_run(change, model_file, tmp_path):
    marker = tmp_path / "marker"
    document, tensors = read(model_file)
    change(document, str(marker))
    write(tmp_path / "model.safetensors", document, tensors)
    with pytest.raises(ValueError, match="unknown estimator|invalid parameters"):
        load(tmp_path / "model.safetensors")
    assert not marker.exists()


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda data: b"", "not a safetensors file"),
        (lambda data: b"valence,activation\n0.1,0.2\n", "not a safetensors file"),
        (lambda data: data[:-100], "not a safetensors file"),
        (lambda data: data[:50], "not a safetensors file"),
        (lambda data: data + b"trailing", "not a safetensors file"),
    ],
    ids=["empty", "csv", "truncated", "truncated-header", "trailing-bytes"],
)
def test_bad_bytes_raise_value_error(change, match, model_file, tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(change(model_file.read_bytes()))
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    assert str(path) in str(info.value)


def _set(tensors, key, value):
    tensors[key] = value


def _drop(mapping, key):
    del mapping[key]


NAN = float("nan")
BAD_DOCUMENTS = {
    "no-entry": (None, "no 'aae_sklearn' entry"),
    "not-json": ("{'format': 1}", "not valid JSON"),
    "deep-json": ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    "json-list": ("[1, 2]", "not a JSON object"),
    "missing-params": (
        lambda d: _drop(d, "params"),
        r"misses the key\(s\) \['params'\]",
    ),
    "other-format": (lambda d: d.update(format="onnx"), "not an aae_sklearn model"),
    "newer-format": (lambda d: d.update(format_version=2), "newer aae_sklearn"),
    "format-as-str": (lambda d: d.update(format_version="1"), "format_version must"),
    "unknown-class": (
        lambda d: d.update(estimator="MLPRegressor"),
        "unknown estimator",
    ),
    "unknown-param": (lambda d: d["params"].update(foo=1), r"unknown parameter\(s\)"),
    "checkpoint": (lambda d: d["params"].update(checkpoint="/x"), "unknown param"),
    "params-list": (lambda d: d.update(params=[1]), "params must be a JSON object"),
    "str-max-iter": (lambda d: d["params"].update(max_iter="3"), "invalid parameters"),
    "bad-layers": (
        lambda d: d["params"].update(hidden_layer_sizes=[16, -1]),
        "invalid parameters",
    ),
    "bad-alpha": (lambda d: d["params"].update(alpha=NAN), "invalid parameters"),
    "huge-layers": (
        lambda d: d["params"].update(hidden_layer_sizes=[10**12]),
        "'module.layers.0.weight' has shape",
    ),
    "missing-attr": (
        lambda d: _drop(d["attributes"], "n_outputs_"),
        "attributes misses 'n_outputs_'",
    ),
    "str-attr": (
        lambda d: d["attributes"].update(n_features_in_="20"),
        "n_features_in_ must be a positive integer",
    ),
    "bool-attr": (
        lambda d: d["attributes"].update(n_iter_=True),
        "n_iter_ must be",
    ),
    "kind-mismatch": (
        lambda d: d["attributes"].update(_input_kind="sequences"),
        "'mlp' cannot read sequences",
    ),
    "names-length": (
        lambda d: d["attributes"].update(target_names_=["valence"]),
        "1 target_names_ for n_outputs_=3",
    ),
    "1d-targets": (
        lambda d: d["attributes"].update(_y_ndim=1),
        "1-D targets",
    ),
    "more-features": (
        lambda d: d["attributes"].update(n_features_in_=21),
        "'_x_mean' has shape",
    ),
    "history-columns": (
        lambda d: d["attributes"].update(history_columns=["time", "time"]),
        "repeats a column",
    ),
}
BAD_TENSORS = {
    "nan-weight": (
        lambda t: t["module.layers.0.weight"].__setitem__((0, 0), NAN),
        "'module.layers.0.weight' holds non-finite values",
    ),
    "inf-prior": (
        lambda t: t["emotion_prior.points"].__setitem__((0, 0), float("inf")),
        "'emotion_prior.points' holds non-finite",
    ),
    "shape": (
        lambda t: _set(t, "decoder.layers.0.weight", torch.zeros(3, 3)),
        "'decoder.layers.0.weight' has shape",
    ),
    "dtype": (
        lambda t: _set(t, "disc_style.layers.0.bias", torch.zeros(64, dtype=int)),
        "'disc_style.layers.0.bias' has dtype",
    ),
    "missing": (
        lambda t: _drop(t, "disc_emotion.layers.2.weight"),
        "'disc_emotion.layers.2.weight' is missing",
    ),
    "unexpected": (
        lambda t: _set(t, "module.layers.9.weight", torch.zeros(2)),
        r"unexpected tensor\(s\) \['module.layers.9.weight'\]",
    ),
    "stray": (lambda t: _set(t, "__reduce__", torch.zeros(2)), "unexpected tensor"),
    "zero-scale": (
        lambda t: t["_x_scale"].__setitem__(3, 0.0),
        "'_x_scale' holds scales that are not positive",
    ),
    "no-y-scale": (lambda t: _drop(t, "_y_scale"), "'_y_scale' is missing"),
    "history": (
        lambda t: _set(t, "history.time", t["history.time"][:2].clone()),
        "'history.time' has shape",
    ),
    "prior": (
        lambda t: _set(t, "emotion_prior.low", torch.zeros(3)),
        "make no known prior",
    ),
    "quantile-order": (
        lambda t: _set(t, "_x_quantiles", t["_x_quantiles"].flip(0).clone()),
        "'_x_quantiles' holds decreasing quantiles",
    ),
    "quantile-shape": (
        lambda t: _set(t, "_x_quantiles", t["_x_quantiles"][:, :2].clone()),
        "'_x_quantiles' has shape",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_tampered_document_raises_value_error(case, model_file, tmp_path):
    change, match = BAD_DOCUMENTS[case]
    document, tensors = read(model_file)
    path = tmp_path / "model.safetensors"
    if callable(change):
        change(document)
        write(path, document, tensors)
    else:
        metadata = None if change is None else {"aae_sklearn": change}
        save_file(tensors, path, metadata)
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("case", sorted(BAD_TENSORS))
def test_tampered_tensors_raise_value_error(case, model_file, tmp_path):
    change, match = BAD_TENSORS[case]
    document, tensors = read(model_file)
    change(tensors)
    path = tmp_path / "model.safetensors"
    write(path, document, tensors)
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    assert str(path) in str(info.value)


def test_constants_describe_this_format(model_file):
    document, _ = read(model_file)
    assert document["format"] == FORMAT
    assert document["format_version"] == FORMAT_VERSION
    assert document["estimator"] == "AAEEmotionRegressor"
    assert {"torch", "scikit-learn", "aae_sklearn"} <= set(document["versions"])


# -- arbitrary input ----------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _load_or_value_error(path):
    try:
        estimator = load(path)
    except ValueError as exc:
        assert str(path) in str(exc)
    else:
        assert isinstance(estimator, AAEEmotionRegressor)
        assert estimator.net_.module_.layers[0].weight.shape == (16, 20)


@FUZZ
@given(
    data=st.binary(max_size=512)
    | st.builds(
        lambda n, rest: n.to_bytes(8, "little") + rest,
        st.integers(0, 600),
        st.binary(max_size=512),
    )
)
def test_arbitrary_bytes_raise_value_error(data, tmp_path):
    path = tmp_path / "fuzz.safetensors"
    path.write_bytes(data)
    with pytest.raises(ValueError, match="fuzz.safetensors"):
        load(path)


@FUZZ
@given(
    document=JSON
    | st.fixed_dictionaries(
        {"format": st.just(FORMAT), "format_version": st.just(1) | JSON},
        optional={k: JSON for k in ("estimator", "params", "attributes")},
    )
)
def test_arbitrary_json_documents_raise_value_error(document, model_file, tmp_path):
    _, tensors = read(model_file)
    path = tmp_path / "fuzz.safetensors"
    write(path, document, tensors)
    with pytest.raises(ValueError, match="fuzz.safetensors"):
        load(path)


@FUZZ
@given(data=st.data())
def test_changed_field_loads_or_raises_value_error(data, model_file, tmp_path):
    document, tensors = read(model_file)
    fields = [(k,) for k in document]
    fields += [("params", k) for k in document["params"]]
    fields += [("attributes", k) for k in document["attributes"]]
    *parents, key = data.draw(st.sampled_from(fields))
    owner = document[parents[0]] if parents else document
    if data.draw(st.booleans()):
        del owner[key]
    else:
        owner[key] = data.draw(JSON)
    write(tmp_path / "fuzz.safetensors", document, tensors)
    _load_or_value_error(tmp_path / "fuzz.safetensors")


@FUZZ
@given(data=st.data())
def test_changed_tensor_loads_or_raises_value_error(data, model_file, tmp_path):
    document, tensors = read(model_file)
    key = data.draw(st.sampled_from(sorted(tensors)))
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int64]))
    shape = data.draw(st.sampled_from([tuple(tensors[key].shape), (), (2,), (3, 1)]))
    tensors[key] = torch.from_numpy(data.draw(arrays(dtype, shape)))
    write(tmp_path / "fuzz.safetensors", document, tensors)
    _load_or_value_error(tmp_path / "fuzz.safetensors")
