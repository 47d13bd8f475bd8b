"""The files a run reads, so that no output replaces one of them.

`qnkpi evaluate -o`, `qnkpi template -o` and `qnkpi demo -o` call
[`refuse_inputs`][qnkpi.cli._inputs.refuse_inputs] before any work: an output that is the
spec, its org-units file or a data file of one of its sources (after following symbolic
links, and by identity of the file for hard links) is refused with exit code 2, naming
both roles.

A source's data files are found without asking the source type: every key of the
source that holds a `Path` (the [`RelPath`][qnkpi.spec.models.RelPath] type of the
built-in and most plugin sources), and a text key named `path` that is not a URI (such
as `hdfs://...`). A glob pattern stands for the files it matches now; a folder (Spark
reads every file in one) for every file inside it.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qnkpi.errors import QnkpiError

if TYPE_CHECKING:
    from qnkpi.spec.spec import Spec

__all__ = ["input_files", "refuse_inputs"]

_WILDCARDS = "*?["
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def input_files(spec: Spec) -> Iterator[tuple[Path, str]]:
    """Every file (or folder) `spec` reads, with its role: `(path, "the spec")`,
    `(path, "the data file of source 'NAME'")`...

    Globs are expanded to the files they match; a path that does not exist is given as
    it is (nothing can replace it, but a link may point to it)."""
    if spec.file is not None:
        yield spec.file, "the spec"
    located = getattr(spec, "_located", {}).get("org_units")
    if located is not None and located.file != spec.file:
        yield Path(located.file), "the org-units file of the spec"
    for name, source in spec.sources.items():
        for path in _source_paths(source):
            text = str(path)
            if any(char in text for char in _WILDCARDS):
                for found in glob.glob(text, recursive=True):
                    yield Path(found), f"a data file of source '{name}' ({text})"
            elif path.is_dir():
                yield path, f"the data folder of source '{name}'"
            else:
                yield path, f"the data file of source '{name}'"


def _source_paths(source: object) -> Iterator[Path]:
    """The paths among a source's keys (its pydantic fields)."""
    fields = getattr(type(source), "model_fields", {})
    for key in fields:
        value = getattr(source, key, None)
        if isinstance(value, Path):
            yield value
        elif key == "path" and isinstance(value, str) and value and not _URI.match(value):
            yield Path(value)


def refuse_inputs(output: str | Path | None, spec: Spec, *, flag: str = "-o",
                  what: str = "the report") -> None:
    """Raise a [`QnkpiError`][qnkpi.errors.QnkpiError] if writing `output` would replace
    a file `spec` reads (or put a file into a data folder of one of its sources).

    `output` `None` or `-` (standard output) is always fine, as is a device or a pipe
    (`/dev/stdout`), which is written to, not replaced."""
    if output in (None, "-"):
        return
    assert output is not None
    target = Path(output)
    try:
        info = os.stat(target)
    except OSError:
        info = None
    if info is not None and not _regular(info.st_mode):
        return
    real = _resolve(target)
    for path, role in input_files(spec):
        resolved = _resolve(path)
        same = resolved == real
        if not same and info is not None:
            try:
                same = os.path.samefile(target, path)
            except OSError:
                same = False
        if not same and resolved.is_dir() and resolved in real.parents:
            raise QnkpiError(f"{flag} {output} is inside {path}, {role}; write {what} "
                             "elsewhere")
        if same:
            link = "" if _plain(target, path) else f" (the same file as {path})"
            raise QnkpiError(f"{flag} {output} is {role}{link}; write {what} elsewhere")


def _regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return Path(os.path.abspath(path))


def _plain(target: Path, path: Path) -> bool:
    """Whether `target` names `path` without a link (so the message need not say so)."""
    return Path(os.path.abspath(target)) == Path(os.path.abspath(path))
