"""Tests of aae_sklearn.features: reading audio and the feature transformers."""

import io
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.signal import resample_poly
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import InvalidParameterError

from aae_sklearn.exceptions import SkippedAudioWarning
from aae_sklearn.features import (
    AudioError,
    FrameFeatures,
    OpenSmileFunctionals,
    _frames,
    read_audio,
)
from aae_sklearn.features._audio import _check_audio_items

sf = pytest.importorskip("soundfile")

SR = 16000
TRANSFORMERS = {
    "functionals": (OpenSmileFunctionals, {}),
    "logmel": (FrameFeatures, {"kind": "logmel"}),
    "egemaps_lld": (FrameFeatures, {"kind": "egemaps_lld"}),
}


def make(name, **params):
    """A transformer of TRANSFORMERS; skips the test where openSMILE is missing."""
    if name != "logmel":
        pytest.importorskip("opensmile")
    cls, defaults = TRANSFORMERS[name]
    return cls(**defaults, **params)


def sine(freq=220.0, seconds=1.0, sr=SR, amplitude=0.5):
    t = np.arange(round(seconds * sr)) / sr
    return amplitude * np.sin(2 * np.pi * freq * t)


def noise(n, seed=0):
    return 0.1 * np.random.default_rng(seed).standard_normal(n)


def assert_same_features(a, b):
    """Equal transformer outputs, 2-D arrays or object arrays of 2-D arrays."""
    assert a.shape == b.shape and a.dtype == b.dtype
    if a.dtype == object:
        for x, y in zip(a, b, strict=True):
            assert_allclose(x, y, rtol=1e-6)
    else:
        assert_allclose(a, b, rtol=1e-6)


def expected_frames(kind, n, frame_ms, window_ms=25):
    """The documented frame counts of FrameFeatures at 16 kHz."""
    if kind == "logmel":
        window = round(window_ms * SR / 1000)
        return 1 + (n - window) // round(frame_ms * SR / 1000)
    return (2 + (n - 960) // 160) // (frame_ms // 10)


@pytest.fixture
def bad_files(tmp_path):
    """Paths that cannot be read, with the problem each error names."""
    empty = tmp_path / "empty.wav"
    empty.touch()
    text = tmp_path / "text.wav"
    text.write_text("this is not audio\n")
    zero = tmp_path / "zero.wav"
    sf.write(zero, np.zeros(0), SR)
    return {
        "empty": (empty, "the file is empty"),
        "text": (text, "soundfile cannot decode it"),
        "zero-length": (zero, "the signal has no samples"),
        "missing": (tmp_path / "missing.flac", "no such file"),
    }


@pytest.fixture
def tone_file(tmp_path):
    path = tmp_path / "tone.wav"
    sf.write(path, sine(), SR, subtype="FLOAT")
    return path


# -- read_audio ---------------------------------------------------------------


@pytest.mark.parametrize("fmt, subtype", [("WAV", "FLOAT"), ("FLAC", "PCM_16")])
def test_read_audio_reads_files(tmp_path, fmt, subtype):
    path = tmp_path / f"tone.{fmt.lower()}"
    sf.write(path, sine(), SR, format=fmt, subtype=subtype)
    signal = read_audio(path)
    assert signal.dtype == np.float32 and signal.shape == (SR,)
    assert_allclose(signal, sine(), atol=1e-4)
    assert_array_equal(read_audio(str(path)), signal)


def test_read_audio_resamples_and_downmixes(tmp_path):
    stereo = np.column_stack([sine(440, sr=44100), 0.5 * sine(440, sr=44100)])
    path = tmp_path / "stereo.wav"
    sf.write(path, stereo, 44100, subtype="FLOAT")
    signal = read_audio(path, sampling_rate=SR)
    assert signal.dtype == np.float32 and signal.shape == (SR,)
    assert_allclose(signal, resample_poly(stereo.mean(axis=1), 160, 441), atol=1e-6)
    # Away from the edges of the resampling filter: the mono tone at 16 kHz.
    assert_allclose(signal[200:-200], 0.75 * sine(440)[200:-200], atol=2e-3)
    stereo, _ = sf.read(path)  # as stored: float32 samples
    assert_array_equal(read_audio((stereo, 44100)), signal)
    assert_array_equal(read_audio((stereo.T, 44100)), signal)


def test_read_audio_scales_integer_samples():
    pcm = (sine() * 32767).astype(np.int16)
    assert_allclose(read_audio((pcm, SR)), pcm / 32768, rtol=1e-6)


def full_scale(kind, seconds=1.0, sr=44100):
    """Full-scale audio, whose resampling overshoots [-1, 1]: a square wave, a
    clipped sawtooth or clipped noise."""
    t = np.arange(round(seconds * sr)) / sr
    if kind == "square":
        return np.sign(np.sin(2 * np.pi * 220 * t))
    if kind == "saw":
        return np.clip(3 * (2 * (150 * t % 1) - 1), -1, 1)
    return np.clip(np.random.default_rng(0).normal(scale=0.7, size=t.size), -1, 1)


@pytest.fixture
def loud_folder(tmp_path):
    """Full-scale 16-bit WAV files at 44.1 kHz, as a CD-rate corpus holds."""
    folder = tmp_path / "loud"
    folder.mkdir()
    for kind in ("square", "saw", "noise"):
        sf.write(folder / f"{kind}.wav", full_scale(kind), 44100, subtype="PCM_16")
    return folder


def test_resampling_keeps_full_scale_files_in_range(loud_folder):
    for path in sorted(loud_folder.iterdir()):
        stored, _ = sf.read(path)
        assert np.abs(stored).max() <= 1
        # The resampling filter alone rings past full scale.
        assert np.abs(resample_poly(stored, 160, 441)).max() > 1.05
        signal = read_audio(path)
        assert signal.shape == (SR,) and np.abs(signal).max() <= 1
        assert_allclose(signal, np.clip(resample_poly(stored, 160, 441), -1, 1))


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_full_scale_files_at_another_rate_are_not_refused(loud_folder, name):
    paths = sorted(loud_folder.iterdir())
    features, kept = make(name, on_error="skip").extract(paths)
    assert kept.tolist() == [0, 1, 2]
    for item in features:
        assert np.isfinite(item).all()


@pytest.mark.parametrize("name", ["functionals", "egemaps_lld"])
def test_the_range_is_checked_before_resampling(name):
    """A signal outside [-1, 1] as given is refused at every rate, with its
    own peak; resampling neither hides nor causes it."""
    square = full_scale("square")
    with pytest.raises(AudioError, match=r"item 0: samples outside .*\(peak 2\)"):
        make(name).transform([(2 * square, 44100)])


def test_extract_takes_full_scale_files_at_another_rate(loud_folder, tmp_path):
    pytest.importorskip("opensmile")
    from aae_sklearn.cli import main

    out = tmp_path / "features.csv"
    assert main(["extract", str(loud_folder), "-o", str(out), "-q"]) == 0
    table = pd.read_csv(out)
    names = [Path(file).name for file in table["file"]]
    assert sorted(names) == ["noise.wav", "saw.wav", "square.wav"]
    assert table.shape == (3, 1 + 88) and np.isfinite(table.iloc[:, 1:]).all().all()


@pytest.mark.parametrize("problem", ["empty", "text", "zero-length", "missing"])
def test_read_audio_errors_name_the_file(bad_files, problem):
    path, message = bad_files[problem]
    with pytest.raises(AudioError, match=f"{re.escape(str(path))}.*{message}"):
        read_audio(path)


@pytest.mark.parametrize(
    "item, message",
    [
        ((np.zeros(0), SR), "no samples"),
        ((np.array([0.1, np.nan, 0.2]), SR), "NaN or infinite"),
        ((np.array([0.1, np.inf]), SR), "NaN or infinite"),
        ((np.zeros((2, 3, 4)), SR), "1-D or 2-D"),
        ((np.array(["a", "b"]), SR), "must hold numbers"),
        ((np.zeros(100), 0), "positive whole number"),
        ((np.zeros(100), 16000.5), "positive whole number"),
        ((np.zeros(100), 10), "implausible sampling rate"),
        ((np.full(100, 1e300), SR), "too large for float32"),
    ],
)
def test_read_audio_rejects_bad_signals(item, message):
    with pytest.raises(AudioError, match=message):
        read_audio(item)


@pytest.mark.parametrize("item", [3, None, (np.zeros(10),), [np.zeros(10), SR, 1]])
def test_read_audio_rejects_what_is_not_an_item(item):
    with pytest.raises(TypeError, match="path .* or a \\(signal, sampling_rate\\)"):
        read_audio(item)


def test_missing_soundfile_says_how_to_install(monkeypatch, tone_file):
    monkeypatch.setitem(sys.modules, "soundfile", None)
    with pytest.raises(ImportError, match=re.escape('pip install -e ".[audio]"')):
        read_audio(tone_file)


def test_missing_opensmile_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "opensmile", None)
    with pytest.raises(ImportError, match=re.escape('".[audio]"')):
        OpenSmileFunctionals().transform([(sine(), SR)])


# -- containers of items ------------------------------------------------------


@pytest.mark.parametrize(
    "container", [list, tuple, pd.Series, lambda x: np.array(x, dtype=object)]
)
def test_containers_of_paths_are_accepted(container):
    paths = ["a.wav", "b.flac"]
    assert _check_audio_items(container(paths)) == paths


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("speech.wav", TypeError, "pass a list of paths"),
        ((sine(), SR), TypeError, "single \\(signal, sampling_rate\\) pair"),
        (sine(), TypeError, "1-D array of paths"),
        (np.array([["a.wav"]]), TypeError, "1-D array of paths"),
        ({"a.wav"}, TypeError, "list, tuple, 1-D numpy array or pandas Series"),
        ([], ValueError, "no audio items"),
    ],
)
def test_bad_containers_are_rejected(X, error, match):
    with pytest.raises(error, match=match):
        FrameFeatures().transform(X)


# -- the transformers -----------------------------------------------------------


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_transformer_api(name):
    est = make(name)
    n_features = {"functionals": 88, "logmel": 40, "egemaps_lld": 25}[name]
    names = est.get_feature_names_out()
    assert len(names) == n_features and names.dtype == object
    assert est.fit([(sine(), SR)]) is est and est.n_features_out_ == n_features
    assert clone(est).get_params() == est.get_params()
    tags = est.__sklearn_tags__()
    assert not tags.requires_fit and tags.input_tags.string
    assert not tags.input_tags.two_d_array
    # Stateless: an unfitted clone transforms alike.
    X = [(sine(), SR), (noise(12000), SR)]
    assert_same_features(clone(est).transform(X), est.transform(X))


@pytest.mark.parametrize(
    "feature_set, n_features", [("eGeMAPSv02", 88), ("GeMAPSv01b", 62)]
)
def test_functionals_shape_and_names(feature_set, n_features):
    est = make("functionals", feature_set=feature_set)
    out = est.transform([(sine(), SR), (noise(8000), SR), (sine(seconds=0.1), SR)])
    assert out.shape == (3, n_features) and out.dtype == np.float64
    assert np.isfinite(out).all()
    assert len(est.get_feature_names_out()) == n_features


@pytest.mark.parametrize("name", ["functionals", "egemaps_lld"])
def test_opensmile_needs_samples_in_unit_range(name):
    square = np.sign(sine())
    est = make(name)
    # openSMILE scales by 32768 into int16: +1.0 must become 32767, not wrap.
    below_one = np.where(square > 0, 32767 / 32768, square)
    assert_same_features(
        est.transform([(square, SR)]), est.transform([(below_one, SR)])
    )
    with pytest.raises(AudioError, match="item 0: samples outside \\[-1, 1\\]"):
        est.transform([(2 * square, SR)])


def test_functionals_set_output_pandas():
    est = make("functionals").set_output(transform="pandas")
    frame = est.fit_transform([(sine(), SR), (noise(SR), SR)])
    assert isinstance(frame, pd.DataFrame) and frame.shape == (2, 88)
    assert_array_equal(frame.columns, est.get_feature_names_out())


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_in_memory_pairs_equal_file_input(tmp_path, name):
    paths = []
    for i, n in enumerate([SR, 12345]):
        paths.append(tmp_path / f"item{i}.flac")
        sf.write(paths[-1], noise(n, seed=i), SR)
    pairs = [sf.read(path) for path in paths]
    est = make(name)
    assert_same_features(est.transform(pairs), est.transform(paths))


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_n_jobs_2_equals_n_jobs_1(name):
    X = [(noise(n, seed=n), SR) for n in [5000, 16000, 9000, 12000, 7000]]
    one = make(name, n_jobs=1).transform(X)
    assert_same_features(make(name, n_jobs=2).transform(X), one)


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_raise_names_the_first_bad_item(bad_files, tone_file, name):
    path, message = bad_files["text"]
    where = re.escape(f"'{path}' (item 1)")
    with pytest.raises(AudioError, match=f"{where}: {message}"):
        make(name).transform([tone_file, path, bad_files["empty"][0]])
    with pytest.raises(AudioError, match="audio item 2: the signal has no samples"):
        make(name).extract([tone_file, tone_file, (np.zeros(0), SR)])


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_skip_returns_kept_positions_and_warns(bad_files, tone_file, name):
    bad = [bad_files[problem][0] for problem in ["empty", "missing"]]
    X = [bad[0], tone_file, (np.zeros(0), SR), tone_file, bad[1]]
    est = make(name, on_error="skip")
    features, kept = est.extract(X)
    assert kept.dtype.kind == "i"
    assert_array_equal(kept, [1, 3])
    assert_same_features(features, make(name).transform([tone_file, tone_file]))
    with pytest.warns(SkippedAudioWarning, match="skipped 3 of 5 items") as record:
        out = est.transform(X)
    assert_same_features(out, features)
    text = str(record[0].message)
    for where in [f"'{bad[0]}' (item 0)", "item 2:", f"'{bad[1]}' (item 4)"]:
        assert where in text


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_skip_everything_leaves_an_empty_output(bad_files, name):
    X = [path for path, _ in bad_files.values()]
    with pytest.warns(SkippedAudioWarning, match="skipped 4 of 4"):
        out = make(name, on_error="skip").transform(X)
    assert len(out) == 0


# -- frames ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["logmel", "egemaps_lld"])
@pytest.mark.parametrize("frame_ms", [20, 40])
@pytest.mark.parametrize("n", [1280, 12345, 16000])
def test_frame_count_follows_the_documented_rule(kind, frame_ms, n):
    frames = make(kind, frame_ms=frame_ms).transform([(noise(n), SR)])[0]
    assert frames.shape == (expected_frames(kind, n, frame_ms), frames.shape[1])
    assert frames.dtype == np.float32 and np.isfinite(frames).all()


def test_frame_counts_of_one_second():
    # 1 + (16000 - 400) // 320 and 96 openSMILE frames averaged in pairs.
    X = [(sine(), SR)]
    assert make("logmel").transform(X)[0].shape == (49, 40)
    assert make("egemaps_lld").transform(X)[0].shape == (48, 25)


@given(
    n=st.integers(512, 40000),
    frame_ms=st.sampled_from([10, 20, 40]),
    window_ms=st.sampled_from([25, 32]),
)
def test_logmel_frame_count_property(n, frame_ms, window_ms):
    X = [(noise(n), SR)]
    frames = FrameFeatures(frame_ms=frame_ms, window_ms=window_ms).transform(X)[0]
    assert len(frames) == expected_frames("logmel", n, frame_ms, window_ms)


@pytest.mark.parametrize(
    "kind, frame_ms, n", [("logmel", 20, 399), ("egemaps_lld", 20, 959)]
)
def test_too_short_for_one_frame(kind, frame_ms, n):
    with pytest.raises(AudioError, match="item 0: too short for one frame"):
        make(kind, frame_ms=frame_ms).transform([(noise(n), SR)])


def test_egemaps_lld_too_short_for_one_averaged_frame():
    # 1000 samples: 2 openSMILE frames, fewer than the 4 of a 40 ms frame.
    with pytest.raises(AudioError, match="too short for one frame"):
        make("egemaps_lld", frame_ms=40).transform([(noise(1000), SR)])


def test_frame_outputs_index_like_rows():
    lengths = [SR, SR, 8000, 12000]  # two of equal length: still not stacked
    out = FrameFeatures().transform([(noise(n, seed=n), SR) for n in lengths])
    assert out.shape == (4,) and out.dtype == object
    assert [len(f) for f in out] == [expected_frames("logmel", n, 20) for n in lengths]
    for picked in [out[np.array([2, 0])], _safe_indexing(out, np.array([2, 0]))]:
        assert picked.shape == (2,)
        assert_array_equal(picked[0], out[2])
        assert_array_equal(picked[1], out[0])
    assert_array_equal(_safe_indexing(out, [3])[0], out[3])


@pytest.mark.parametrize("band", [5, 20, 35])
def test_logmel_peaks_in_the_band_of_a_tone(band):
    # HTK mel scale: centres equally spaced in 2595 log10(1 + f / 700).
    top = 2595 * np.log10(1 + 8000 / 700)
    centres = 700 * (10 ** (np.linspace(0, top, 42)[1:-1] / 2595) - 1)
    frames = FrameFeatures(n_mels=40).transform([(sine(centres[band]), SR)])[0]
    assert_array_equal(frames.argmax(axis=1), band)


def test_logmel_in_blocks_equals_logmel_at_once(monkeypatch):
    X = [(noise(SR), SR)]
    at_once = FrameFeatures().transform(X)[0]
    monkeypatch.setattr(_frames, "_BLOCK_FRAMES", 7)
    assert_array_equal(FrameFeatures().transform(X)[0], at_once)


def test_logmel_of_silence_is_the_log_floor():
    frames = FrameFeatures().transform([(np.zeros(SR), SR)])[0]
    assert_allclose(frames, np.log(1e-10), rtol=1e-6)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"kind": "egemaps_lld", "frame_ms": 25}, ValueError, "multiple of 10"),
        ({"n_mels": 200}, ValueError, "contain no FFT bin"),
        ({"frame_ms": 0.01}, ValueError, "less than one sample"),
        ({"kind": "mfcc"}, InvalidParameterError, "kind"),
        ({"on_error": "ignore"}, InvalidParameterError, "on_error"),
        ({"frame_ms": -20}, InvalidParameterError, "frame_ms"),
    ],
)
def test_frame_parameters_are_validated(params, error, match):
    est = FrameFeatures(**params)
    with pytest.raises(error, match=match):
        est.fit([(sine(), SR)])
    with pytest.raises(error, match=match):
        est.transform([(sine(), SR)])


# -- arbitrary bytes -------------------------------------------------------------


def _encoded(fmt, subtype):
    buffer = io.BytesIO()
    sf.write(buffer, sine(seconds=0.1), SR, format=fmt, subtype=subtype)
    return buffer.getvalue()


VALID_FILES = [
    _encoded("WAV", "PCM_16"),
    _encoded("WAV", "FLOAT"),
    _encoded("FLAC", "PCM_16"),
]


@st.composite
def file_bytes(draw):
    """Arbitrary bytes, or a valid audio file truncated and overwritten."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=1024))
    data = bytearray(draw(st.sampled_from(VALID_FILES)))
    del data[draw(st.integers(0, len(data))) :]
    for position, value in draw(
        st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=8)
    ):
        if data:
            data[position % len(data)] = value
    return bytes(data)


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=file_bytes())
def test_read_audio_on_arbitrary_bytes_raises_only_audio_error(tmp_path, data):
    path = tmp_path / "fuzz.wav"
    path.write_bytes(data)
    try:
        signal = read_audio(path)
    except AudioError as exc:
        assert str(path) in str(exc)
        return
    assert signal.dtype == np.float32 and signal.ndim == 1 and signal.size > 0
    assert np.isfinite(signal).all()


@pytest.mark.parametrize("name", list(TRANSFORMERS))
@FUZZ
@given(data=file_bytes())
def test_transformers_on_arbitrary_bytes_raise_only_audio_error(tmp_path, name, data):
    path = tmp_path / "fuzz.wav"
    path.write_bytes(data)
    est = make(name)
    try:
        out = est.transform([path])
    except AudioError as exc:
        assert str(path) in str(exc)
        return
    values = out[0]
    assert len(out) == 1 and values.shape[-1] == len(est.get_feature_names_out())
    assert np.isfinite(values).all()


# -- real speech -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ravdess_sample(ravdess_root):
    """Three RAVDESS utterances (paths) and their durations in seconds."""
    labels = pd.read_csv(ravdess_root / "labels.csv").iloc[[0, 700, 1439]]
    paths = [str(ravdess_root / f) for f in labels["file"]]
    return paths, labels["duration_s"].to_numpy()


def test_functionals_equal_opensmile_on_real_speech(ravdess_sample):
    opensmile = pytest.importorskip("opensmile")
    paths, _ = ravdess_sample
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    reference = smile.process_files(paths)
    est = OpenSmileFunctionals()
    assert_allclose(est.transform(paths), reference.to_numpy(), rtol=1e-5)
    assert_array_equal(est.get_feature_names_out(), reference.columns)


@pytest.mark.parametrize("kind", ["logmel", "egemaps_lld"])
def test_frames_of_real_speech_come_every_20_ms(ravdess_sample, kind):
    paths, durations = ravdess_sample
    out = make(kind).transform(paths)
    assert_allclose([len(f) for f in out], durations / 0.02, atol=3)
    assert all(np.isfinite(f).all() for f in out)
