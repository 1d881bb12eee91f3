"""Tests of SSLEmbeddings (wav2vec 2.0, HuBERT, WavLM), on tiny random models
saved as pretrained models are; nothing is downloaded."""

import json
import re
import shutil
import subprocess
import sys
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.cli import main
from aae_sklearn.cli._data import _features
from aae_sklearn.exceptions import SkippedAudioWarning
from aae_sklearn.features import AudioError, SSLEmbeddings, _ssl_model, read_audio

transformers = pytest.importorskip("transformers")
huggingface_hub = pytest.importorskip("huggingface_hub")
sf = pytest.importorskip("soundfile")
torch = pytest.importorskip("torch")

SR = 16000
HIDDEN = 16
# Tiny transformers, but the convolutional encoder of the real models: kernels
# (10, 3, 3, 3, 3, 2, 2) and strides (5, 2, 2, 2, 2, 2, 2), 400 samples per
# frame, one frame every 320 samples (20 ms at 16 kHz).
TINY = dict(
    hidden_size=HIDDEN,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=32,
    conv_dim=(8,) * 7,
    num_conv_pos_embeddings=16,
    num_conv_pos_embedding_groups=2,
)
FAMILIES = {
    "wav2vec2": ("Wav2Vec2Config", "Wav2Vec2Model"),
    "hubert": ("HubertConfig", "HubertModel"),
    "wavlm": ("WavLMConfig", "WavLMModel"),
}
# "group": a group-normalised first convolution and post-norm transformer, as
# in the base models (facebook/wav2vec2-base); "layer": layer norms, as in the
# large ones. The first take no padding mask, the second do.
MODELS = [f"{family}-{norm}" for family in FAMILIES for norm in ("group", "layer")]


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """No test reaches the Hugging Face hub, even by mistake."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)


def _save_tiny(folder, family, norm, seed=0):
    config_class, model_class = (getattr(transformers, n) for n in FAMILIES[family])
    config = config_class(
        **TINY, feat_extract_norm=norm, do_stable_layer_norm=norm == "layer"
    )
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model_class(config).save_pretrained(folder)
    # As the real models: the base ones standardise their input, for instance.
    extractor = transformers.Wav2Vec2FeatureExtractor(
        do_normalize=norm == "group", return_attention_mask=norm == "layer"
    )
    extractor.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Folders of a tiny random model of each family and normalisation."""
    root = tmp_path_factory.mktemp("ssl_models")
    return {
        name: _save_tiny(root / name, *name.split("-"))
        for name in MODELS  # e.g. "wavlm-layer"
    }


def clip(seconds, seed=0, sr=SR):
    """A tone in noise, as float64."""
    t = np.arange(round(seconds * sr)) / sr
    rng = np.random.default_rng(seed)
    return 0.3 * np.sin(2 * np.pi * (150 + 50 * seed) * t) + 0.05 * rng.normal(
        size=t.size
    )


def n_frames(n_samples):
    return (n_samples - 400) // 320 + 1


# -- frames and vectors ---------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_fifty_frames_per_second(tiny, name):
    lengths = [SR, 2 * SR, 3 * SR + 123]
    embed = SSLEmbeddings(model=tiny[name], output="frames")
    frames = embed.fit_transform(
        [(clip(n / SR, seed=i), SR) for i, n in enumerate(lengths)]
    )
    assert frames.dtype == object and frames.shape == (3,)
    counts = [f.shape[0] for f in frames]
    assert counts == [n_frames(n) for n in lengths] == [49, 99, 150]
    assert counts[1] - counts[0] == 50  # one more second, 50 more frames
    assert all(f.shape[1] == HIDDEN and f.dtype == np.float32 for f in frames)
    assert embed.n_features_out_ == HIDDEN

    vectors = embed.set_params(output="vectors").fit_transform([(clip(1), SR)])
    assert vectors.shape == (1, 2 * HIDDEN) and vectors.dtype == np.float32
    assert_allclose(vectors[0, :HIDDEN], frames[0].mean(axis=0), rtol=1e-5)
    assert_allclose(vectors[0, HIDDEN:], frames[0].std(axis=0), rtol=1e-4)
    assert embed.n_features_out_ == 2 * HIDDEN


def test_feature_names(tiny):
    embed = SSLEmbeddings(model=tiny["wavlm-layer"])
    names = embed.get_feature_names_out()
    assert names.tolist()[:2] == ["ssl0_mean", "ssl1_mean"] and len(names) == 32
    assert names[HIDDEN] == "ssl0_std"
    frame_names = embed.set_params(output="frames").get_feature_names_out()
    assert frame_names.tolist() == [f"ssl{i}" for i in range(HIDDEN)]


@pytest.mark.parametrize("name", MODELS)
def test_padding_does_not_change_an_embedding(tiny, name):
    clips = [(clip(s, seed=i), SR) for i, s in enumerate([0.7, 2.3, 1.1, 0.03])]
    embed = SSLEmbeddings(model=tiny[name], output="frames", batch_size=4)
    calls = []
    network = _ssl_model.network(tiny[name], "cpu")
    hook = network.register_forward_pre_hook(
        lambda module, args, kwargs: calls.append(kwargs), with_kwargs=True
    )
    try:
        together = embed.fit_transform(clips)
    finally:
        hook.remove()
    for i, item in enumerate(clips):
        alone = embed.transform([item])[0]
        assert alone.shape == together[i].shape
        assert_allclose(together[i], alone, atol=1e-4)
    # Masked models pad the four clips into one batch; the others cannot,
    # and run each length on its own.
    masked = name.endswith("layer")
    assert len(calls) == (1 if masked else 4)
    assert ("attention_mask" in calls[0]) == masked


def test_embeddings_are_deterministic(tiny):
    clips = [(clip(1.5, seed=i), SR) for i in range(3)]
    embed = SSLEmbeddings(model=tiny["hubert-layer"], layer=[0, 2])
    first = embed.fit_transform(clips)
    assert_array_equal(embed.transform(clips), first)
    assert_array_equal(clone(embed).fit_transform(clips), first)


def test_layer_choice(tiny):
    folder = tiny["wav2vec2-layer"]  # its input is not standardised
    signal = clip(1.2).astype(np.float32)
    states = [
        SSLEmbeddings(model=folder, layer=k, output="frames").fit_transform(
            [(signal, SR)]
        )[0]
        for k in (0, 1, 2, -1, -3)
    ]
    assert_array_equal(states[3], states[2])  # -1: the last of three states
    assert_array_equal(states[4], states[0])
    assert not np.allclose(states[0], states[1], atol=1e-2)
    averaged = SSLEmbeddings(model=folder, layer=[1, 2], output="frames")
    assert_allclose(
        averaged.fit_transform([(signal, SR)])[0],
        (states[1] + states[2]) / 2,
        rtol=1e-5,
        atol=1e-6,
    )
    # The last state is transformers' last_hidden_state.
    model = transformers.AutoModel.from_pretrained(folder).eval()
    with torch.inference_mode():
        last = model(torch.from_numpy(signal)[None]).last_hidden_state[0].numpy()
    assert_allclose(states[2], last, atol=1e-5)


@pytest.mark.parametrize("layer", [3, -4, [], [0, 5], 1.5, [True]])
def test_layers_outside_the_model_are_refused(tiny, layer):
    embed = SSLEmbeddings(model=tiny["wavlm-group"], layer=layer)
    error = InvalidParameterError if layer == 1.5 else ValueError
    with pytest.raises(error, match="layer"):
        embed.fit([(clip(1), SR)])


@pytest.mark.parametrize("name", ["wav2vec2-layer", "hubert-layer", "wavlm-layer"])
def test_long_recordings_are_cut_on_the_frame_grid(tiny, name):
    """Pieces of at most max_seconds overlap by 80 samples (field - stride),
    so that their frames are those of the whole signal, 20 ms apart. (These
    models do not standardise their input, which for the others is done over
    the whole recording.)"""
    folder = tiny[name]
    signal = clip(3.3).astype(np.float32)
    embed = SSLEmbeddings(model=folder, output="frames", max_seconds=1)
    frames = embed.fit_transform([(signal, SR)])[0]
    assert len(frames) == n_frames(len(signal)) == 164
    hop = 49 * 320  # whole frames of 1 s, less the 80 samples of overlap
    for start in (0, hop):
        piece = signal[start : start + hop + 80]
        alone = SSLEmbeddings(model=folder, output="frames").fit_transform(
            [(piece, SR)]
        )[0]
        assert len(alone) == 49
        assert_allclose(frames[start // 320 : start // 320 + 49], alone, atol=1e-4)
    # Without cutting, attention spans the whole signal: other frames.
    whole = embed.set_params(max_seconds=30).transform([(signal, SR)])[0]
    assert whole.shape == frames.shape and not np.allclose(whole, frames, atol=1e-3)


def test_the_model_decides_the_standardisation(tiny):
    signal = clip(1)
    for name, invariant in [("wavlm-group", True), ("wavlm-layer", False)]:
        embed = SSLEmbeddings(model=tiny[name])
        loud, soft = embed.fit_transform([(signal, SR), (0.25 * signal, SR)])
        assert np.allclose(loud, soft, atol=1e-4) == invariant


def test_audio_is_read_as_by_the_other_transformers(tiny, tmp_path):
    """Files and pairs alike, down-mixed and resampled to 16 kHz by read_audio."""
    stereo = np.stack([clip(1, sr=44100), clip(1, seed=1, sr=44100)], axis=1)
    sf.write(tmp_path / "stereo.wav", stereo, 44100, subtype="FLOAT")
    embed = SSLEmbeddings(model=tiny["hubert-group"])
    from_file, from_pair = embed.fit_transform(
        [tmp_path / "stereo.wav", (stereo, 44100)]
    )
    assert_allclose(from_file, from_pair, atol=1e-4)
    resampled = read_audio((stereo, 44100), sampling_rate=SR)
    assert_allclose(embed.transform([(resampled, SR)])[0], from_pair, atol=1e-5)


def test_full_scale_audio_at_another_rate(tiny, tmp_path):
    """A full-scale 16-bit file at 44.1 kHz, which the resampling filter alone
    takes past [-1, 1], is read within range and embedded."""
    t = np.arange(44100) / 44100
    path = tmp_path / "square.wav"
    sf.write(path, np.sign(np.sin(2 * np.pi * 220 * t)), 44100, subtype="PCM_16")
    signal = read_audio(path)
    assert np.abs(signal).max() <= 1
    embed = SSLEmbeddings(model=tiny["wavlm-layer"], on_error="skip")
    features, kept = embed.extract([path])
    assert kept.tolist() == [0] and np.isfinite(features).all()
    assert_allclose(features, embed.transform([(signal, SR)]), atol=1e-5)


def test_unreadable_audio_names_the_file(tiny, tmp_path):
    good = tmp_path / "good.wav"
    sf.write(good, clip(1), SR)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF and nothing else")
    short = tmp_path / "short.wav"
    sf.write(short, clip(0.02), SR)  # 320 samples: a frame needs 400
    embed = SSLEmbeddings(model=tiny["wavlm-layer"])
    with pytest.raises(AudioError, match=re.escape(f"{broken}' (item 1)")):
        embed.fit_transform([good, broken, short])
    with pytest.raises(AudioError, match=r"short\.wav.*too short for one frame"):
        embed.fit_transform([good, short])

    embed.set_params(on_error="skip", output="frames")
    features, kept = embed.extract([good, broken, short, good])
    assert kept.tolist() == [0, 3] and len(features) == 2
    with pytest.warns(SkippedAudioWarning, match="skipped 2 of 3"):
        assert len(embed.transform([broken, good, short])) == 1
    with pytest.warns(SkippedAudioWarning):
        nothing = embed.set_params(output="vectors").transform([broken])
    assert nothing.shape == (0, 2 * HIDDEN)


# -- the model, and the extra --------------------------------------------------


def test_without_the_extra_the_transformer_says_how_to_install_it(tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)
    embed = SSLEmbeddings(model=tiny["wavlm-layer"])
    message = re.escape("pip install transformers") + ".*" + re.escape('-e ".[ssl]"')
    for use in (embed.fit, embed.transform):
        with pytest.raises(ImportError, match=message):
            use([(clip(1), SR)])
    with pytest.raises(ImportError, match=message):
        embed.get_feature_names_out()


@pytest.mark.slow
def test_the_package_imports_without_the_extra():
    code = (
        "import sys; sys.modules['transformers'] = None\n"
        "import aae_sklearn, aae_sklearn.cli, aae_sklearn.features\n"
        "assert aae_sklearn.features.SSLEmbeddings(model='m').get_params()['model']"
        " == 'm'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _bert(folder):
    config = transformers.BertConfig(
        hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=8
    )
    transformers.BertModel(config).save_pretrained(folder)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing", "no such folder"),
        (lambda p: p.mkdir() or p, "the folder has no config.json"),
        (lambda p: (p.write_text("x"), p)[1], "it is a file"),
        (lambda p: (_bert(p), p)[1], "it is a 'bert' model"),
    ],
    ids=["missing", "empty", "file", "bert"],
)
def test_bad_model_folders(make, message, tmp_path):
    folder = make(tmp_path / "model")
    embed = SSLEmbeddings(model=folder)
    with pytest.raises(ValueError, match=re.escape(str(folder)) + ".*" + message):
        embed.fit([(clip(1), SR)])


def test_a_model_saved_without_its_feature_extractor(tiny, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(tiny["wavlm-layer"], folder)
    (folder / "preprocessor_config.json").unlink()
    with pytest.raises(ValueError, match="no preprocessor_config.json"):
        SSLEmbeddings(model=folder).fit([(clip(1), SR)])


def test_an_unknown_hub_name_fails_offline():
    with pytest.raises(ValueError, match="'nobody/no-such-model'.*neither a local"):
        SSLEmbeddings(model="nobody/no-such-model").fit([(clip(1), SR)])


def _spy_loaders(monkeypatch, online=True):
    """Record the keyword arguments of every from_pretrained of transformers;
    a load that may go online fails at once instead (``online=False``), so that
    nothing reaches the network."""
    calls = []
    for name in ("AutoConfig", "AutoFeatureExtractor", "AutoModel"):
        loader = getattr(transformers, name)

        def spy(model, *, _real=loader.from_pretrained, **kwargs):
            calls.append(kwargs)
            if not (online or kwargs.get("local_files_only")):
                raise OSError("no network here")
            return _real(model, **kwargs)

        monkeypatch.setattr(loader, "from_pretrained", spy)
    return calls


def test_hf_hub_offline_keeps_every_load_local(tiny, tmp_path, monkeypatch):
    """HF_HUB_OFFLINE=1 holds even where it was set after transformers read its
    environment: every load asks for local files only."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    calls = _spy_loaders(monkeypatch, online=False)
    folder = shutil.copytree(tiny["wavlm-layer"], tmp_path / "model")
    assert SSLEmbeddings(model=folder).fit_transform([(clip(1), SR)]).shape == (
        1,
        2 * HIDDEN,
    )
    with pytest.raises(ValueError, match="HF_HUB_OFFLINE is set, so the hub was not"):
        SSLEmbeddings(model="nobody/no-such-model").fit([(clip(1), SR)])
    assert len(calls) >= 4  # the folder's three files, then the name's config
    assert all(call.get("local_files_only") is True for call in calls)


def test_a_hub_name_that_cannot_be_loaded_names_the_offline_recipe(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    calls = _spy_loaders(monkeypatch, online=False)
    with pytest.raises(ValueError) as error:
        SSLEmbeddings(model="nobody/no-such-model").fit([(clip(1), SR)])
    assert calls == [{}]
    message = str(error.value)
    assert "neither a local folder nor a model that transformers could find" in message
    for step in (
        "AutoModel.from_pretrained('nobody/no-such-model').save_pretrained(DIR)",
        "AutoFeatureExtractor.from_pretrained('nobody/no-such-model')"
        ".save_pretrained(DIR)",
        "copy the folder DIR over, and pass DIR as the model",
    ):
        assert step in message


def test_a_model_saved_again_is_read_again(tmp_path):
    folder = tmp_path / "model"
    signal = [(clip(1), SR)]
    embed = SSLEmbeddings(model=_save_tiny(folder, "wavlm", "layer"))
    before = embed.fit_transform(signal)
    _save_tiny(folder, "wavlm", "layer", seed=1)
    assert not np.allclose(embed.transform(signal), before, atol=1e-3)


def test_parameters_are_checked_in_fit(tiny):
    with pytest.raises(InvalidParameterError, match="output"):
        SSLEmbeddings(model=tiny["wavlm-layer"], output="pooled").fit(["a.wav"])
    with pytest.raises(ValueError, match="shorter than one frame"):
        SSLEmbeddings(model=tiny["wavlm-layer"], max_seconds=0.01).fit(["a.wav"])
    with pytest.raises(ValueError, match="not a torch device"):
        SSLEmbeddings(model=tiny["wavlm-layer"], device="gpu9").transform(["a.wav"])


# -- with the estimators ----------------------------------------------------------


def _corpus(n=12):
    clips = [(clip(0.5 + 0.1 * (i % 5), seed=i), SR) for i in range(n)]
    y = np.random.default_rng(0).uniform(-1, 1, size=(n, 3))
    return clips, y


def test_a_pipeline_with_the_autoencoder_on_vectors(tiny):
    clips, y = _corpus()
    model = make_pipeline(
        SSLEmbeddings(model=tiny["wavlm-group"], layer=[1, 2]),
        AAEEmotionRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    )
    predictions = model.fit(clips, y).predict(clips)
    assert predictions.shape == (12, 3) and np.isfinite(predictions).all()
    assert model[-1].n_features_in_ == 2 * HIDDEN


def test_a_frame_estimator_on_frames(tiny):
    clips, y = _corpus()
    frames = SSLEmbeddings(model=tiny["hubert-group"], output="frames").fit_transform(
        clips
    )
    for Estimator in (AAEEmotionRegressor, SupervisedEmotionRegressor):
        estimator = Estimator(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
        predictions = estimator.fit(frames, y).predict(frames)
        assert predictions.shape == (12, 3) and np.isfinite(predictions).all()


# -- the command line ---------------------------------------------------------------


@pytest.fixture
def sample(tmp_path):
    """Eight bundled RAVDESS files (two actors, four emotions each)."""
    bundled = resources.files("aae_sklearn.datasets") / "data" / "ravdess_sample"
    for actor in ("Actor_23", "Actor_24"):
        (tmp_path / "audio" / actor).mkdir(parents=True)
        for path in sorted((bundled / actor).iterdir())[:4]:
            shutil.copy(str(path), tmp_path / "audio" / actor)
    return tmp_path / "audio"


def test_extract_writes_the_mean_and_std_of_a_layer(tiny, sample, tmp_path):
    out = tmp_path / "ssl.csv"
    argv = ["extract", str(sample), "-o", str(out), "--features", "ssl", "-q"]
    assert main([*argv, "--ssl-model", tiny["wavlm-layer"], "--ssl-layer", "1"]) == 0
    table = pd.read_csv(out)
    assert table.shape == (8, 1 + 2 * HIDDEN)
    assert table.columns[1] == "ssl0_mean" and table.columns[-1] == "ssl15_std"
    direct = SSLEmbeddings(model=tiny["wavlm-layer"], layer=1).fit_transform(
        table["file"]
    )
    assert_allclose(table.iloc[:, 1:].to_numpy(), direct, rtol=1e-5, atol=1e-6)


def test_extract_says_where_it_loads_the_model_from(tiny, sample, tmp_path, capsys):
    """One line before the progress bar, which waits on the model."""
    folder = tiny["wavlm-layer"]
    argv = ["extract", str(sample), "--features", "ssl", "--ssl-model"]
    assert main([*argv, folder, "-o", str(tmp_path / "a.csv")]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first == f"aae-sklearn: loading the model from the folder {folder}"

    out = tmp_path / "b.csv"
    assert main([*argv, "nobody/no-such-model", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "aae-sklearn: loading the model nobody/no-such-model from the Hugging Face "
        "cache (HF_HUB_OFFLINE is set: no download)\n"
    )
    assert "save_pretrained(DIR)" in err and not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("features", ["ssl", "frames"])
def test_compare_on_embeddings(features, tiny, sample, tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(sample), "--features", features]
    argv += ["--frame-kind", "ssl"] if features == "frames" else []
    argv += ["--ssl-model", tiny["hubert-layer"], "--ssl-layer", "1", "2"]
    argv += ["--folds", "2", "--max-iter", "2", "--jobs", "1", "--out", str(out)]
    assert main(argv) == 0
    assert "extracting 8 files once" in capsys.readouterr().err
    config = json.loads((out / "results.json").read_text())["config"]
    assert config["ssl_model"] == tiny["hubert-layer"] and config["ssl_layer"] == [1, 2]
    expected = HIDDEN if features == "frames" else 2 * HIDDEN
    assert config["n_features"] == expected and config["n_samples"] == 8
    assert (config["frame_kind"] == "ssl") == (features == "frames")


def test_the_cache_keeps_each_model_and_layer_apart(tiny, sample, tmp_path):
    from sklearn.utils import Bunch

    items = sorted(str(p) for p in sample.rglob("*.flac"))[:2]
    cache = tmp_path / "cache"

    def embed(model, layer):
        ssl = Bunch(model=tiny[model], layer=layer, device="cpu")
        return _features(items, None, True, cache, ssl)[0]

    first = embed("wavlm-layer", -1)
    assert_array_equal(embed("wavlm-layer", -1), first)
    assert not np.allclose(embed("wavlm-layer", 0), first)
    assert not np.allclose(embed("hubert-layer", -1), first)
    assert len(list(cache.rglob("output.pkl"))) == 3


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--features", "ssl", "--ssl-model", "m"], "needs an audio folder"),
        (["compare", "--ssl-model", "m"], "--ssl-model and --ssl-layer need"),
        (["extract", "x", "-o", "x.csv", "--ssl-layer", "1"], "need --features ssl"),
    ],
)
def test_usage_errors(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_compare_needs_the_model(sample, capsys):
    assert main(["compare", "--data", str(sample), "--features", "ssl"]) == 2
    assert "need --ssl-model" in capsys.readouterr().err
