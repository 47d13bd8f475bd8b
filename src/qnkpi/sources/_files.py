"""The size limit on the files qnkpi reads itself: data files of the built-in sources, and
(capped lower) the spec and its org-units file.

The limit is `QNKPI_MAX_FILE_BYTES` bytes when that environment variable is set, else
[`MAX_FILE_BYTES`][qnkpi.sources._files.MAX_FILE_BYTES]. It protects against a wrong path
(a database dump instead of a CSV export) and against files made to exhaust memory: the
`csv` source holds a whole file in memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from qnkpi.errors import DataError, QnkpiError

ENV = "QNKPI_MAX_FILE_BYTES"
MAX_FILE_BYTES = 1_000_000_000
"""The default limit, in bytes: 1 GB."""


def max_file_bytes() -> int:
    """The largest file qnkpi reads, in bytes: `QNKPI_MAX_FILE_BYTES`, or the default.

    Raises:
        QnkpiError: The variable is set to something other than a whole number above 0.
    """
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return MAX_FILE_BYTES
    digits = raw.replace("_", "")
    if not (digits.isascii() and digits.isdigit()) or int(digits) == 0:
        raise QnkpiError(f"{ENV}={raw!r} is not a number of bytes; set it to a whole number "
                         f"above 0, such as {MAX_FILE_BYTES * 2}, or unset it for the default "
                         f"({MAX_FILE_BYTES:,} bytes)")
    return int(digits)


def too_big(what: str, limit: int) -> str:
    """The message for a file over `limit` bytes: `what` says how big it is ("the file is
    1,234 bytes"); the rest says how to raise the limit."""
    return (f"{what}, over the limit of {limit:,} bytes; if the file is right, raise the "
            f"limit with the environment variable {ENV} (for example {ENV}="
            f"{max(limit * 10, MAX_FILE_BYTES)})")


#: What a path that is not a regular file is, by the type `stat` gives it.
_NOT_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
              (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def file_problem(path: Path, *, missing: str, what: str = "a file") -> str | None:
    """Why `path` cannot be read as an input file, or `None` when it is a regular file:
    the one check of every file qnkpi reads (the spec, its org-units file, data files).

    It only examines the path (`stat`), never opens it: opening a named pipe could wait
    for a writer forever, and a device such as /dev/zero never ends. A path that cannot
    be examined for another reason (no permission) gives `None`: the caller's `open`
    then says why.

    Args:
        path: The path to check (a symbolic link is followed).
        missing: The message for a path that does not exist (the caller knows where
            relative paths start).
        what: What the path should be, for the messages ("a .yaml file").

    Returns:
        `missing`, or a message for a folder, a pipe, a device or a socket; `None` for a
        regular file.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return missing
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(info.st_mode):
        return f"this is a folder; give the path of {what}"
    if stat.S_ISREG(info.st_mode):
        return None
    kind = next((name for test, name in _NOT_FILES if test(info.st_mode)), "a special file")
    return (f"this is {kind}, not a regular file: qnkpi reads only regular files (a pipe or "
            f"device may never end); give the path of {what}")


def check_data_file(path: Path, source: str) -> None:
    """Refuse a data file that is missing, a folder, not a regular file (a device or pipe
    could be endless; see [`file_problem`][qnkpi.sources._files.file_problem]), or over
    the limit.

    Raises:
        DataError: The file is missing, not a regular file or over the limit; it names
            the file.
        QnkpiError: `QNKPI_MAX_FILE_BYTES` is not a number.
    """
    limit = max_file_bytes()
    problem = file_problem(path, missing="file not found; check 'path' (relative paths "
                           "start at the spec file's folder)")
    if problem is not None:
        raise DataError(problem, file=path, source=source)
    try:
        info = path.stat()
    except (OSError, ValueError):
        return
    if info.st_size > limit:
        raise DataError(too_big(f"the file is {info.st_size:,} bytes", limit), file=path,
                        source=source)
