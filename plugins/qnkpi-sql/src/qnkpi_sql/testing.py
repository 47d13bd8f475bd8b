"""A real, throw-away PostgreSQL server for tests.

```python
from qnkpi_sql.testing import postgresql

with postgresql() as url:   # an SQLAlchemy URL
    ...
```

If the environment variable `QNKPI_TEST_POSTGRES_URL` is set, `postgresql`
yields it as it is (a server you run, e.g. a CI service container). Otherwise it looks
for the PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) on `PATH`, in
`/usr/local/bin`, `/usr/lib/postgresql/*/bin` and `/usr/local/pgsql/bin`, creates
a cluster in a temporary folder, starts it on a free port listening only on a Unix
socket in that folder, and stops and deletes it afterwards. PostgreSQL refuses to run as
root: as root, the programs run as the `postgres` user (created if missing).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["ENV_URL", "INSTALL_HINT", "PostgresNotFound", "find_postgres_bin", "postgresql"]

#: The environment variable naming an existing server to use instead.
ENV_URL = "QNKPI_TEST_POSTGRES_URL"

#: How to get the programs `postgresql` needs.
INSTALL_HINT = (
    "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; macOS: "
    "brew install postgresql; conda: conda install -c conda-forge postgresql) or set "
    f"{ENV_URL} to the SQLAlchemy URL of a server to use, e.g. "
    "postgresql+psycopg://postgres@localhost:5432/postgres"
)

_PROGRAMS = ("initdb", "pg_ctl", "postgres")


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server programs were found (and no server URL was given)."""


def find_postgres_bin() -> Path:
    """The folder holding `initdb`, `pg_ctl` and `postgres`, newest version first;
    `PostgresNotFound` (saying how to install them) if there is none."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    candidates.append(Path("/usr/local/bin"))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name
                                 .split(".")], reverse=True)
    candidates += [Path(p) for p in versions]
    candidates += [Path("/usr/local/pgsql/bin"), Path("/opt/homebrew/bin")]
    for folder in candidates:
        if all(os.access(folder / p, os.X_OK) for p in _PROGRAMS):
            return folder
    raise PostgresNotFound(f"no PostgreSQL server programs ({', '.join(_PROGRAMS)}) "
                           f"found; {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _as_postgres_user() -> list[str]:
    """The command prefix that runs a program as a user PostgreSQL accepts."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    if subprocess.run(["getent", "passwd", "postgres"], capture_output=True).returncode:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/bin/sh",
                        "postgres"], check=True, capture_output=True)
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    return ["sudo", "-u", "postgres", "--"]


def _run(prefix: Sequence[str], args: Sequence[str], what: str, log: Path | None = None
         ) -> None:
    done = subprocess.run([*prefix, *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    if done.returncode:
        detail = done.stdout + done.stderr
        if log is not None and log.exists():
            detail += log.read_text(errors="replace")
        raise RuntimeError(f"{what} failed ({' '.join(args)}):\n{detail}")


@contextmanager
def postgresql() -> Iterator[str]:
    """Yield the SQLAlchemy URL of a PostgreSQL server that lives as long as the block:
    `$QNKPI_TEST_POSTGRES_URL` if set, else a fresh temporary cluster (superuser
    `postgres`, trust authentication, database `postgres`). Raises
    `PostgresNotFound` if neither is available."""
    given = os.environ.get(ENV_URL)
    if given:
        yield given
        return
    bindir = find_postgres_bin()
    prefix = _as_postgres_user()
    root = Path(tempfile.mkdtemp(prefix="qnkpi-pg-"))
    data, sock, log = root / "data", root / "sock", root / "server.log"
    started = False
    try:
        sock.mkdir()
        if prefix:
            shutil.chown(root, "postgres")
            shutil.chown(sock, "postgres")
        _run(prefix, [str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], "initdb")
        port = _free_port()
        options = (f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _run(prefix, [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                      "-w", "-t", "60", "start"], "pg_ctl start", log)
        started = True
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port={port}"
    finally:
        if started:
            with suppress(Exception):
                _run(prefix, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                              "-w", "stop"], "pg_ctl stop")
        shutil.rmtree(root, ignore_errors=True)
