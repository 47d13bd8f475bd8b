"""Text from specs and data on a terminal: the `table` report, the command's errors and
warnings, and the `markdown` report (read with `cat`) write control characters as their
escapes (`\\x1b`), so a title or a unit code cannot clear the screen, move the cursor to
overwrite a verdict, retitle the window or reorder what is shown; and the `table`
report reads no markup in them (a unit named `[/bold]` is a name, not a crash)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hardening_helpers import environment, run_qnkpi, write_spec

from qnkpi.testing import tiny_programme

CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;owned\x07"  # the window's title
UP = "\x1b[1A\r\x1b[2K"  # back up a line and erase it: overwrite a verdict
BIDI = "\u202e"  # right-to-left override
HOSTILE = f"{CLEAR}{TITLE}{UP}{BIDI}\x9b31m"
MARKUP = "[/bold][link=https://example.org]official[/link][red]"


def _spec(folder: Path) -> Path:
    spec = tiny_programme(indicators={"reached": {
        "kind": "value", "measure": "reached", "direction": "increase",
        "title": {"en": f"Reached {HOSTILE}"},
        "targets": [{"years": [2023, 2024], "op": ">=", "value": 5, "level": "district",
                     "note": f"note {HOSTILE}"},
                    {"year": 2030, "op": ">=", "value": 9, "goal": True}]}})
    spec["programme"]["title"] = {"en": f"Programme {HOSTILE}"}
    units = spec["org_units"]["units"]
    units[1]["name"] = f"District {HOSTILE} {MARKUP}"
    units[2]["code"] = f"D2{HOSTILE}"
    units[3]["valid_to"] = "2023-12-31"  # D3 reports for 2024 too: a warning naming it
    units[3]["name"] = MARKUP
    spec["sources"] = {"reports": {"type": "csv", "path": "data.csv", "unit": "unit_code",
                                   "year": "year"}}
    spec["measures"] = {"reached": {"source": "reports"}}
    with (folder / "data.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit_code", "year", "reached"])
        for code in ("D1", f"D2{HOSTILE}", "D3"):
            writer.writerows([[code, 2023, 6], [code, 2024, 7]])
    return write_spec(folder, spec)


def _assert_inert(text: str, clear: str = "\\x1b[2J") -> None:
    """No control character but newlines and tabs, and no bidirectional override; what
    was there is shown as its escape (`clear`, `\\u202e`)."""
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), \
        repr(text)
    assert clear in text and "u202e" in text


def test_the_table_report_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    done = run_qnkpi("evaluate", _spec(tmp_path), "--detail")  # the units' names too
    assert done.returncode == 0, done.stderr
    _assert_inert(done.stdout)
    assert "Programme \\x1b[2J\\x1b[H\\x1b]0;owned\\x07" in done.stdout
    # markup in a name is text: shown as written (the grid may wrap it), no link
    for tag in ("[/bold]", "[link="):
        assert tag in done.stdout, tag


def test_the_table_report_on_a_colour_terminal_sends_only_its_own_styles(
        tmp_path: Path) -> None:
    # FORCE_COLOR makes rich write the escape sequences of a colour terminal; every
    # escape sequence must then be one of its styles (SGR: ESC [ ... m), nothing else
    done = run_qnkpi("evaluate", _spec(tmp_path), env=environment(FORCE_COLOR="1",
                                                                  TERM="xterm-256color"))
    assert done.returncode == 0, done.stderr
    sequences = re.findall(r"\x1b[^a-zA-Z]*[a-zA-Z]?", done.stdout)
    assert sequences, "rich wrote no style: FORCE_COLOR was not honoured"
    assert all(re.fullmatch(r"\x1b\[[0-9;]*m", s) for s in sequences), set(sequences)
    assert "\x1b]" not in done.stdout and "\x07" not in done.stdout
    assert "\\x1b[2J" in done.stdout


def test_warnings_and_errors_show_control_characters_as_escapes(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    done = run_qnkpi("evaluate", spec, "-f", "json", "-o", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    assert "qnkpi: warning: unit 'D3' has data for 2024" in done.stderr
    # a code in the data that is not in the org units: an error quoting it
    with (tmp_path / "data.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow([f"D9{HOSTILE}", 2023, 1])
    done = run_qnkpi("evaluate", spec)
    assert done.returncode == 2
    assert "qnkpi: error: source 'reports':" in done.stderr
    _assert_inert(done.stderr)


def test_the_markdown_report_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    done = run_qnkpi("evaluate", _spec(tmp_path), "-f", "markdown")
    assert done.returncode == 0, done.stderr
    _assert_inert(done.stdout, clear="\\x1b\\[2J")  # its '[' escaped for Markdown


@pytest.mark.parametrize("name", ["[/]", "[/bold]", "[bold", "[link=x]y"])
def test_a_name_that_is_broken_markup_is_just_a_name(tmp_path: Path, name: str) -> None:
    spec = tiny_programme(data={"m": {"D1": {2023: 1}}}, indicators={"v": {
        "kind": "value", "measure": "m", "direction": "increase",
        "title": {"en": name},
        "targets": [{"year": 2023, "op": ">=", "value": 0, "level": "district"},
                    {"year": 2030, "op": ">=", "value": 2, "goal": True}]}})
    spec["org_units"]["units"][1]["name"] = name
    done = run_qnkpi("evaluate", write_spec(tmp_path, spec), "--detail")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(name) >= 2  # the title, the grid


def test_control_characters_still_make_a_valid_workbook(tmp_path: Path) -> None:
    """XML cannot hold most control characters: the xlsx report drops them, from cells
    and from sheet names (named after the org units' levels), so Excel and openpyxl can
    open what it writes."""
    from openpyxl import load_workbook

    spec_path = _spec(tmp_path)
    text = spec_path.read_text(encoding="utf-8").replace("- district", "- \"dis\\0trict\\e[2J\"")
    text = text.replace("level: district", "level: \"dis\\0trict\\e[2J\"")
    spec_path.write_text(text, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    done = run_qnkpi("evaluate", spec_path, "-f", "xlsx", "-o", out)
    assert done.returncode == 0, done.stderr
    book = load_workbook(out)
    assert "District 2J" in [ws.title for ws in book.worksheets]  # its title, capitalised
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell.value), cell


def test_explain_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    hostile_file = f"data{HOSTILE}.csv"
    (tmp_path / "data.csv").rename(tmp_path / hostile_file)
    escaped = hostile_file.encode("unicode_escape").decode()  # YAML's "\x1b", "\u202e"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "path: data.csv", f'path: "{escaped}"'), encoding="utf-8")
    done = run_qnkpi("evaluate", spec, "--explain")
    assert done.returncode == 0, done.stderr
    _assert_inert(done.stdout)
    assert "data\\x1b[2J" in done.stdout
