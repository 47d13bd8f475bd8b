"""The database URL of an `sql` source, and what messages show of it: `${NAME}` filled
in from the environment, the password masked in the URL and removed from the driver's
messages."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from qnkpi.errors import DataError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<pw>[^@\s]*)@")


def expand_env(text: str, *, source: str | None = None) -> str:
    """`text` with every `${NAME}` replaced by the environment variable `NAME`; an
    unset variable is a [`DataError`][qnkpi.errors.DataError]. A bare `$` is left alone."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise DataError(f"environment variable '{name}' used in 'url' is not set; set "
                            "it, or write the URL out", source=source)
        return os.environ[name]

    return _ENV.sub(value, text)


def mask_url(url: str) -> str:
    """`url` with its password (if any) replaced by `***`; safe to show."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # unparseable: mask by pattern
        return _USERINFO.sub(lambda m: f"{m.group('head')}:***@", url)


def first_line(exc: BaseException) -> str:
    """The first line of an error's text (its type's name if it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def driver_message(exc: BaseException, url: URL) -> str:
    """The driver's own message (not SQLAlchemy's wrapper with SQL and links), first
    lines only, the password removed."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("[SQL:", "[parameters:", "(Background"))]
    text = "; ".join(lines[:3]) or type(orig).__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text
