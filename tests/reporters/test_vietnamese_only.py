"""`qnkpi demo --lang vi` holds no English sentence: not from the catalogues (every English
message that has a Vietnamese translation), not from the spec (its English notes and
titles), not a method's code name; and `--lang en` holds no Vietnamese message.

The reports are read as their readers see them: the terminal's text, the markdown, the
HTML page's visible text (and its tooltips and text alternatives), every string cell of
the workbook."""

from __future__ import annotations

import csv
import functools
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from english_phrases import english_phrases
from openpyxl import load_workbook

from qnkpi import load_spec
from qnkpi.cli import main
from qnkpi.i18n import _catalogue

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "qnkpi" / "examples" / "quang-ninh"


class _Visible(HTMLParser):
    """The text a reader sees on a page: text outside scripts and styles, and the
    attributes read aloud or shown on hover."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in ("title", "aria-label", "alt") and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _html_text(path: Path) -> str:
    parser = _Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


def _xlsx_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    parts = [*book.sheetnames]
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.extend(v for v in row if isinstance(v, str))
    return "\n".join(parts)


@functools.cache
def _demo(lang: str, folder: str) -> dict[str, str]:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert main(["demo", "-o", folder, "--lang", lang]) == 0
    path = Path(folder)
    return {"terminal": out.getvalue(),
            "markdown": (path / "quang-ninh-markdown.md").read_text(encoding="utf-8"),
            "html": _html_text(path / "quang-ninh-html.html"),
            "xlsx": _xlsx_text(path / "quang-ninh-xlsx.xlsx")}


@pytest.fixture(scope="module")
def vi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _demo("vi", str(tmp_path_factory.mktemp("vi")))


@pytest.fixture(scope="module")
def en(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _demo("en", str(tmp_path_factory.mktemp("en")))


@pytest.mark.parametrize("report", ["terminal", "markdown", "html", "xlsx"])
def test_a_vietnamese_report_holds_no_english(vi: dict[str, str], report: str) -> None:
    text = " ".join(vi[report].split())
    phrases = english_phrases(load_spec(EXAMPLE / "programme.yaml"), min_chars=10, cut=60)
    assert len(phrases) > 150 and "Objective 1: digital-capacity activities of the " \
        "district-level (from 2025 commune-level) Youth Unions"[:60] in phrases  # not vacuous
    found = sorted(p for p in phrases if " ".join(p.split()) in text)
    assert found == [], f"English in the vi {report}: {found[:10]}"
    assert "linear_path" not in text and "cagr_ratio" not in text


@pytest.mark.parametrize("report", ["terminal", "markdown", "html", "xlsx"])
def test_an_english_report_holds_no_vietnamese_message(en: dict[str, str],
                                                       report: str) -> None:
    """No Vietnamese catalogue text in English (unit names and the references, which are
    titles of Vietnamese documents, are Vietnamese in both)."""
    text = " ".join(en[report].split())
    found = sorted(s for s in set(_catalogue("vi").values())
                   if len(s.split()) >= 3 and "{" not in s and s in text)
    assert found == [], f"Vietnamese in the en {report}: {found[:10]}"


def test_the_vietnamese_csv_carries_vietnamese_notes(tmp_path: Path) -> None:
    out = tmp_path / "checks.csv"
    assert main(["evaluate", str(EXAMPLE / "programme.yaml"), "-f", "csv", "-o", str(out),
                 "--lang", "vi", "-q"]) == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        notes = {row["note"] for row in csv.DictReader(f)} - {""}
    assert notes and all(not n.startswith(("The ", "No year", "'Phấn đấu 100%' (strive)"))
                         for n in notes), notes
