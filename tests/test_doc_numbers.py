"""The figures that the README and the documentation quote agree with the
result files committed under ``benchmarks/`` (``scripts/doc_numbers.py``)."""

# License: BSD-3-Clause

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def doc_numbers():
    spec = importlib.util.spec_from_file_location(
        "doc_numbers", ROOT / "scripts" / "doc_numbers.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def documents(doc_numbers):
    return {
        name: (ROOT / name).read_text(encoding="utf-8") for name in doc_numbers.QUOTED
    }


def _check(doc_numbers, documents, name, text):
    """The check with one document replaced by ``text``."""
    return doc_numbers.check(lambda n: text if n == name else documents[n])


def test_every_quoted_figure_agrees_with_the_result_files(doc_numbers):
    assert doc_numbers.check() == []


def test_a_figure_is_computed_from_the_files(doc_numbers):
    figures = doc_numbers.numbers()
    # RAVDESS's held-out half, 10 % labels: 0.398 against 0.332 (docs/results.rst).
    assert figures["report.ravdess.10.pool.acc"] == "+6.5"
    assert figures["report.classes.cells"] == "9"
    assert set(doc_numbers.tables()) == set(doc_numbers.TABLES)


@pytest.mark.parametrize(
    "quote, stale",
    [
        (
            "+2.4<!-- n:all.ravdess.25.aae.acc -->",
            "4.5<!-- n:all.ravdess.25.aae.acc -->",
        ),
        (
            "-1.2<!-- n:report.ravdess.100.aae.uar -->",
            "+1.7<!-- n:report.ravdess.100.aae.uar -->",
        ),
        # The tail of a longer figure is not the figure.
        (
            "+6.5<!-- n:report.ravdess.10.pool.acc -->",
            "+16.5<!-- n:report.ravdess.10.pool.acc -->",
        ),
    ],
)
def test_a_stale_figure_in_the_readme_fails(doc_numbers, documents, quote, stale):
    readme = documents["README.md"]
    assert quote in readme
    problems = _check(doc_numbers, documents, "README.md", readme.replace(quote, stale))
    key = quote.split("n:")[1].split(" ")[0]
    assert [p for p in problems if key in p]


def test_a_figure_without_its_key_fails(doc_numbers, documents):
    readme = documents["README.md"].replace("<!-- n:report.nemo.10.pool.acc -->", "")
    problems = _check(doc_numbers, documents, "README.md", readme)
    assert problems == ["README.md: does not quote report.nemo.10.pool.acc"]


def test_the_readme_before_the_figures_had_keys_fails(doc_numbers, documents):
    # The README as it was: figures typed by hand, measured with earlier defaults.
    readme = re.sub(r"<!-- n:[^>]* -->", "", documents["README.md"])
    readme = readme.replace("+2.4", "about 4.5")
    problems = _check(doc_numbers, documents, "README.md", readme)
    assert "README.md: does not quote all.ravdess.25.aae.acc" in problems


def test_a_stale_substitution_or_table_in_the_docs_fails(doc_numbers, documents):
    name = "docs/results.rst"
    text = documents[name]
    stale = text.replace(
        ".. |report.emodb.10.pool.uar| replace:: +7.0",
        ".. |report.emodb.10.pool.uar| replace:: +7.1",
    ).replace("     - 0.332 / 0.347\n", "     - 0.333 / 0.347\n", 1)
    assert stale.count("\n") == text.count("\n") and stale != text
    problems = _check(doc_numbers, documents, name, stale)
    assert f"{name}: |report.emodb.10.pool.uar| is +7.1, not +7.0" in problems
    assert any("table pool-dimensions differs" in p for p in problems)


def test_an_unknown_key_fails(doc_numbers, documents):
    key = "all.ravdess.7.aae.acc"
    text = documents["docs/user_guide/semi_supervised.rst"] + (
        f"\nA lead of |{key}|.\n\n.. |{key}| replace:: +1.0\n"
    )
    problems = _check(
        doc_numbers, documents, "docs/user_guide/semi_supervised.rst", text
    )
    assert problems == [
        "docs/user_guide/semi_supervised.rst: unknown key all.ravdess.7.aae.acc"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.rst"))),
        *(
            str(p.relative_to(ROOT))
            for p in sorted((ROOT / "docs" / "user_guide").glob("*.rst"))
        ),
    ],
)
def test_the_documents_read_as_statements_not_as_a_lab_notebook(path):
    text = " ".join((ROOT / path).read_text(encoding="utf-8").split()).lower()
    for phrase in (
        "measured before the present",
        "move the committed file aside",
        "could be downloaded",
        "where the benchmarks ran",
    ):
        assert phrase not in text, f"{path}: '{phrase}'"
