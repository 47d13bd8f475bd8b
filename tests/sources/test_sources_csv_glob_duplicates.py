"""A `csv` source whose `path` is a glob pattern: the files' rows merged, and a unit and
year given by two files never silently added up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import qnkpi
from qnkpi.errors import DataError
from qnkpi.testing import spec_from_dict, tiny_programme


def run(folder: Path, files: dict[str, str], aggregate: str | None) -> qnkpi.Result:
    (folder / "data").mkdir()
    for name, text in files.items():
        (folder / "data" / name).write_text(text, encoding="utf-8")
    measure = {"source": "rec"} | ({"aggregate": aggregate} if aggregate else {})
    spec = tiny_programme(measures={"people": measure})
    spec["sources"] = {"rec": {"type": "csv", "path": "data/*.csv", "unit": "unit",
                               "year": "year"}}
    return qnkpi.evaluate(spec_from_dict(spec, base_dir=folder))


def cell(result: qnkpi.Result, unit: str, year: int) -> float:
    row = list(result.tree.codes).index(unit)
    return float(result.measures["people"][row, list(result.years).index(year)])


HEAD = "unit,year,people\n"


def test_files_of_other_units_are_merged_without_a_warning(tmp_path: Path) -> None:
    result = run(tmp_path, {"a.csv": HEAD + "D1,2024,5\nD1,2024,1\n",
                            "b.csv": HEAD + "D2,2024,7\n"}, "sum")
    assert (cell(result, "D1", 2024), cell(result, "D2", 2024)) == (6, 7)
    assert not result.warnings


@pytest.mark.parametrize(("how", "expected"), [("sum", 8), ("count", 2), ("mean", 4),
                                               ("min", 3), ("max", 5)])
def test_a_form_saved_twice_is_aggregated_with_a_warning_naming_both_files(
        tmp_path: Path, how: str, expected: float) -> None:
    result = run(tmp_path, {"a.csv": HEAD + "D1,2024,5\n",
                            "a - Copy.csv": HEAD + "D1,2024,3\n"}, how)
    assert cell(result, "D1", 2024) == expected
    [warning] = result.warnings
    assert "a - Copy.csv (row 2)" in warning and "/a.csv, row 2:" in warning
    assert "unit 'D1' has rows for 2024 in two files" in warning


def test_without_aggregate_the_same_unit_and_year_in_two_files_is_an_error(
        tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"b\.csv, row 2: unit 'D1' has a row for 2024 in "
                                        r"two files: .*a\.csv \(row 3\)"):
        run(tmp_path, {"a.csv": HEAD + "D2,2024,1\nD1,2024,5\n",
                       "b.csv": HEAD + "D1,2024,3\n"}, None)


def test_a_duplicate_row_inside_one_file_names_that_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"b\.csv, row 3: unit 'D1' has two rows for 2024"):
        run(tmp_path, {"a.csv": HEAD + "D2,2024,1\n",
                       "b.csv": HEAD + "D1,2024,5\nD1,2024,3\n"}, None)


def test_a_pattern_matching_no_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no file matches '.*data/\*\.csv'"):
        run(tmp_path, {}, "sum")


def test_values_of_several_files_are_placed(tmp_path: Path) -> None:
    result = run(tmp_path, {"a.csv": HEAD + "D1,2023,5\n", "b.csv": HEAD + "D1,2024,3\n"},
                 None)
    assert (cell(result, "D1", 2023), cell(result, "D1", 2024)) == (5, 3)
    assert np.isnan(cell(result, "D2", 2024))
