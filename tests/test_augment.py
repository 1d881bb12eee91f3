"""Tests of AudioViews (augmented views of speech) and ``extract --augment``."""

import random
import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from aae_sklearn.cli import main
from aae_sklearn.cli._io import _feature_columns
from aae_sklearn.exceptions import SkippedAudioWarning
from aae_sklearn.features import (
    AudioError,
    AudioViews,
    FrameFeatures,
    OpenSmileFunctionals,
    read_audio,
)

pytest.importorskip("audiomentations")
sf = pytest.importorskip("soundfile")

SR = 16000
ALL = ["tempo", "pitch", "gain", "noise"]


def tone(seconds=1.0, freq=440.0, amplitude=0.5, sr=SR):
    t = np.arange(round(seconds * sr)) / sr
    return amplitude * np.sin(2 * np.pi * freq * t)


def speechlike(seed, seconds=1.0):
    """A tone with harmonics in a little noise, as a (signal, rate) pair."""
    rng = np.random.default_rng(seed)
    f0 = 120 + 40 * seed
    signal = sum(tone(seconds, f0 * k, 0.2 / k) for k in range(1, 5))
    return signal + 0.01 * rng.standard_normal(len(signal)), SR


def peak_hz(signal, sr=SR):
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return np.argmax(spectrum) * sr / len(signal)


def same_views(a, b):
    assert_array_equal(a[["source", "view"]], b[["source", "view"]])
    assert_array_equal(a[ALL], b[ALL])
    for x, y in zip(a["signal"], b["signal"], strict=True):
        assert_array_equal(x, y)


ITEMS = [speechlike(seed) for seed in range(4)]


def _write_tones(folder, seconds):
    """16 kHz WAV tones of the given lengths, 0.wav, 1.wav, ..., in a new folder."""
    folder.mkdir()
    for i, length in enumerate(seconds):
        sf.write(folder / f"{i}.wav", tone(length, 200 + 50 * i), SR)
    return folder


# -- AudioViews -------------------------------------------------------------------


def test_output_rows_columns_and_the_original():
    views = AudioViews(n_views=2, random_state=0).fit_transform(ITEMS)
    assert list(views.columns) == ["source", "file", "view", "signal", *ALL]
    assert views["source"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert views["view"].tolist() == [0, 1, 2] * 4
    assert views["file"].isna().all()
    for row in views.itertuples():
        assert row.signal.dtype == np.float32 and row.signal.ndim == 1
        if row.view == 0:  # the item as read, nothing drawn
            assert_array_equal(row.signal, read_audio(ITEMS[row.source]))
            assert np.isnan([row.tempo, row.pitch, row.gain, row.noise]).all()
        else:
            assert 0.9 <= row.tempo <= 1.1 and -2 <= row.pitch <= 2
            assert -6 <= row.gain <= 6 and 10 <= row.noise <= 30
    assert len(AudioViews(n_views=0).fit_transform(ITEMS)) == 4


def test_views_are_deterministic_per_random_state():
    first = AudioViews(n_views=2, random_state=0).fit_transform(ITEMS)
    same_views(first, AudioViews(n_views=2, random_state=0).fit_transform(ITEMS))
    other = AudioViews(n_views=2, random_state=1).fit_transform(ITEMS)
    changed = other["view"] > 0
    assert not np.isin(other.loc[changed, "tempo"], first["tempo"]).any()
    for x, y in zip(first["signal"][changed], other["signal"][changed], strict=True):
        assert len(x) != len(y) or not np.array_equal(x, y)


def test_views_do_not_depend_on_n_jobs_or_the_order_of_work():
    views = AudioViews(n_views=2, random_state=0)
    alone = views.fit_transform(ITEMS)
    same_views(alone, views.set_params(n_jobs=2).fit_transform(ITEMS))
    # A slice of a Series keeps its index, which labels and seeds the items.
    part = views.fit_transform(pd.Series(ITEMS).iloc[2:])
    same_views(part, alone[alone["source"] >= 2].reset_index(drop=True))


def test_the_global_random_generators_are_left_alone():
    python, numpy = random.getstate(), np.random.get_state()  # noqa: NPY002
    AudioViews(n_views=2, random_state=0).fit_transform(ITEMS[:1])
    assert random.getstate() == python
    after = np.random.get_state()  # noqa: NPY002
    assert_array_equal(after[1], numpy[1]) and after[2] == numpy[2]


def _one_view(perturbation, **params):
    item = (tone(), SR)
    views = AudioViews(perturbations=[perturbation], random_state=0, **params)
    original, view = views.fit_transform([item]).itertuples()
    assert np.isnan([getattr(view, p) for p in ALL if p != perturbation]).all()
    return original.signal, view.signal, getattr(view, perturbation)


def test_tempo_changes_the_length_not_the_pitch():
    original, view, factor = _one_view("tempo", tempo=(1.1, 1.1))
    assert factor == pytest.approx(1.1)
    assert len(view) == pytest.approx(len(original) / 1.1, abs=2)
    assert peak_hz(view) == pytest.approx(440, abs=3)


def test_pitch_changes_the_pitch_not_the_length():
    original, view, semitones = _one_view("pitch", pitch=(2.0, 2.0))
    assert semitones == 2.0 and len(view) == len(original)
    assert peak_hz(view) == pytest.approx(440 * 2 ** (2 / 12), abs=3)


def test_gain_scales_the_signal():
    original, view, gain = _one_view("gain")
    assert -6 <= gain <= 6 and gain != 0
    assert_allclose(view, original * 10 ** (gain / 20), rtol=1e-5, atol=1e-7)


def test_noise_is_added_at_the_drawn_snr():
    original, view, snr = _one_view("noise")
    residual = view.astype(np.float64) - original
    measured = 10 * np.log10(np.mean(original**2) / np.mean(residual**2))
    assert 10 <= snr <= 30 and measured == pytest.approx(snr, abs=0.3)


def test_switching_a_perturbation_off_keeps_the_others_values():
    every = AudioViews(n_views=2, random_state=0).fit_transform(ITEMS)
    some = AudioViews(n_views=2, perturbations=["pitch"], random_state=0)
    assert_array_equal(some.fit_transform(ITEMS)["pitch"], every["pitch"])


def test_full_scale_input_is_never_refused_and_stays_in_range():
    square = np.sign(np.sin(2 * np.pi * 200 * np.arange(SR) / SR))
    views = AudioViews(n_views=4, gain=(6.0, 6.0), random_state=0)
    signals = views.fit_transform([(square, SR)])["signal"]
    for signal in signals:
        assert np.abs(signal).max() <= 1.0
    assert np.abs(signals[1]).max() == 1.0  # clipped, not rescaled or refused


def test_a_44_1_khz_file_gives_views_at_16_khz(tmp_path):
    path = tmp_path / "tone.wav"
    sf.write(path, tone(1.0, sr=44100), 44100)
    views = AudioViews(n_views=2, perturbations=["gain", "noise"], random_state=0)
    table = views.fit_transform([path])
    assert table["file"].tolist() == [str(path)] * 3
    assert [len(s) for s in table["signal"]] == [SR] * 3
    assert_array_equal(table["signal"][0], read_audio(path))


def test_the_feature_transformers_take_the_views():
    views = AudioViews(n_views=2, random_state=0).fit_transform(ITEMS[:2])
    X = [(signal, SR) for signal in views["signal"]]
    functionals = OpenSmileFunctionals().fit_transform(X)
    assert functionals.shape == (6, 88) and np.isfinite(functionals).all()
    assert_array_equal(functionals[0], OpenSmileFunctionals().transform(ITEMS[:1])[0])
    frames = FrameFeatures().fit_transform(X)
    assert len(frames) == 6 and all(f.shape[1] == 40 for f in frames)


def test_a_negative_n_views_is_an_error():
    with pytest.raises(ValueError, match="n_views"):
        AudioViews(n_views=-1).fit_transform(ITEMS)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"perturbations": ["tempo", "reverb"]}, "perturbations must name"),
        ({"perturbations": []}, "perturbations must name"),
        ({"tempo": (1.2, 0.9)}, r"tempo=\(1.2, 0.9\) must satisfy"),
        ({"pitch": (-30, 0)}, r"pitch=\(-30, 0\) must satisfy -24.0 <= low"),
        ({"gain": 6.0}, "'gain' parameter of AudioViews must be an array-like"),
        ({"gain": (1, 2, 3)}, r"gain must be a .low, high. pair, got \(1, 2, 3\)"),
        ({"noise": (10, np.nan)}, "noise must be a .low, high. pair"),
    ],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        AudioViews(**params).fit(ITEMS)


def test_an_unreadable_file_is_named(tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_text("not audio")
    items = [ITEMS[0], bad]
    with pytest.raises(AudioError, match=r"broken\.wav.*\(item 1\).*cannot decode"):
        AudioViews(random_state=0).fit_transform(items)
    with pytest.warns(SkippedAudioWarning, match=r"(?s)skipped 1 of 2.*broken\.wav"):
        views = AudioViews(random_state=0, on_error="skip").fit_transform(items)
    assert views["source"].tolist() == [0, 0]


def test_no_items_and_bad_series_are_errors():
    with pytest.raises(ValueError, match="no audio items"):
        AudioViews().fit_transform([])
    with pytest.raises(ValueError, match="unique, non-negative"):
        AudioViews().fit_transform(pd.Series(ITEMS[:2], index=[-1, 0]))


def test_missing_audiomentations_names_the_extra(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "audiomentations", None)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[augment\]"'):
        AudioViews().fit(ITEMS)
    assert len(AudioViews(n_views=0).fit_transform(ITEMS)) == 4  # nothing to perturb
    folder = _write_tones(tmp_path / "audio", [0.5])
    out = tmp_path / "views.csv"
    assert main(["extract", str(folder), "--augment", "1", "-q", "-o", str(out)]) == 1
    assert '.[augment]"' in capsys.readouterr().err and not out.exists()


# -- extract --augment --------------------------------------------------------------


@pytest.fixture
def ravdess_list(ravdess_root, tmp_path):
    """A list file of three real RAVDESS files of actor 1."""
    files = sorted((ravdess_root / "Actor_01").glob("*.flac"))[:3]
    listing = tmp_path / "files.txt"
    listing.write_text("".join(f"{path}\n" for path in files))
    return listing


def test_extract_augment_adds_views_beside_each_file(ravdess_list, tmp_path):
    out, plain = tmp_path / "views.csv", tmp_path / "plain.csv"
    assert main(["extract", str(ravdess_list), "--augment", "2", "-o", str(out)]) == 0
    assert main(["extract", str(ravdess_list), "--augment", "0", "-o", str(plain)]) == 0
    table, plain = pd.read_csv(out), pd.read_csv(plain)
    assert list(table.columns[:2]) == ["file", "view"] and "view" not in plain
    assert table.shape == (9, 2 + 88)
    assert table["view"].tolist() == [0, 1, 2] * 3
    assert table["file"].tolist() == np.repeat(plain["file"], 3).tolist()
    originals = table[table["view"] == 0].drop(columns="view")
    assert_allclose(originals.iloc[:, 1:], plain.iloc[:, 1:], rtol=1e-6)
    assert not np.allclose(table.iloc[1, 2:], table.iloc[0, 2:], rtol=1e-3)
    # fit, compare and predict take the view for metadata, not a feature.
    assert "view" not in _feature_columns(table, (), out)


def test_extract_augment_is_the_same_for_every_jobs_and_seeded(ravdess_list, tmp_path):
    argv = ["extract", str(ravdess_list), "--augment", "1", "-q"]
    tables = []
    for extra in (["--jobs", "1"], ["--jobs", "2"], ["--random-state", "1"]):
        out = tmp_path / f"{len(tables)}.csv"
        assert main([*argv, *extra, "-o", str(out)]) == 0
        tables.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    views = tables[0]["view"] == 1
    assert not np.allclose(tables[0][views].iloc[:, 2:], tables[2][views].iloc[:, 2:])


def test_extract_augment_refuses_a_negative_count(tmp_path, capsys):
    out = tmp_path / "views.csv"
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(tmp_path), "--augment", "-1", "-o", str(out)])
    assert exit_info.value.code == 2
    assert "argument --augment: must be at least 0, got -1" in capsys.readouterr().err
    assert not out.exists()


def test_extract_augment_names_an_unreadable_file(tmp_path, capsys):
    folder = _write_tones(tmp_path / "audio", [0.5, 0.5])
    (folder / "broken.wav").write_text("not audio")
    out = tmp_path / "views.csv"
    argv = ["extract", str(folder), "--augment", "1", "-q", "-o", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.wav" in err and "cannot decode" in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["audio"]

    assert main([*argv, "--skip-bad"]) == 0
    assert "skipped unreadable" in capsys.readouterr().err
    assert pd.read_csv(out)["view"].tolist() == [0, 1, 0, 1]


def test_extract_augment_names_a_view_too_short_for_opensmile(tmp_path, capsys):
    """61 ms, one ms over openSMILE's shortest: a faster tempo shortens most
    views below it, the originals never."""
    folder = _write_tones(tmp_path / "audio", [0.061])
    out = tmp_path / "views.csv"
    argv = ["extract", str(folder), "--augment", "6", "-q", "-o", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Cannot extract features from view" in err
    assert "0.wav" in err and "too short" in err and "--skip-bad" in err
    assert not out.exists()

    assert main([*argv, "--skip-bad"]) == 0
    skipped = capsys.readouterr().err.count("skipped view")
    views = pd.read_csv(out)["view"].tolist()
    assert 0 < skipped < 6 and views[0] == 0 and len(views) == 7 - skipped


def test_extract_augment_with_ssl_embeddings(tmp_path, monkeypatch):
    pytest.importorskip("transformers")
    # Imported here: test_ssl skips its whole module without transformers.
    from .test_ssl import _save_tiny

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = _save_tiny(tmp_path / "tiny", "wavlm", "group")
    folder = _write_tones(tmp_path / "audio", [0.5, 0.7])
    argv = ["extract", str(folder), "--features", "ssl", "--ssl-model", str(model)]
    out, plain = tmp_path / "views.csv", tmp_path / "plain.csv"
    assert main([*argv, "--augment", "2", "-q", "-o", str(out)]) == 0
    assert main([*argv, "-q", "-o", str(plain)]) == 0
    table, plain = pd.read_csv(out), pd.read_csv(plain)
    assert table.shape == (6, 2 + 32) and table["view"].tolist() == [0, 1, 2] * 2
    originals = table[table["view"] == 0].drop(columns="view")
    assert_allclose(originals.iloc[:, 1:], plain.iloc[:, 1:], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("command", ["fit", "compare"])
def test_a_table_of_views_trains_with_each_view_tied_to_its_file(
    command, tmp_path, capsys
):
    """fit and compare take a table of views (extract --augment); a view they
    cannot tie to its recording is an error naming the file and the column."""
    from aae_sklearn.datasets import load_ravdess_features

    frame = load_ravdess_features().frame
    rows = frame[frame["actor"] <= 2].rename(columns={"actor": "speaker"})
    views = pd.concat([rows.assign(view=0), rows.assign(view=1)])
    path = tmp_path / "views.csv"
    if command == "fit":
        argv = ["fit", str(path), "-o", str(tmp_path / "m"), "--model", "supervised"]
    else:
        argv = ["compare", "--data", str(path), "--folds", "2", "--jobs", "1"]
    views.to_csv(path, index=False)
    assert main([*argv, "--max-iter", "1", "-q"]) == 0
    views.drop(columns="file").to_csv(path, index=False)
    assert main([*argv, "--max-iter", "1", "-q"]) == 1
    error = capsys.readouterr().err
    assert f"{path}: its column 'view' needs a column 'file'" in error
    views[views["view"] == 1].to_csv(path, index=False)
    assert main([*argv, "--max-iter", "1", "-q"]) == 1
    assert "have views but no row of view 0" in capsys.readouterr().err
