"""The source type ``jsonl`` on real files: what it reads, what it leaves missing, and a
``DataError`` naming the file and the line for every kind of bad line."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import qnkpi
from qnkpi.cli import main
from qnkpi.testing import spec_from_dict, tiny_programme

GOOD = '{"unit": "D1", "year": 2023, "youth": 120, "done": 40}\n'


def spec_reading(tmp_path: Path, text: str | bytes, plugins: qnkpi.Plugins,
                 **measure: Any) -> qnkpi.Spec:
    """A tiny programme (2023-2025) whose measures 'youth' and 'trained' (key 'done')
    come from the file data.jsonl holding ``text``."""
    path = tmp_path / "data.jsonl"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    programme = tiny_programme(start=2023, end=2025, indicators={
        "trained": {"kind": "value", "measure": "trained", "direction": "increase"}})
    programme["sources"] = {"lines": {"type": "jsonl", "path": "data.jsonl", "unit": "unit",
                                      "year": "year"}}
    programme["measures"] = {"youth": {"source": "lines"},
                             "trained": {"source": "lines", "column": "done", **measure}}
    return spec_from_dict(programme, base_dir=tmp_path, plugins=plugins)


def cell(result: qnkpi.Result, measure: str, code: str, year: int) -> float:
    return float(result.measures[measure][result.tree.index[code],
                                          year - int(result.years[0])])


def test_every_line_of_the_example_lands_in_its_cell(
        result: qnkpi.Result, lines: dict[tuple[str, int], dict[str, Any]]) -> None:
    for measure in ("youth", "trained"):
        panel = result.measures[measure]
        expected = np.full(panel.shape, np.nan)
        for (code, year), record in lines.items():
            if record.get(measure) is not None:
                expected[result.tree.index[code], year - int(result.years[0])] = record[measure]
        np.testing.assert_array_equal(panel, expected)
    assert math.isnan(cell(result, "trained", "D6", 2024))  # null: missing, not 0
    assert cell(result, "youth", "D6", 2024) == 400


def test_a_measure_reads_the_key_its_column_names(tmp_path: Path,
                                                  plugins: qnkpi.Plugins) -> None:
    text = GOOD + '{"unit": "D2", "year": 2024, "youth": 80, "trained": 999}\n'
    result = qnkpi.evaluate(spec_reading(tmp_path, text, plugins))
    assert cell(result, "trained", "D1", 2023) == 40
    assert math.isnan(cell(result, "trained", "D2", 2024))  # 'trained' is not its key
    assert cell(result, "youth", "D2", 2024) == 80


def test_blank_lines_a_byte_order_mark_and_other_years(tmp_path: Path,
                                                       plugins: qnkpi.Plugins) -> None:
    text = ("\ufeff" + GOOD + "\n   \n"
            + '{"unit": "D2", "year": 2019, "youth": 1}\n'   # before the programme
            + '{"unit": "D2", "year": 2031, "youth": 2}\n'   # after it
            + '{"unit": "D3", "year": 2025, "youth": 7.5, "done": null}\n')
    result = qnkpi.evaluate(spec_reading(tmp_path, text, plugins))
    youth = result.measures["youth"]
    assert int((~np.isnan(youth)).sum()) == 2
    assert (cell(result, "youth", "D1", 2023), cell(result, "youth", "D3", 2025)) == (120, 7.5)


# --8<-- [start:source-test]
BAD = [
    # (file content, line of the error, what the message says)
    (GOOD + '{"unit": "D2", "year": 2023, "youth": 5\n', 2, "not valid JSON"),
    ("\n\n" + '{"unit": "D2" "year": 2023}\n', 3, "not valid JSON"),
    (GOOD + '{"unit": "D2", "year": 2023, "youth": NaN}\n', 2, "NaN is not a JSON number"),
    ('[1, 2]\n', 1, "a line must hold a JSON object ({...}), not list"),
    (GOOD + '{"unit": 22, "year": 2023}\n', 2,
     "the unit code (key 'unit') must be a JSON string such as \"22\", found 22"),
    ('{"year": 2023, "youth": 1}\n', 1, "(key 'unit') must be a JSON string such as \"22\", "
     "found no key"),
    (GOOD + '{"unit": "D9", "year": 2023}\n', 2, "unit code 'D9' is not in the spec's org "
     "units"),
    ('{"unit": "D1", "year": "2023"}\n', 1, "the year (key 'year') must be a JSON integer "
     "such as 2024, found \"2023\""),
    ('{"unit": "D1", "year": 2023.0}\n', 1, "must be a JSON integer such as 2024, found "
     "2023.0"),
    ('{"unit": "D1", "year": 2023, "youth": "12"}\n', 1,
     "key 'youth' must hold a number or null, found \"12\""),
    ('{"unit": "D1", "year": 2023, "done": true}\n', 1,
     "key 'done' must hold a number or null, found true"),
    (GOOD + '{"unit": "D2", "year": 2023}\n' + GOOD, 3,
     "a second line for unit 'D1' in 2023 (the first is line 1); keep one line per unit "
     "and year"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD,
                         ids=[message[:40] for _, _, message in BAD])
def test_a_bad_line_is_a_data_error_naming_file_and_line(
        tmp_path: Path, plugins: qnkpi.Plugins, text: str, line: int, message: str) -> None:
    spec = spec_reading(tmp_path, text, plugins)
    with pytest.raises(qnkpi.DataError) as caught:
        qnkpi.evaluate(spec)
    error = caught.value
    assert (error.file, error.row, error.source) == (tmp_path / "data.jsonl", line, "lines")
    assert message in str(error)
    assert str(error).startswith(f"source 'lines': {tmp_path / 'data.jsonl'}, row {line}: ")
# --8<-- [end:source-test]


def test_a_missing_file_is_a_data_error(tmp_path: Path, plugins: qnkpi.Plugins) -> None:
    spec = spec_reading(tmp_path, GOOD, plugins)
    (tmp_path / "data.jsonl").unlink()
    with pytest.raises(qnkpi.DataError, match="no such file") as caught:
        qnkpi.evaluate(spec)
    assert caught.value.file == tmp_path / "data.jsonl"


def test_a_file_that_is_not_utf8_is_a_data_error(tmp_path: Path,
                                                 plugins: qnkpi.Plugins) -> None:
    text = '{"unit": "D1", "year": 2023, "name": "Hạ Long"}\n'.encode("utf-16")
    with pytest.raises(qnkpi.DataError, match="not UTF-8 text"):
        qnkpi.evaluate(spec_reading(tmp_path, text, plugins))


def test_aggregate_is_refused(tmp_path: Path, plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.DataError, match="remove 'aggregate'"):
        qnkpi.evaluate(spec_reading(tmp_path, GOOD, plugins, aggregate="sum"))


def test_explain_names_the_file_and_the_keys(tmp_path: Path, plugins: qnkpi.Plugins) -> None:
    spec = spec_reading(tmp_path, GOOD, plugins)
    assert qnkpi.explain(spec) == {
        "lines": f"read {tmp_path / 'data.jsonl'} (JSON Lines; keys youth, done)"}


def test_the_command_line_reports_a_bad_line_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data.jsonl").write_text(GOOD + '{"unit": "D1", "year": 2024, '
                                         '"youth": "many"}\n', encoding="utf-8")
    programme = tiny_programme(start=2023, end=2025, indicators={
        "youth": {"kind": "value", "measure": "youth", "direction": "increase"}})
    programme["sources"] = {"lines": {"type": "jsonl", "path": "data.jsonl", "unit": "unit",
                                      "year": "year"}}
    programme["measures"] = {"youth": {"source": "lines"}}
    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps(programme), encoding="utf-8")  # JSON is YAML
    assert main(["evaluate", str(spec)]) == 2
    out, err = capsys.readouterr()
    assert err == (f"qnkpi: error: source 'lines': {tmp_path / 'data.jsonl'}, row 2: key "
                   "'youth' must hold a number or null, found \"many\"\n")
    assert out == ""
