"""Text from specs and data, made safe to show on a terminal.

A title, a unit's name or a code may hold control characters: an escape sequence can
clear the screen, move the cursor to overwrite a verdict, retitle the window or write
the clipboard, and a bidirectional override can show characters in another order than
they are. Shown on a terminal (the `table` report, the command's messages) or in a
file read with `cat` (the `markdown` report), each such character is written as its
escape (`\\x1b`, `\\u202e`) instead: visible, and inert.
"""

from __future__ import annotations

__all__ = ["printable"]

_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
             *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPED = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS}
_KEEP_LINES = {**_ESCAPED, ord("\n"): None, ord("\t"): None}
_KEEP_LINES = {c: e for c, e in _KEEP_LINES.items() if e is not None}


def printable(text: str, *, lines: bool = False) -> str:
    """`text` with every control character (C0, DEL, C1) and bidirectional override
    written as its escape; with `lines`, newlines and tabs are kept."""
    return text.translate(_KEEP_LINES if lines else _ESCAPED)
