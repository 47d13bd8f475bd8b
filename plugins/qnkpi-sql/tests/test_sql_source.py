"""The ``sql`` source against a real PostgreSQL server, checked against the built-in
``sqlite`` source reading the same rows."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

import qnkpi
import qnkpi_sql
from qnkpi.cli import main
from qnkpi.errors import DataError, SpecError
from qnkpi.sources.base import FetchRequest, MeasureRequest
from qnkpi.sources.sql import quote
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi_sql import SqlSource, mask_url

PLUGINS = plugins_with(qnkpi_sql)
UNREACHABLE = "postgresql+psycopg://alice:hunter2@127.0.0.1:1/stats"

ORG_UNITS: dict[str, Any] = {
    "levels": ["province", "district"],
    "units": [
        {"code": "22", "name": "Province", "level": "province"},
        {"code": "06652", "name": "Leading zero", "level": "district", "parent": "22"},
        {"code": "193", "name": "Padded", "level": "district", "parent": "22"},
        {"code": "D3", "name": "Few years", "level": "district", "parent": "22"},
        {"code": "D4", "name": "No ages", "level": "district", "parent": "22"},
    ],
}

WEIRD = 'weird "col"'
SPACED = "has space"
COLUMNS = ["unit_code", "year", "age", "income", "flag", WEIRD, SPACED]

MEASURES: dict[str, Any] = {
    "people": {"source": "people", "aggregate": "count"},
    "with_age": {"source": "people", "column": "age", "aggregate": "count"},
    "age_sum": {"source": "people", "column": "age", "aggregate": "sum"},
    "age_mean": {"source": "people", "column": "age", "aggregate": "mean", "rollup": "mean"},
    "income_min": {"source": "people", "column": "income", "aggregate": "min",
                   "rollup": "min"},
    "income_max": {"source": "people", "column": "income", "aggregate": "max",
                   "rollup": "max"},
    "flagged": {"source": "people", "column": "flag", "aggregate": "sum"},
    "weird": {"source": "people", "column": WEIRD, "aggregate": "sum"},
    "spaced": {"source": "people", "column": SPACED, "aggregate": "mean", "rollup": "mean"},
    "pop": {"source": "pop"},
    "households": {"source": "pop", "column": "house holds"},
}


def _people(n: int = 5000) -> list[tuple[Any, ...]]:
    rng = np.random.default_rng(7)
    codes = np.array(["06652", "193", " 193 ", "D3", "D4"])
    out = []
    for _ in range(n):
        code = str(codes[rng.integers(0, len(codes))])
        year = int(rng.integers(2021, 2032))  # some years outside 2023-2030
        if code == "D3" and year > 2025:
            year = 2025 - (year % 3)  # D3 has rows only up to 2025
        age = None if rng.random() < 0.1 or (code == "D4" and year == 2024) else \
            int(rng.integers(15, 90))
        income = None if rng.random() < 0.15 else round(float(rng.normal(5e6, 2e6)), 2)
        flag = int(rng.random() < 0.3)
        weird = None if rng.random() < 0.05 else int(rng.integers(0, 10))
        spaced = float(rng.random())
        out.append((code, year, age, income, flag, weird, spaced))
    return out


POP = [(code, year, 1000.0 * k + year, None if (k + year) % 7 == 0 else k * 10 + year % 10)
       for k, code in enumerate(["06652", "193", "D3", "D4", "22"], start=1)
       for year in range(2020, 2032)]


@pytest.fixture(scope="module")
def db(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The same rows in PostgreSQL (people, stats.district_pop) and in SQLite."""
    rows = _people()
    engine = sa.create_engine(pg_url)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, psycopg.Connection)
        with conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS people; DROP SCHEMA IF EXISTS stats CASCADE")
            cur.execute(sql.SQL(
                "CREATE TABLE people (unit_code text, year integer, age integer, "
                "income double precision, flag integer, {} integer, {} double precision)")
                .format(sql.Identifier(WEIRD), sql.Identifier(SPACED)))
            with cur.copy(sql.SQL("COPY people ({}) FROM STDIN").format(
                    sql.SQL(", ").join(map(sql.Identifier, COLUMNS)))) as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute('CREATE SCHEMA stats; CREATE TABLE stats.district_pop '
                        '(district varchar(8), yr bigint, pop numeric, "house holds" integer)')
            cur.executemany("INSERT INTO stats.district_pop VALUES (%s, %s, %s, %s)", POP)
        conn.commit()
    finally:
        raw.close()
        engine.dispose()
    folder = tmp_path_factory.mktemp("sqlite")
    lite = sqlite3.connect(folder / "data.db")
    lite.execute(f"CREATE TABLE people (unit_code TEXT, year INTEGER, age INTEGER, income "
                 f"REAL, flag INTEGER, {quote(WEIRD)} INTEGER, {quote(SPACED)} REAL)")
    lite.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    lite.execute('CREATE TABLE district_pop (district TEXT, yr INTEGER, pop REAL, '
                 '"house holds" INTEGER)')
    lite.executemany("INSERT INTO district_pop VALUES (?, ?, ?, ?)", POP)
    lite.commit()
    lite.close()
    yield pg_url, folder


def _spec(sources: dict[str, Any], base_dir: Path | str = ".",
          measures: dict[str, Any] | None = None) -> qnkpi.Spec:
    data = tiny_programme(measures=measures or MEASURES)
    data["org_units"] = ORG_UNITS
    data["sources"] = sources
    return spec_from_dict(data, base_dir=base_dir, plugins=PLUGINS)


def _sql_sources(url: str, **people: Any) -> dict[str, Any]:
    return {"people": {"type": "sql", "url": url, "unit": "unit_code", "year": "year",
                       **(people or {"table": "people"})},
            "pop": {"type": "sql", "url": url, "table": "stats.district_pop",
                    "unit": "district", "year": "yr"}}


def _request(*measures: MeasureRequest) -> FetchRequest:
    codes = [u["code"] for u in ORG_UNITS["units"]]
    return FetchRequest("people", measures, {c: i for i, c in enumerate(codes)},
                        np.arange(2023, 2031, dtype=np.int64))


def test_same_panels_as_sqlite(db: tuple[str, Path]) -> None:
    url, folder = db
    lite = {"people": {"type": "sqlite", "path": "data.db", "table": "people",
                       "unit": "unit_code", "year": "year"},
            "pop": {"type": "sqlite", "path": "data.db", "table": "district_pop",
                    "unit": "district", "year": "yr"}}
    expected = qnkpi.evaluate(_spec(lite, folder), plugins=PLUGINS)
    got = qnkpi.evaluate(_spec(_sql_sources(url)), plugins=PLUGINS)
    assert set(got.measures) == set(MEASURES)
    for name in MEASURES:
        np.testing.assert_allclose(got.measures[name], expected.measures[name], rtol=1e-12,
                                   equal_nan=True, err_msg=name)
    codes = list(got.tree.codes)
    col = got.years.tolist().index(2023)
    rows = _people()
    assert got.measures["people"][codes.index("06652"), col] == sum(
        1 for r in rows if r[0] == "06652" and r[1] == 2023)
    assert got.measures["people"][codes.index("193"), col] == sum(
        1 for r in rows if r[0].strip() == "193" and r[1] == 2023)
    d3 = got.measures["people"][codes.index("D3")]
    assert np.isnan(d3[got.years.tolist().index(2026)]) and d3[col] > 0
    d4 = codes.index("D4")
    year_2024 = got.years.tolist().index(2024)
    assert got.measures["with_age"][d4, year_2024] == 0
    assert np.isnan(got.measures["age_mean"][d4, year_2024])
    assert not np.isnan(got.measures["weird"][codes.index("06652"), col])


def test_query_source(db: tuple[str, Path]) -> None:
    url, _ = db
    query = ("SELECT unit_code AS u, year::text AS y, age::float AS a, ':not a param' AS c "
             "FROM people WHERE unit_code LIKE '%6%' AND flag = 1;")
    source = SqlSource(type="sql", url=url, query=query, unit="u", year="y")
    panels = source.fetch(_request(MeasureRequest("n", None, "count"),
                                   MeasureRequest("a", "a", "max")))
    rows = [r for r in _people() if r[0] == "06652" and r[4] == 1 and r[1] == 2027]
    assert panels["n"][1, 2027 - 2023] == len(rows)
    assert panels["a"][1, 2027 - 2023] == max(r[2] for r in rows if r[2] is not None)
    assert np.isnan(panels["n"][2]).all()


def test_explain_one_group_by_without_connecting() -> None:
    spec = _spec(_sql_sources(UNREACHABLE))
    started = time.perf_counter()
    plans = qnkpi.explain(spec, plugins=PLUGINS)
    assert time.perf_counter() - started < 2
    people = plans["people"]
    assert people.count("GROUP BY") == 1 and people.count("SELECT") == 1
    assert "count(*)" in people and 'avg("people"."age")' in people
    assert 'sum("people"."weird ""col""")' in people
    assert "BETWEEN %(lo)s::INTEGER AND %(hi)s::INTEGER" in people
    assert "-- params {'lo': 2023, 'hi': 2030}" in people
    assert "hunter2" not in people and "alice:***@127.0.0.1:1/stats" in people
    pop = plans["pop"]
    assert '"stats"."district_pop"' in pop and "GROUP BY" not in pop
    assert '"stats"."district_pop"."house holds"' in pop


def test_injection_in_table_is_an_identifier(db: tuple[str, Path]) -> None:
    url, _ = db
    source = SqlSource(type="sql", url=url, table="people; DROP TABLE people", unit="unit_code",
                       year="year")
    with pytest.raises(DataError, match="no such table") as err:
        source.fetch(_request(MeasureRequest("n", None, "count")))
    assert "source 'people'" in str(err.value)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM people")).scalar() == 5000
    engine.dispose()


def test_quoted_table_name(db: tuple[str, Path]) -> None:
    url, _ = db
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text('CREATE TABLE IF NOT EXISTS "odd ""t"" name" '
                             '("Unit Code" text, "Year" int, "v;--" int)'))
        conn.execute(sa.text('DELETE FROM "odd ""t"" name"'))
        conn.execute(sa.text('INSERT INTO "odd ""t"" name" VALUES (\'06652\', 2024, 5), '
                             "('06652', 2024, 7), (NULL, NULL, 1)"))
    engine.dispose()
    source = SqlSource(type="sql", url=url, table='odd "t" name', unit="Unit Code",
                       year="Year")
    panels = source.fetch(_request(MeasureRequest("s", "v;--", "sum")))
    assert panels["s"][1, 1] == 12 and np.nansum(panels["s"]) == 12


def test_missing_column_and_text_as_number(db: tuple[str, Path]) -> None:
    url, _ = db
    source = SqlSource(type="sql", url=url, table="people", unit="unit_code", year="year")
    with pytest.raises(DataError, match="no column 'agee'; did you mean 'age'"):
        source.fetch(_request(MeasureRequest("a", "agee", "sum")))
    with pytest.raises(DataError, match="not a number"):
        source.fetch(_request(MeasureRequest("u", "unit_code", "max")))
    with pytest.raises(DataError, match="needs a numeric column"):
        source.fetch(_request(MeasureRequest("u", "unit_code", "sum")))
    query = SqlSource(type="sql", url=url, unit="unit_code", year="year",
                      query="SELECT unit_code, year, 'n/a' AS v FROM people")
    with pytest.raises(DataError, match=r"'n/a' for unit .* is not a number"):
        query.fetch(_request(MeasureRequest("v", "v", None)))
    bad = SqlSource(type="sql", url=url, unit="unit_code", year="year",
                    query="SELECT unit_code, year FROM nowhere")
    with pytest.raises(DataError, match="nowhere"):
        bad.fetch(_request(MeasureRequest("n", None, "count")))


def test_keys_are_validated() -> None:
    base = {"type": "sql", "url": UNREACHABLE, "unit": "u", "year": "y"}
    for extra in ({}, {"table": "t", "query": "SELECT 1"}, {"table": "a.b.c"},
                  {"table": "s."}, {"query": "DELETE FROM people"}):
        with pytest.raises(SpecError):
            _spec({"people": {**base, **extra}}, measures={"n": {"source": "people",
                                                                 "aggregate": "count"}})


def test_env_expansion_and_masking(db: tuple[str, Path],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = db
    monkeypatch.setenv("QNKPI_SQL_TEST_URL", url)
    source = SqlSource(type="sql", url="${QNKPI_SQL_TEST_URL}", table="people",
                       unit="unit_code", year="year")
    panels = source.fetch(_request(MeasureRequest("n", None, "count")))
    assert np.nansum(panels["n"]) > 0
    monkeypatch.setenv("QNKPI_SQL_TEST_PW", "s3cr:et")
    away = SqlSource(type="sql", url="postgresql+psycopg://alice:${QNKPI_SQL_TEST_PW}"
                     "@127.0.0.1:1/stats", table="people", unit="unit_code", year="year")
    with pytest.raises(DataError, match="cannot connect") as err:
        away.fetch(_request(MeasureRequest("n", None, "count")))
    message = str(err.value)
    assert "s3cr" not in message and "alice:***@127.0.0.1:1/stats" in message
    assert message.startswith("source 'people': ")
    assert "s3cr" not in away.explain(_request(MeasureRequest("n", None, "count")))
    monkeypatch.delenv("QNKPI_SQL_TEST_PW")
    with pytest.raises(DataError, match="'QNKPI_SQL_TEST_PW' used in 'url' is not set"):
        away.fetch(_request(MeasureRequest("n", None, "count")))
    assert mask_url("postgresql://bob:pw@h/db") == "postgresql://bob:***@h/db"
    assert mask_url("not a url://bob:pw@h") == "not a url://bob:***@h"


def test_unreachable_server_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    monkeypatch.setenv("QNKPI_SQL_TEST_PW", "hunter2")
    data = tiny_programme(measures={"n": {"source": "people", "aggregate": "count"}})
    data["org_units"] = ORG_UNITS
    data["sources"] = {"people": {
        "type": "sql", "url": "postgresql+psycopg://alice:${QNKPI_SQL_TEST_PW}@127.0.0.1:1/x",
        "table": "people", "unit": "unit_code", "year": "year"}}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "source 'people'" in err and "cannot connect" in err
    assert "alice:***@127.0.0.1:1/x" in err
    assert "hunter2" not in err and "Traceback" not in err
