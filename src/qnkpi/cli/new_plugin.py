"""`qnkpi new-plugin NAME`: write a plugin package to start from.

The package `qnkpi-NAME` holds a `pyproject.toml` with the entry point, a module
`qnkpi_NAME` registering one indicator kind, a README and a test that evaluates a small
spec with the kind. The files are made from the templates in `plugin_template/` (package
data), with `$name` placeholders filled in by `string.Template`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

__all__ = ["PluginNames", "plugin_names", "write_plugin"]

#: lowercase letters and digits, words joined by single '-' or '_'
_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_MAX = 30
#: the built-in indicator kinds, which a plugin's kind (its name) may not take
BUILT_IN_KINDS = ("value", "ratio", "share_of_units", "sum")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "new-plugin", help="write a new plugin package to start from",
        description="Write the folder qnkpi-NAME: a plugin package with its entry point, an "
        "indicator kind, a README and a test that evaluates a small spec with the kind. "
        "Install it with 'pip install -e qnkpi-NAME' and run its tests with pytest.")
    p.add_argument("name", metavar="NAME",
                   help="the plugin's name: lowercase letters and digits, words joined by "
                   "'-' or '_' (for example 'health' or 'youth-survey')")
    p.add_argument("-o", "--output", metavar="DIR", default=".",
                   help="the folder to write qnkpi-NAME into (default: the current folder)")
    p.set_defaults(run=run)


class PluginNames:
    """The names derived from a plugin's NAME."""

    def __init__(self, name: str) -> None:
        words = re.split(r"[-_]", name)
        self.entry = "-".join(words)  # the entry point's name: the plugin's name
        self.dist = f"qnkpi-{self.entry}"  # the distribution and its folder
        self.package = "qnkpi_" + "_".join(words)  # the import package
        self.kind = "_".join(words)  # the indicator kind it registers: the plugin's name
        self.cls = "".join(w.capitalize() for w in words) + "Indicator"


def plugin_names(name: str) -> PluginNames:
    """The names for NAME, or a [`QnkpiError`][qnkpi.errors.QnkpiError] saying what a name may
    hold."""
    from qnkpi.errors import QnkpiError

    if re.fullmatch(r"qnkpi(?:[-_].*)?", name):
        rest = re.sub(r"^qnkpi[-_]?", "", name)
        hint = f": 'qnkpi new-plugin {rest}' writes qnkpi-{rest}" if rest else ""
        raise QnkpiError(f"plugin name '{name}': leave out the 'qnkpi' prefix{hint}")
    if not _NAME.fullmatch(name):
        raise QnkpiError(f"plugin name '{name}': use lowercase letters and digits, starting "
                         "with a letter, with words joined by single '-' or '_' (for example "
                         "'health' or 'youth-survey')")
    if len(name) > _MAX:
        raise QnkpiError(f"plugin name '{name}': at most {_MAX} characters, not {len(name)}")
    names = PluginNames(name)
    if names.kind in BUILT_IN_KINDS:
        raise QnkpiError(f"plugin name '{name}': its indicator kind would be '{names.kind}', "
                         f"which is built in ({', '.join(BUILT_IN_KINDS)}); choose another "
                         "name")
    return names


def _requirement() -> str:
    """`qnkpi>=VERSION`: at least the qnkpi that wrote the plugin."""
    from qnkpi import __version__

    return f"qnkpi>={__version__}" if re.match(r"\d+(\.\d+)*", __version__) else "qnkpi"


def write_plugin(name: str, output: str | Path = ".") -> list[Path]:
    """Write the package `qnkpi-NAME` into the folder `output`; return the files
    written. A bad name, or a folder `qnkpi-NAME` already there, is a
    [`QnkpiError`][qnkpi.errors.QnkpiError], and then nothing is written."""
    import shutil
    from importlib.resources import files
    from importlib.resources.abc import Traversable
    from string import Template

    from qnkpi.errors import QnkpiError

    names = plugin_names(name)
    parent = Path(output)
    target = parent / names.dist
    exists = QnkpiError(f"{target} already exists; choose another name or folder "
                        "(nothing was written)")
    if target.exists() or target.is_symlink():
        raise exists
    if parent.exists() and not parent.is_dir():
        raise QnkpiError(f"{parent} is a file, not a folder (nothing was written)")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        target.mkdir()
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        raise QnkpiError(f"cannot create the folder {target}: {exc.strerror}") from None
    values = {**vars(names), "requirement": _requirement()}

    def copy(source: Traversable, into: Path) -> None:
        for item in sorted(source.iterdir(), key=lambda t: t.name):
            if item.name == "__pycache__":
                continue
            out = into / item.name.replace("__package__", names.package)
            if item.is_dir():
                out.mkdir()
                copy(item, out)
            elif item.name.endswith(".tmpl"):
                text = Template(item.read_text(encoding="utf-8")).substitute(values)
                out.with_suffix("").write_text(text, encoding="utf-8")
            else:
                out.write_bytes(item.read_bytes())

    try:
        copy(files("qnkpi.cli").joinpath("plugin_template"), target)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)  # nothing half-written stays behind
        raise QnkpiError(f"cannot write {target}: {exc.strerror}") from None
    return sorted(p for p in target.rglob("*") if p.is_file())


def run(args: argparse.Namespace) -> int:
    written = write_plugin(args.name, args.output)
    names = plugin_names(args.name)
    target = Path(args.output) / names.dist
    print(f"Wrote {target}, a qnkpi plugin registering the indicator kind '{names.kind}':")
    for path in written:
        print(f"  {path}")
    print("\nNext:")
    print(f"  pip install -e '{target}[test]'")
    print(f"  qnkpi plugins                 # lists: {names.entry}  ({names.dist} 0.1.0)")
    print(f"  python -m pytest {target}")
    return 0
