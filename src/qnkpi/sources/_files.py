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


def check_data_file(path: Path, source: str) -> None:
    """Refuse a data file over the limit, or a path that is not a regular file (a device
    or pipe could be endless).

    A path that cannot be examined is left to the caller, whose `open` then fails with
    its own message (a missing file, say).

    Raises:
        DataError: The file is over the limit or not a regular file; it names the file.
        QnkpiError: `QNKPI_MAX_FILE_BYTES` is not a number.
    """
    limit = max_file_bytes()
    try:
        info = path.stat()
    except (OSError, ValueError):
        return
    if stat.S_ISDIR(info.st_mode):
        raise DataError("this is a folder; give the path of a file", file=path, source=source)
    if not stat.S_ISREG(info.st_mode):
        raise DataError("not a regular file (a device or a pipe); give the path of a file",
                        file=path, source=source)
    if info.st_size > limit:
        raise DataError(too_big(f"the file is {info.st_size:,} bytes", limit), file=path,
                        source=source)
