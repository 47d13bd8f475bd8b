"""Hostile SQL identifiers and queries, against real databases: SQLite files (the built-in
`sqlite` source, and the `sql` plugin through SQLAlchemy), a real PostgreSQL server (the
`sql` plugin) and DuckDB files (the `duckdb` plugin).

Names that come from a spec (tables, the unit and year columns, measure columns) are
quoted and values bound, so a name such as `x"; DROP TABLE t; --` is either the odd but
legal name of a real table or column, read correctly, or a clear error; the database is
unchanged either way. A `query` is SQL the spec's author writes on purpose: it must be
one statement, and runs read-only where the source can open the database so."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hardening_helpers import (
    assert_clean_failure,
    environment,
    fingerprint,
    programme,
    run_qnkpi,
    write_spec,
)

from qnkpi.sources.sql import quote

HOSTILE_TABLE = 'x"; DROP TABLE t; --'
ODD_TABLE = 'we"ird; DROP TABLE t; --'
ODD_UNIT = 'u"nit'
ODD_YEAR = "y;ear') --"
ODD_VALUE = "m--'x\" OR 1=1"
ODD_SUMMED = 'v"); DELETE FROM t; --'
ROWS = [("D1", 2023, None, 3), ("D2", 2023, 7, 4), ("D2", 2024, 9, 8)]
SAFE_ROWS = [("D1", 2023, 11), ("D2", 2023, 12)]


def _sqlite(path: Path) -> Path:
    """A database with a plain table `t` and a table whose name and columns are odd."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE t (unit_code TEXT, year INTEGER, m INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", SAFE_ROWS)
        conn.execute(f"CREATE TABLE {quote(ODD_TABLE)} ({quote(ODD_UNIT)} TEXT, "
                     f"{quote(ODD_YEAR)} INTEGER, {quote(ODD_VALUE)} INTEGER, "
                     f"{quote(ODD_SUMMED)} INTEGER)")
        conn.executemany(f"INSERT INTO {quote(ODD_TABLE)} VALUES (?, ?, ?, ?)", ROWS)
        conn.commit()
    finally:
        conn.close()
    return path


def _rows_of_t(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT * FROM t").fetchall())
    finally:
        conn.close()


def _values(stdout: str) -> dict[tuple[str, str, int], float | None]:
    """(indicator, unit, year) -> value, from the JSON report."""
    return {(c["indicator"], c["unit"], c["year"]): c["value"]
            for c in json.loads(stdout)["checks"]}


ODD_MEASURES = {"reported": {"source": "db", "column": ODD_VALUE},
                "summed": {"source": "db", "column": ODD_SUMMED, "aggregate": "sum"}}


def _assert_odd_values(stdout: str) -> None:
    """The values of the odd table, read as they are and summed per unit and year."""
    values = _values(stdout)
    assert values[("summed_value", "D1", 2023)] == 3.0
    assert values[("summed_value", "D2", 2023)] == 4.0
    assert values[("summed_value", "D2", 2024)] == 8.0
    assert values[("reported_value", "D2", 2023)] == 7.0
    assert values[("reported_value", "D2", 2024)] == 9.0
    assert values[("reported_value", "D1", 2023)] is None
    assert values[("reported_value", "D3", 2023)] is None


# --- the built-in sqlite source ----------------------------------------------------------

def _sqlite_spec(tmp_path: Path, source: dict[str, Any],
                 measures: dict[str, Any] | None = None) -> Path:
    return write_spec(tmp_path, programme(
        {"db": {"type": "sqlite", "path": "data.db", **source}},
        measures or {"m": {"source": "db"}}))


def test_sqlite_a_hostile_table_name_is_an_error_and_drops_nothing(tmp_path: Path) -> None:
    db = _sqlite(tmp_path / "data.db")
    before = fingerprint(tmp_path)
    spec = _sqlite_spec(tmp_path, {"table": HOSTILE_TABLE, "unit": "unit_code",
                                   "year": "year"})
    done = run_qnkpi("evaluate", spec, "-f", "json")
    assert_clean_failure(done, "source 'db'", "no such table", HOSTILE_TABLE)
    assert _rows_of_t(db) == sorted(SAFE_ROWS)
    assert fingerprint(tmp_path) == before | fingerprint(spec)


def test_sqlite_odd_table_and_column_names_are_read_as_names(tmp_path: Path) -> None:
    _sqlite(tmp_path / "data.db")
    spec = _sqlite_spec(tmp_path, {"table": ODD_TABLE, "unit": ODD_UNIT, "year": ODD_YEAR},
                        ODD_MEASURES)
    done = run_qnkpi("evaluate", spec, "-f", "json")
    assert done.returncode == 0, done.stderr
    _assert_odd_values(done.stdout)
    explained = run_qnkpi("evaluate", spec, "--explain")
    assert quote(ODD_TABLE) in explained.stdout and quote(ODD_SUMMED) in explained.stdout
    assert _rows_of_t(tmp_path / "data.db") == sorted(SAFE_ROWS)


@pytest.mark.parametrize("key", ["table", "unit", "year"])
def test_sqlite_a_nul_in_a_name_is_a_spec_error(tmp_path: Path, key: str) -> None:
    _sqlite(tmp_path / "data.db")
    source = {"table": "t", "unit": "unit_code", "year": "year"}
    source[key] = "year\x00; DROP TABLE t"
    done = run_qnkpi("evaluate", _sqlite_spec(tmp_path, source), "-f", "json")
    assert_clean_failure(done, "spec.yaml:", "holds a NUL character")
    assert _rows_of_t(tmp_path / "data.db") == sorted(SAFE_ROWS)


def test_sqlite_a_nul_in_a_measure_column_is_a_data_error(tmp_path: Path) -> None:
    _sqlite(tmp_path / "data.db")
    spec = _sqlite_spec(tmp_path, {"table": "t", "unit": "unit_code", "year": "year"},
                        {"m": {"source": "db", "column": "m\x00"}})
    done = run_qnkpi("evaluate", spec, "-f", "json")
    assert_clean_failure(done, "source 'db'", "measure 'm': column name 'm\\x00' holds a "
                         "NUL character")


@pytest.mark.parametrize("query", [
    "SELECT unit_code, year, m FROM t; DROP TABLE t",
    "SELECT unit_code, year, m FROM t) AS q; DROP TABLE t; SELECT * FROM (SELECT 1",
    "SELECT unit_code, year, m FROM t WHERE unit_code = 'a;b'",
], ids=["drop-after", "drop-smuggled", "semicolon-in-a-string"])
def test_sqlite_a_query_is_one_statement(tmp_path: Path, query: str) -> None:
    db = _sqlite(tmp_path / "data.db")
    before = fingerprint(db)
    spec = _sqlite_spec(tmp_path, {"query": query, "unit": "unit_code", "year": "year"})
    done = run_qnkpi("evaluate", spec, "-f", "json")
    assert_clean_failure(done, "spec.yaml:", "'query' must be one statement")
    assert fingerprint(db) == before


@pytest.mark.parametrize("query", [
    "INSERT INTO t VALUES ('D3', 2023, 1) RETURNING unit_code, year, m",
    "DELETE FROM t RETURNING unit_code, year, m",
    "DROP TABLE t",
    "UPDATE t SET m = 0 RETURNING unit_code, year, m",
])
def test_sqlite_a_query_that_writes_fails_and_changes_nothing(tmp_path: Path,
                                                              query: str) -> None:
    db = _sqlite(tmp_path / "data.db")
    before = fingerprint(tmp_path)
    spec = _sqlite_spec(tmp_path, {"query": query, "unit": "unit_code", "year": "year"})
    done = run_qnkpi("evaluate", spec, "-f", "json")
    assert_clean_failure(done, "source 'db'", "SQLite:")
    assert _rows_of_t(db) == sorted(SAFE_ROWS)
    # the database file is as it was, and no journal or WAL file appeared beside it
    assert fingerprint(tmp_path) == before | fingerprint(spec)


def test_sqlite_a_path_with_uri_characters_opens_that_file_read_only(tmp_path: Path) -> None:
    # the path becomes a file: URI; '?' and '#' in it must not end the file name and
    # start options (mode=rwc would create the database 'data' beside it)
    name = "data?mode=rwc&cache=shared#x.db"
    _sqlite(tmp_path / name)
    spec = write_spec(tmp_path, programme(
        {"db": {"type": "sqlite", "path": name, "table": "t", "unit": "unit_code",
                "year": "year"}}, {"m": {"source": "db"}}))
    done = run_qnkpi("evaluate", spec, "-f", "json")
    assert done.returncode == 0, done.stderr
    assert _values(done.stdout)[("m_value", "D2", 2023)] == 12.0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "spec.yaml"])


# --- the sql plugin, on SQLite through SQLAlchemy ------------------------------------------

def test_sql_plugin_on_sqlite_quotes_names(tmp_path: Path) -> None:
    pytest.importorskip("qnkpi_sql")
    db = _sqlite(tmp_path / "data.db")
    url = f"sqlite:///{db}"
    odd = write_spec(tmp_path, programme(
        {"db": {"type": "sql", "url": url, "table": ODD_TABLE, "unit": ODD_UNIT,
                "year": ODD_YEAR}}, ODD_MEASURES), "odd.yaml")
    done = run_qnkpi("evaluate", odd, "-f", "json", env=environment(autoload=True))
    assert done.returncode == 0, done.stderr
    _assert_odd_values(done.stdout)
    hostile = write_spec(tmp_path, programme(
        {"db": {"type": "sql", "url": url, "table": HOSTILE_TABLE, "unit": "unit_code",
                "year": "year"}}, {"m": {"source": "db"}}), "hostile.yaml")
    done = run_qnkpi("evaluate", hostile, "-f", "json", env=environment(autoload=True))
    assert_clean_failure(done, "source 'db'", "no such table", HOSTILE_TABLE)
    assert _rows_of_t(db) == sorted(SAFE_ROWS)


# --- the sql plugin, on a real PostgreSQL server -----------------------------------------

@pytest.fixture(scope="module")
def postgres() -> Iterator[Any]:
    """A live PostgreSQL server with the tables above and a sequence `s`; an SQLAlchemy
    engine on it."""
    pytest.importorskip("qnkpi_sql")
    from qnkpi_sql.testing import PostgresNotFound, postgresql

    sa = pytest.importorskip("sqlalchemy")
    try:
        server = postgresql()
        url = server.__enter__()
    except PostgresNotFound as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (unit_code text, year integer, m integer)")
            conn.exec_driver_sql("INSERT INTO t VALUES ('D1', 2023, 11), ('D2', 2023, 12)")
            conn.exec_driver_sql(f"CREATE TABLE {quote(ODD_TABLE)} ({quote(ODD_UNIT)} text, "
                                 f"{quote(ODD_YEAR)} integer, {quote(ODD_VALUE)} integer, "
                                 f"{quote(ODD_SUMMED)} integer)")
            for row in ROWS:
                conn.exec_driver_sql(f"INSERT INTO {quote(ODD_TABLE)} VALUES "
                                     "(%s, %s, %s, %s)", row)
            conn.exec_driver_sql("CREATE SEQUENCE s")
        engine.url_text = url  # type: ignore[attr-defined]
        yield engine
    finally:
        engine.dispose()
        server.__exit__(None, None, None)


def _pg_state(engine: Any) -> tuple[Any, ...]:
    with engine.connect() as conn:
        return (sorted(conn.exec_driver_sql("SELECT * FROM t").fetchall()),
                conn.exec_driver_sql("SELECT last_value, is_called FROM s").fetchall(),
                conn.exec_driver_sql(f"SELECT count(*) FROM {quote(ODD_TABLE)}").scalar())


def _pg_run(tmp_path: Path, engine: Any, source: dict[str, Any],
            measures: dict[str, Any] | None = None) -> Any:
    spec = write_spec(tmp_path, programme(
        {"db": {"type": "sql", "url": engine.url_text, **source}},
        measures or {"m": {"source": "db"}}))
    return run_qnkpi("evaluate", spec, "-f", "json", env=environment(autoload=True))


def test_postgres_odd_names_are_read_as_names(tmp_path: Path, postgres: Any) -> None:
    done = _pg_run(tmp_path, postgres, {"table": ODD_TABLE, "unit": ODD_UNIT,
                                        "year": ODD_YEAR}, ODD_MEASURES)
    assert done.returncode == 0, done.stderr
    _assert_odd_values(done.stdout)


def test_postgres_a_hostile_table_name_is_an_error_and_drops_nothing(
        tmp_path: Path, postgres: Any) -> None:
    before = _pg_state(postgres)
    done = _pg_run(tmp_path, postgres, {"table": HOSTILE_TABLE, "unit": "unit_code",
                                        "year": "year"})
    assert_clean_failure(done, "source 'db'", "no such table", HOSTILE_TABLE)
    assert _pg_state(postgres) == before


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT unit_code, year, m + nextval('s') AS m FROM t",
     "cannot execute nextval() in a read-only transaction"),
    ("WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone",
     "data-modifying statement"),
    ("SELECT unit_code, year, m FROM t) AS q; COMMIT; DROP TABLE t; SELECT * FROM (SELECT 1",
     "'query' must be one statement"),
], ids=["nextval", "delete-in-with", "commit-then-drop"])
def test_postgres_a_query_that_writes_fails_and_changes_nothing(
        tmp_path: Path, postgres: Any, query: str, message: str) -> None:
    before = _pg_state(postgres)
    done = _pg_run(tmp_path, postgres, {"query": query, "unit": "unit_code",
                                        "year": "year"})
    assert_clean_failure(done, message)
    assert _pg_state(postgres) == before


# --- the duckdb plugin --------------------------------------------------------------------

def _duckdb(path: Path) -> Path:
    duckdb = pytest.importorskip("duckdb")
    conn = duckdb.connect(str(path))
    try:
        conn.execute("CREATE TABLE t (unit_code VARCHAR, year INTEGER, m INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", SAFE_ROWS)
        conn.execute(f"CREATE TABLE {quote(ODD_TABLE)} ({quote(ODD_UNIT)} VARCHAR, "
                     f"{quote(ODD_YEAR)} INTEGER, {quote(ODD_VALUE)} INTEGER, "
                     f"{quote(ODD_SUMMED)} INTEGER)")
        conn.executemany(f"INSERT INTO {quote(ODD_TABLE)} VALUES (?, ?, ?, ?)", ROWS)
        conn.execute("CREATE SEQUENCE s")
    finally:
        conn.close()
    return path


def _duckdb_run(tmp_path: Path, source: dict[str, Any],
                measures: dict[str, Any] | None = None) -> Any:
    pytest.importorskip("qnkpi_duckdb")
    spec = write_spec(tmp_path, programme(
        {"db": {"type": "duckdb", "path": "data.duckdb", **source}},
        measures or {"m": {"source": "db"}}))
    return run_qnkpi("evaluate", spec, "-f", "json", env=environment(autoload=True))


def test_duckdb_odd_names_are_read_and_hostile_ones_are_errors(tmp_path: Path) -> None:
    db = _duckdb(tmp_path / "data.duckdb")
    before = fingerprint(db)
    done = _duckdb_run(tmp_path, {"table": ODD_TABLE, "unit": ODD_UNIT, "year": ODD_YEAR},
                       ODD_MEASURES)
    assert done.returncode == 0, done.stderr
    _assert_odd_values(done.stdout)
    done = _duckdb_run(tmp_path, {"table": HOSTILE_TABLE, "unit": "unit_code",
                                  "year": "year"})
    assert_clean_failure(done, "source 'db'", f"no table '{HOSTILE_TABLE}'")
    assert fingerprint(db) == before


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT unit_code, year, m + nextval('s') AS m FROM t", "read-only mode"),
    ("SELECT unit_code, year, m FROM t) AS q; DROP TABLE t; SELECT * FROM (SELECT 1",
     "'query' must be one statement"),
    ("DELETE FROM t RETURNING *", "DuckDB:"),
], ids=["nextval", "drop-smuggled", "delete"])
def test_duckdb_a_query_that_writes_fails_and_changes_nothing(tmp_path: Path, query: str,
                                                              message: str) -> None:
    db = _duckdb(tmp_path / "data.duckdb")
    before = fingerprint(db)
    done = _duckdb_run(tmp_path, {"query": query, "unit": "unit_code", "year": "year"})
    assert_clean_failure(done, message)
    assert fingerprint(db) == before


@pytest.mark.parametrize("key", ["table", "unit", "year"])
@pytest.mark.parametrize("source_type", ["sql", "duckdb"])
def test_plugins_a_nul_in_a_name_is_a_clear_error(tmp_path: Path, key: str,
                                                  source_type: str) -> None:
    pytest.importorskip(f"qnkpi_{source_type}")
    if source_type == "sql":
        db = _sqlite(tmp_path / "data.db")
        source: dict[str, Any] = {"type": "sql", "url": f"sqlite:///{db}"}
    else:
        db = _duckdb(tmp_path / "data.duckdb")
        source = {"type": "duckdb", "path": "data.duckdb"}
    before = fingerprint(db)
    source.update({"table": "t", "unit": "unit_code", "year": "year"})
    source[key] = "year\x00; DROP TABLE t"
    spec = write_spec(tmp_path, programme({"db": source}, {"m": {"source": "db"}}))
    done = run_qnkpi("evaluate", spec, "-f", "json", env=environment(autoload=True))
    assert_clean_failure(done, "year\\x00; DROP TABLE t" if source_type == "duckdb"
                         else "holds a NUL character")
    assert fingerprint(db) == before
