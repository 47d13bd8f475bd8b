"""A PostgreSQL server for the whole test session (see :mod:`qnkpi_sql.testing`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qnkpi_sql.testing import PostgresNotFound, find_postgres_bin, postgresql


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The SQLAlchemy URL of a live PostgreSQL server; skips only if there is none."""
    import os

    from qnkpi_sql.testing import ENV_URL

    if not os.environ.get(ENV_URL):
        try:
            find_postgres_bin()
        except PostgresNotFound as exc:
            pytest.skip(str(exc))
    with postgresql() as url:
        yield url
