"""SQL text a source writes safely: quoted identifiers, names that can be identifiers,
and a query that is one statement.

For source types that send SQL to a database: the built-in `sqlite` source, and the
`duckdb`, `sql` and `spark` plugins. Names from a spec (a table, a column) are written
into SQL quoted, never pasted bare, so a column called `year` or `số hộ` or
`a"; DROP TABLE t; --` is a name and nothing else; values are bound as parameters.

```python
from qnkpi.sources.sql import identifier_problem, one_statement, quote

quote('số hộ')                # '"số hộ"'
quote('a"b')                  # '"a""b"'
quote("a`b", mark="`")        # back-quoted, the inner one doubled (Spark SQL, MySQL)
identifier_problem(" ")       # 'is empty'
one_statement("SELECT 1;")    # 'SELECT 1'
```

Since 0.2 (before, `qnkpi.sources.sqlite` held them; they are still importable there).
"""

from __future__ import annotations

__all__ = ["identifier_problem", "one_statement", "quote"]


def quote(identifier: str, mark: str = '"') -> str:
    """An SQL identifier quoted with `mark`, each `mark` inside it doubled.

    Args:
        identifier: The name, as the database has it (any characters but NUL: see
            [`identifier_problem`][qnkpi.sources.sql.identifier_problem]).
        mark: The quote character: `"` (the SQL standard: SQLite, DuckDB, PostgreSQL)
            or a back-quote (Spark SQL, MySQL).

    Returns:
        The quoted identifier: `"a""b"` for `a"b`.

    Raises:
        ValueError: `mark` is not one character.
    """
    if len(mark) != 1:
        raise ValueError(f"an identifier is quoted with one character, not {mark!r}")
    return mark + identifier.replace(mark, mark + mark) + mark


def identifier_problem(name: str) -> str | None:
    """Why `name` cannot be an SQL identifier, or `None` if it can (once quoted).

    It must not be empty or blank, nor hold a NUL character, which ends a C string
    before the name does.

    Returns:
        `"is empty"`, `"holds a NUL character"`, or `None`: words to follow the name
            in a message.
    """
    if not name.strip():
        return "is empty"
    if "\x00" in name:
        return "holds a NUL character"
    return None


def one_statement(query: str) -> str:
    """`query` without trailing semicolons, if it is one statement.

    A `query` runs as a subquery (`... FROM (query) AS q`); a `;` inside it could end
    that statement and start another, which some database drivers would run. So a `;`
    anywhere but at the end is refused, even inside a string: telling a string from code
    depends on each database's quoting rules.

    Raises:
        ValueError: The query holds a `;` before its end, or a NUL character.
    """
    body = query.strip()
    while body.endswith(";"):
        body = body[:-1].rstrip()
    if ";" in body:
        raise ValueError("'query' must be one statement: it holds a ';' before its end "
                         "(for a semicolon inside a string, write CHAR(59) or CHR(59))")
    if "\x00" in body:
        raise ValueError("'query' holds a NUL character")
    return body
