"""qnkpi.sources.sql: identifiers quoted for every database, names that cannot be
identifiers, and one statement per query; the sources and plugins share them."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qnkpi.sources import sqlite as sqlite_source
from qnkpi.sources.sql import identifier_problem, one_statement, quote


@pytest.mark.parametrize(("name", "mark", "quoted"), [
    ("year", '"', '"year"'), ('a"b', '"', '"a""b"'), ("số hộ", '"', '"số hộ"'),
    ('"', '"', '""""'), ("a`b", "`", "`a``b`"), ('a"b', "`", '`a"b`')])
def test_quote(name: str, mark: str, quoted: str) -> None:
    assert quote(name, mark) == quoted


def test_quote_takes_one_character() -> None:
    with pytest.raises(ValueError, match="one character"):
        quote("x", mark='""')


# names are text a spec can hold: UTF-8, so no lone surrogate (SQLite could not take one)
@given(st.text(alphabet=st.characters(exclude_characters="\x00",
                                      exclude_categories=("Cs",)), min_size=1))
def test_a_quoted_name_is_one_identifier_to_sqlite(name: str) -> None:
    """Whatever the name holds (quotes, semicolons, comments), SQLite reads it back as
    exactly that name."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE t ({quote(name)} INTEGER)")
    conn.execute(f"INSERT INTO t ({quote(name)}) VALUES (1)")
    cursor = conn.execute(f"SELECT {quote(name)} FROM t")
    assert cursor.description[0][0] == name
    assert cursor.fetchall() == [(1,)]


@pytest.mark.parametrize(("name", "problem"), [
    ("", "is empty"), ("  \t", "is empty"), ("a\x00b", "holds a NUL character"),
    ("year", None), (" padded ", None), ('a"; DROP TABLE t; --', None)])
def test_identifier_problem(name: str, problem: str | None) -> None:
    assert identifier_problem(name) == problem


def test_one_statement() -> None:
    assert one_statement("  SELECT 1 ;; ") == "SELECT 1"
    with pytest.raises(ValueError, match="one statement"):
        one_statement("SELECT 1; DROP TABLE t")
    with pytest.raises(ValueError, match="NUL"):
        one_statement("SELECT '\x00'")


def test_the_sqlite_source_uses_them_and_still_exports_them() -> None:
    assert sqlite_source.quote is quote
    assert sqlite_source.identifier_problem is identifier_problem
    assert sqlite_source.one_statement is one_statement
