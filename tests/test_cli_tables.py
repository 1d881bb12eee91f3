"""The command line's reading of its inputs: the cells and columns of tables,
the audio folders it knows, and the values of its options."""

import pandas as pd
import pytest

import aae_sklearn
from aae_sklearn.cli import main
from aae_sklearn.cli._corpora import LAYOUTS, _audio_corpus
from aae_sklearn.cli._io import _category_column
from aae_sklearn.datasets import load_nemo_features, load_ravdess_features

from .test_cli import _error_line, _no_leftovers
from .test_corpora import MSP_HEADER, MSP_ROWS, write_iemocap, write_msp

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = ["--max-iter", "1", "-q"]
COLUMN = "F0semitoneFrom27.5Hz_sma3nz_amean"


@pytest.fixture(scope="module")
def table():
    """120 rows (2 actors) of the bundled table, actors in a ``speaker`` column."""
    frame = load_ravdess_features().frame
    return frame[frame["actor"] <= 2].rename(columns={"actor": "speaker"})


@pytest.fixture(scope="module")
def model(table, tmp_path_factory):
    """A model fitted on ``table`` by the command line."""
    folder = tmp_path_factory.mktemp("model")
    table.to_csv(folder / "table.csv", index=False)
    path = folder / "m.safetensors"
    argv = ["fit", str(folder / "table.csv"), "--model", "supervised"]
    assert main([*argv, "-o", str(path), *FAST]) == 0
    return path


def _spoilt(table, value, row=16, column=COLUMN):
    """``table`` with ``value`` (text) in one cell of a feature column."""
    table = table.astype({column: str})
    table.iloc[row, table.columns.get_loc(column)] = value
    return table


def _argv(command, source, model, tmp_path):
    return {
        "fit": ["fit", str(source), "-o", str(tmp_path / "m.safetensors")],
        "compare": ["compare", "--data", str(source), "--out", str(tmp_path / "c")],
        "predict": ["predict", str(model), str(source), "-o", str(tmp_path / "p.csv")],
    }[command]


@pytest.mark.parametrize("command", ["fit", "compare", "predict"])
@pytest.mark.parametrize(
    "value, hint", [("abc", "."), ("0,123", "; a decimal comma? Use a dot.")]
)
def test_a_text_cell_in_a_feature_column_fails_with_its_line(
    command, value, hint, table, model, tmp_path, capsys
):
    """Not the column left out in silence: one line naming the file, the
    column, the line of the cell and its value."""
    source = tmp_path / "bad.csv"
    _spoilt(table, value).to_csv(source, index=False)
    options = ["-q"] if command == "predict" else FAST
    assert main([*_argv(command, source, model, tmp_path), *options]) == 1
    assert _error_line(capsys) == (
        f"aae-sklearn: error: {source}: feature column {COLUMN!r} holds a non-number "
        f"on line 18: {value!r}{hint}\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_a_parquet_table_names_the_row(table, tmp_path, capsys):
    source = tmp_path / "bad.parquet"
    _spoilt(table, "n.a.", row=0).to_parquet(source, index=False)
    assert main(["fit", str(source), "-o", str(tmp_path / "m"), *FAST]) == 1
    err = _error_line(capsys)
    assert f"{COLUMN!r} holds a non-number in row 1 (counted from 1): 'n.a.'." in err


def test_a_column_of_decimal_commas_is_no_metadata(table, tmp_path, capsys):
    source = tmp_path / "commas.csv"
    commas = table.astype({COLUMN: str})
    commas[COLUMN] = commas[COLUMN].str.replace(".", ",", regex=False)
    commas.to_csv(source, index=False)
    assert main(["fit", str(source), "-o", str(tmp_path / "m"), *FAST]) == 1
    err = _error_line(capsys)
    assert "on line 2: " in err and "a decimal comma? Use a dot." in err


def test_text_columns_of_metadata_are_left_out(table, tmp_path):
    """The columns of text that the corpus loaders write are metadata."""
    source = tmp_path / "metadata.csv"
    extra = table.assign(text="Kids are talking", gender="female", dialog="d1")
    extra.loc[extra.index[::3], "text"] = None
    extra.to_csv(source, index=False)
    path = tmp_path / "m.safetensors"
    argv = ["fit", str(source), "--model", "supervised", "-o", str(path)]
    assert main([*argv, *FAST]) == 0
    names = load_ravdess_features().feature_names
    assert aae_sklearn.load(path).feature_names_in_.tolist() == names


@pytest.mark.parametrize("command", ["fit", "compare", "predict"])
@pytest.mark.parametrize("column", [COLUMN, "notes"])
def test_a_column_of_text_is_no_feature_and_no_metadata(
    command, column, table, model, tmp_path, capsys
):
    """Neither numbers nor a column of the corpus loaders: fit fails as predict
    does, rather than leaving out a feature (or a note) in silence."""
    source = tmp_path / "text.csv"
    table.assign(**{column: "loud room"}).to_csv(source, index=False)
    options = ["-q"] if command == "predict" else FAST
    assert main([*_argv(command, source, model, tmp_path), *options]) == 1
    err = _error_line(capsys)
    assert err.startswith(
        f"aae-sklearn: error: {source}: column {column!r} holds text ('loud room' "
        "on line 2): neither a feature (numbers) nor a metadata column"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["text.csv"]


def test_a_text_cell_in_a_target_names_its_line(table, tmp_path, capsys):
    source = tmp_path / "bad.csv"
    _spoilt(table, "high", row=3, column="valence").to_csv(source, index=False)
    assert main(["fit", str(source), "-o", str(tmp_path / "m"), *FAST]) == 1
    err = _error_line(capsys)
    assert "target column 'valence' holds a non-number on line 5: 'high'." in err


def test_a_semicolon_separated_table_is_named(table, tmp_path, capsys):
    source = tmp_path / "excel.csv"
    table.to_csv(source, sep=";", decimal=",", index=False)
    assert main(["fit", str(source), "-o", str(tmp_path / "m"), *FAST]) == 1
    assert "separated by semicolons" in _error_line(capsys)
    _no_leftovers(tmp_path)


@pytest.mark.parametrize("command", ["compare", "fit"])
def test_an_audio_folder_of_no_known_corpus_lists_those_it_reads(
    command, ravdess_root, tmp_path, capsys
):
    folder = tmp_path / "my_wavs"
    folder.mkdir()
    first = sorted((ravdess_root / "Actor_01").glob("*.flac"))[0]
    (folder / "hello.flac").write_bytes(first.read_bytes())
    argv = {
        "compare": ["compare", "--data", str(folder)],
        "fit": ["fit", str(folder), "-o", str(tmp_path / "m")],
    }[command]
    assert main([*argv, "--cache", "none", *FAST]) == 1
    err = _error_line(capsys)
    assert f"{folder}: not the audio folder of a corpus" in err
    assert "hello.flac" in err and "; ".join(LAYOUTS) in err


def test_iemocap_and_msp_podcast_folders_are_known_by_their_labels(tmp_path):
    write_iemocap(tmp_path / "iemocap")
    write_msp(tmp_path / "msp", [MSP_HEADER, *MSP_ROWS])
    iemocap, name = _audio_corpus(tmp_path / "iemocap")
    assert name == "IEMOCAP" and _category_column(iemocap.frame) == "emotion"
    msp, name = _audio_corpus(tmp_path / "msp")
    assert name == "MSP-Podcast" and _category_column(msp.frame) == "EmoClass"
    assert len(msp.data) == len(MSP_ROWS)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--labeled-fraction", "abc"], "'abc' is not a number"),
        (["compare", "--labeled-fraction", "2"], "must be in (0, 1], got 2"),
        (["compare", "--folds", "six"], "'six' is not a whole number"),
        (["fit", "bundled", "-o", "m", "--max-iter", "1.5"], "not a whole number"),
    ],
)
def test_option_values_are_named_in_their_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "_fraction" not in err and "parse" not in err


def test_every_option_of_extract_has_help(capsys):
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    out = capsys.readouterr().out
    assert "openSMILE set: eGeMAPSv02, GeMAPSv01b or ComParE_2016" in out


def test_counts_of_one_are_singular(table, tmp_path, capsys):
    source = tmp_path / "one.csv"
    table.head(1).to_csv(source, index=False)
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(source), "--model", "supervised", "--normalize", "none"]
    assert main([*argv, "--max-iter", "1", "-o", str(model_path)]) == 0
    err = capsys.readouterr().err
    assert "on 1 row (1 labeled) x 88 features in 1 epoch (" in err
    out = tmp_path / "p.csv"
    assert main(["predict", str(model_path), str(source), "-o", str(out)]) == 0
    assert "wrote 1 prediction to" in capsys.readouterr().err


def test_the_columns_of_the_corpus_loaders_are_no_features(tmp_path):
    """nEMO's age and sentence number, say, are numbers but no features."""
    frame = load_nemo_features().frame
    path = tmp_path / "nemo.csv"
    frame[frame["speaker"].isin(["EB0", "SB0"])].to_csv(path, index=False)
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(path), "--model", "supervised", "-o", str(model_path), *FAST]
    assert main(argv) == 0
    names = aae_sklearn.load(model_path).feature_names_in_.tolist()
    assert names == load_nemo_features().feature_names


def test_extract_reads_emodb_and_nemo_with_their_loaders(emodb_root, tmp_path):
    folder = tmp_path / "emodb"
    folder.mkdir()
    for path in sorted(emodb_root.glob("*.flac"))[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "emodb.csv"
    argv = ["extract", str(folder), "--corpus", "emodb", "-o", str(out), "-q"]
    assert main(argv) == 0
    table = pd.read_csv(out)
    assert {"speaker", "emotion", "valence"} <= set(table) and len(table) == 2
