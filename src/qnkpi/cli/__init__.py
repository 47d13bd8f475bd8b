"""The `qnkpi` command: one module per subcommand, argparse for a fast start.

`main` is the last line of defence: an error a user can cause is one line and exit
code 2; anything else is a bug, reported in a few lines that say whose (qnkpi's or a
plugin's) and where to report it, with exit code 70; `QNKPI_DEBUG=1` shows the
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from qnkpi.cli import (
    demo,
    evaluate,
    new_plugin,
    org_units,
    plugins,
    schema,
    site,
    template,
    validate,
)

if TYPE_CHECKING:
    from qnkpi.plugin.registry import Plugins

__all__ = ["main"]

COMMANDS = (evaluate, validate, template, plugins, schema, org_units, demo, site, new_plugin)

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 70  # 70: sysexits' EX_SOFTWARE

ENV_DEBUG = "QNKPI_DEBUG"
"""Set (to anything but `0`, `false` or `no`), errors are printed with their traceback."""

ISSUES = "https://github.com/qnkpi/qnkpi/issues"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qnkpi",
        description="Evaluate a programme's targets, declared in YAML, against its data.",
        epilog="Exit codes: 0 done; 1 a status named by --fail-on was found; 2 bad input "
        "(spec, data, arguments or a plugin); 70 a bug in qnkpi or a plugin (set "
        f"{ENV_DEBUG}=1 to see its traceback).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, plugins: Plugins | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it).

    Args:
        argv: The arguments after `qnkpi`. Default: `sys.argv[1:]`.
        plugins: The plugin registry the command uses (tests pass one from
            [`plugins_with`][qnkpi.testing.plugins_with]). Default: the built-ins and
            every installed plugin, built when the command first needs them, once for
            the run (`qnkpi --help` and `--version` load none).
    """
    from qnkpi.errors import PluginWarning

    with warnings.catch_warnings():
        warnings.simplefilter("always", PluginWarning)
        shown = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], filename: str,
                 lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
            if issubclass(category, PluginWarning):
                print(f"qnkpi: warning: {message}", file=sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        strict = _escape_unencodable()
        unraisable, stderr = sys.unraisablehook, sys.stderr
        sys.unraisablehook = _unraisable
        sys.stderr = _Printable(stderr)
        code = EXIT_BUG
        try:
            code = _main(argv, plugins)
            return code
        finally:
            if code not in (EXIT_OK, EXIT_FAIL_ON):
                import gc

                gc.collect()  # what a failed write left half-closed goes now, quietly
            sys.unraisablehook, sys.stderr = unraisable, stderr
            for stream, errors in strict:
                with contextlib.suppress(ValueError, OSError):  # closed (a broken pipe)
                    stream.reconfigure(errors=errors)


def _escape_unencodable() -> list[tuple[Any, str]]:
    """Standard output and error in an encoding that cannot write every character
    (`LC_ALL=C` without Python's UTF-8 mode, `PYTHONIOENCODING=latin-1`): what the
    encoding has is written, the rest as backslash escapes (`\\u1ea3`), rather than
    the command failing; bytes of a file name that is not UTF-8 are written as they are.
    Returns the streams changed with their error handler, to restore."""
    import codecs

    codecs.register_error(_ESCAPE, _escape)
    changed = []
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)
        if errors in ("strict", "surrogateescape") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=_ESCAPE)
            except (AttributeError, ValueError, OSError):  # closed, or not a text file
                continue
            changed.append((stream, errors))
    return changed


_ESCAPE = "qnkpi.escape"


def _escape(exc: UnicodeError) -> tuple[bytes, int]:
    """The error handler of `_escape_unencodable`: `surrogateescape` for the bytes of a
    file name, `backslashreplace` for any other character."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for char in exc.object[exc.start:exc.end]:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)
        else:
            out += (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF
                    else f"\\U{code:08x}").encode("ascii")
    return bytes(out), exc.end


class _Printable:
    """Standard error while the command runs: every message (errors, warnings, notes)
    can quote a spec or a data file, so control characters in it are written as their
    escapes, never sent to the terminal. `raw` is the stream itself, for the progress
    bar's own escape sequences."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        from qnkpi.reporters._text import printable

        self.raw.write(printable(text, lines=True))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def _unraisable(info: Any) -> None:
    """An error Python cannot raise (in a `__del__`, or a generator closed while being
    collected), typically a library's second failure to close a file after a full disk:
    the first one was reported. Shown only with `QNKPI_DEBUG=1`."""
    if _debug():
        sys.__unraisablehook__(info)


def _main(argv: Sequence[str] | None, plugins: Plugins | None = None) -> int:
    from qnkpi.cli._registry import RunPlugins
    from qnkpi.errors import QnkpiError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad arguments, 0 on --help
        return int(exc.code or 0)
    if args.version:
        from qnkpi import __version__

        print(f"qnkpi {__version__}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    registry = args.registry = RunPlugins(plugins)
    try:
        return int(args.run(args))
    except QnkpiError as exc:
        if _debug():
            _print_traceback(exc)
        print(f"qnkpi: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("qnkpi: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say whose, and how to see and report it
        return _bug(exc, registry.built)


def _debug() -> bool:
    return os.environ.get(ENV_DEBUG, "").strip().lower() not in ("", "0", "false", "no")


def _print_traceback(exc: BaseException) -> None:
    import traceback

    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)


def _bug(exc: Exception, registry: Plugins | None) -> int:
    """Report `exc` as a bug: the plugin's whose code raised it (`registry` holds the
    plugins the run loaded, `None` if it loaded none), else qnkpi's."""
    from qnkpi import __version__

    if _debug():
        _print_traceback(exc)
    plugin = _culprit(exc.__traceback__, registry)
    lines = [f"qnkpi: internal error: {type(exc).__name__}: {exc}"]
    if plugin is not None:
        name, origin, url = plugin
        lines.append(f"This is a bug in plugin '{name}' ({origin}), not in your spec or "
                     f"data. Report it to the plugin's authors{f' at {url}' if url else ''}"
                     f", or set QNKPI_DISABLE_PLUGINS={name} to run without it.")
    else:
        lines.append(f"This is a bug in qnkpi {__version__}, not in your spec or data. "
                     f"Please report it at {ISSUES}, with the command you ran.")
        others = _third_party(registry)
        if others:
            lines.append("Plugins were loaded (" + ", ".join(others) + "): if the error "
                         "goes away with QNKPI_DISABLE_PLUGINS=NAME, report it to that "
                         "plugin's authors instead.")
    if not _debug():
        lines.append(f"To see the traceback (and include it in the report), run the "
                     f"command again with {ENV_DEBUG}=1.")
    print("\n".join(lines), file=sys.stderr)
    return EXIT_BUG


def _third_party(registry: Plugins | None) -> list[str]:
    """The plugins loaded that are not qnkpi's built-ins."""
    from qnkpi.plugin.loading import BUILTIN_PLUGINS

    if registry is None:
        return []
    return [name for name, _, _ in registry.describe() if name not in BUILTIN_PLUGINS]


def _culprit(tb: TracebackType | None,
             registry: Plugins | None) -> tuple[str, str, str | None] | None:
    """The plugin whose code raised: the innermost frame in qnkpi or in a plugin decides
    (frames of other libraries, such as numpy, are skipped). `(name, origin, URL to
    report to)`, or `None` when it is qnkpi's own code or no plugin was loaded."""
    if registry is None:
        return None
    owners = _plugin_modules(registry)
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame.f_globals.get("__name__", ""))
        tb = tb.tb_next
    for module in reversed(frames):
        if module == "qnkpi" or module.startswith("qnkpi."):
            return None
        for prefix, name in owners.items():
            if module == prefix or module.startswith(prefix + "."):
                origin = next((o for n, o, _ in registry.describe() if n == name), "?")
                return name, origin, _project_url(origin)
    return None


def _plugin_modules(registry: Plugins) -> dict[str, str]:
    """Top-level module (or plugins-folder module) -> the name of the plugin it is of:
    the plugin's own module, and those of the parts it registered."""
    owners: dict[str, str] = {}

    def top(module: str) -> str:
        return module if module.startswith("qnkpi_plugins_dir.") else module.split(".")[0]

    for name, plugin in registry.pm.list_name_plugin():
        if plugin is None or name in registry.failed:
            continue
        module = plugin.__name__ if isinstance(plugin, ModuleType) else \
            type(plugin).__module__
        if top(module) != "qnkpi":
            owners.setdefault(top(module), name)
    for hook, found in registry.registrations.items():
        if hook == "register_specs":  # paths, not code
            continue
        for reg in found.values():
            obj = reg.obj
            module = obj.__module__ if isinstance(obj, type) else type(obj).__module__
            if isinstance(module, str) and top(module) not in ("qnkpi", "builtins"):
                owners.setdefault(top(module), reg.plugin)
    return owners


def _project_url(origin: str) -> str | None:
    """Where the distribution `origin` ("name version") says to report problems."""
    from importlib.metadata import PackageNotFoundError, metadata

    if " " not in origin:
        return None
    try:
        meta = metadata(origin.split(" ")[0])
    except PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("issues", "bug tracker", "tracker", "source", "repository", "homepage"):
        if urls.get(label):
            return urls[label]
    home = meta.get_all("Home-page") or []
    return str(home[0]) if home else None


#: Arrow's allocator for the command's own process, unless the user chose one. Arrow's
#: default, mimalloc, keeps freed memory in each writer thread's heap: on the national
#: benchmark the CSV and JSON reports peaked about 30% higher with it than with the
#: system's allocator, at the same speed. The library leaves the choice to the process
#: that imports it; `pyarrow` reads the variable when it is first imported.
ARROW_POOL = ("ARROW_DEFAULT_MEMORY_POOL", "system")


def run() -> None:  # pragma: no cover - the console script
    os.environ.setdefault(*ARROW_POOL)
    sys.exit(main())
