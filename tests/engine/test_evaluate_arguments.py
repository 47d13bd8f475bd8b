"""The Python API checks its arguments at the boundary, and a crash inside a built-in
source is a bug in qnkpi (exit 70), never blamed on a plugin as bad input (issue 18)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.cli import main
from qnkpi.sources.csv import CsvSource
from qnkpi.sources.sqlite import SqliteSource

BASE = Path(__file__).parents[1] / "corpus" / "_base"


@pytest.fixture()
def spec(tmp_path: Path) -> qnkpi.Spec:
    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    return qnkpi.load_spec(tmp_path / "programme.yaml")


# -- evaluate(): year, restate_to, units, spec ---------------------------------------

@pytest.mark.parametrize(("name", "value"), [
    ("year", 2024.5), ("year", 2024.0), ("year", "2024"), ("year", True),
    ("restate_to", 2024.5), ("restate_to", "2024"),
])
def test_a_year_that_is_not_a_whole_number_is_a_type_error(spec: qnkpi.Spec, name: str,
                                                            value: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name} must be a whole number such as 2024, "
                                        rf"not {value!r}"):
        qnkpi.evaluate(spec, **{name: value})


def test_numpy_integers_are_years(spec: qnkpi.Spec) -> None:
    assert qnkpi.evaluate(spec, year=np.int64(2024)).as_of == 2024
    assert qnkpi.evaluate(spec, year=np.int32(2024), restate_to=np.int16(2025)).as_of == 2024


@pytest.mark.parametrize("units", ["193", b"193", 193])
def test_units_must_be_a_list_not_one_code(spec: qnkpi.Spec, units: Any) -> None:
    with pytest.raises(TypeError, match=r"^units must be a list of unit codes such as "
                                        r"\['193'\]"):
        qnkpi.evaluate(spec, units=units)


def test_units_must_be_strings(spec: qnkpi.Spec) -> None:
    with pytest.raises(TypeError, match=r"193 is a int"):
        qnkpi.evaluate(spec, units=[193])


def test_units_are_nfc_normalised_and_a_case_slip_gets_a_hint(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    units = tmp_path / "org-units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace('code: "195"', 'code: "HÀ"'),
                     encoding="utf-8")
    data = tmp_path / "data" / "reports.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("\n195,", "\nHÀ,"),
                    encoding="utf-8")
    spec = qnkpi.load_spec(tmp_path / "programme.yaml")
    nfd = unicodedata.normalize("NFD", "HÀ")
    assert nfd != "HÀ"
    result = qnkpi.evaluate(spec, units=[nfd])  # the same code, written decomposed
    assert {r.unit for r in result.checks()} == {"HÀ"}
    with pytest.raises(qnkpi.QnkpiError, match=r"unit 'hà' is not in the org units; did "
                                               r"you mean 'HÀ'\?"):
        qnkpi.evaluate(spec, units=["hà"])


@pytest.mark.parametrize("function", [qnkpi.evaluate, qnkpi.check_data, qnkpi.explain])
def test_a_path_is_not_a_spec(tmp_path: Path, function: Any) -> None:
    name = function.__name__
    for spec in ("programme.yaml", tmp_path / "programme.yaml"):
        with pytest.raises(TypeError, match=rf"{name}\(\) takes a loaded spec, not the path "
                                            rf".*call qnkpi.{name}\(qnkpi.load_spec\(path\)\)"):
            function(spec)
    with pytest.raises(TypeError, match=rf"{name}\(\) takes a loaded spec .*not dict"):
        function({"qnkpi": 1})


def test_the_cli_unit_option_is_nfc_normalised(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    assert main(["evaluate", str(tmp_path / "programme.yaml"), "--unit", "193"]) in (0, 1)
    capsys.readouterr()
    code = main(["evaluate", str(tmp_path / "programme.yaml"), "--unit", "l93"])
    assert code == 2
    assert "did you mean" in capsys.readouterr().err


# -- a crash in a built-in source is a bug in qnkpi ------------------------------------

def _crash(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("division by zero")  # stands for a bug in the source


def test_a_crash_in_a_built_in_source_propagates(spec: qnkpi.Spec,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CsvSource, "fetch", _crash)
    with pytest.raises(ZeroDivisionError):
        qnkpi.evaluate(spec)
    with pytest.raises(ZeroDivisionError):
        qnkpi.check_data(spec)
    monkeypatch.setattr(CsvSource, "explain", _crash)
    with pytest.raises(ZeroDivisionError):
        qnkpi.explain(spec)


@pytest.mark.parametrize("cls", [CsvSource, SqliteSource])
def test_the_cli_reports_a_built_in_crash_as_a_bug_in_qnkpi(
        tmp_path: Path, cls: type, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    if cls is SqliteSource:
        import sqlite3
        conn = sqlite3.connect(tmp_path / "data.db")
        conn.execute("CREATE TABLE r (unit TEXT, year INTEGER, youth REAL, reached REAL)")
        conn.execute("INSERT INTO r VALUES ('193', 2023, 10, 5)")
        conn.commit()
        conn.close()
        spec_file = tmp_path / "programme.yaml"
        spec_file.write_text(spec_file.read_text(encoding="utf-8").replace(
            "{type: csv, path: data/reports.csv,", "{type: sqlite, path: data.db, table: r,"),
            encoding="utf-8")
        monkeypatch.setattr(cls, "_check", _crash)
    else:
        monkeypatch.setattr(cls, "fetch", _crash)
    monkeypatch.delenv("QNKPI_DEBUG", raising=False)
    code = main(["evaluate", str(tmp_path / "programme.yaml")])
    err = capsys.readouterr().err
    assert code == 70, err
    assert "internal error: ZeroDivisionError: division by zero" in err
    assert "This is a bug in qnkpi" in err
    assert "qnkpi.default_plugins.sources" not in err and "failed" not in err
