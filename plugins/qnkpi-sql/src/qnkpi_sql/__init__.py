"""qnkpi-sql: the `sql` source type, reading tables and queries of PostgreSQL (or any
database SQLAlchemy reaches) and letting the database do the aggregation.

A spec writes:

```yaml
sources:
  registry:
    type: sql
    url: postgresql+psycopg://qnkpi:${PGPASSWORD}@db.example.org:5432/stats
    table: public.people        # or: query: SELECT ...
    unit: unit_code
    year: year
```

Importing this module does not import SQLAlchemy: it is imported when a source fetches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi import hookimpl
from qnkpi_sql.source import SqlSource, SqlStatement, expand_env, mask_url

__all__ = ["SOURCE_TYPE", "SqlSource", "SqlStatement", "__version__", "expand_env",
           "mask_url", "register_source_types"]

__version__ = "0.1.0"

#: The name specs give as a source's `type`.
SOURCE_TYPE = "sql"


@hookimpl
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register the `sql` source type."""
    register(SqlSource)
