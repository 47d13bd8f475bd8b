"""Writing a report to stdout or to a file, and choosing reporters."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from qnkpi.errors import PluginError, QnkpiError, did_you_mean

if TYPE_CHECKING:
    from qnkpi.engine.result import Result
    from qnkpi.plugin.registry import Plugins


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def reporter_for(plugins: Plugins, name: str) -> object:
    reporters = plugins.reporters
    if name not in reporters:
        raise QnkpiError(f"unknown format '{name}'{did_you_mean(name, reporters)}; "
                         f"formats: {', '.join(reporters)}{plugins.failure_note()}")
    return reporters[name]


def write_report(result: Result, plugins: Plugins, fmt: str, output: str | None,
                 lang: str, options: dict[str, Any] | None = None) -> None:
    """Write with reporter `fmt` to `output` (`-` or None: stdout), passing it those of
    `options` that it names in its `options` attribute (see `Reporter`).

    A file is written atomically (see `_atomic`). A reporter of a plugin that raises is
    a `PluginError` naming the plugin; one of qnkpi's own is a bug, left to the command
    line's last line of defence."""
    from qnkpi.plugin.hooks import REPORTERS
    from qnkpi.plugin.loading import BUILTIN_PLUGINS

    reporter = reporter_for(plugins, fmt)
    owner = plugins.owner(REPORTERS, fmt)
    binary = bool(getattr(reporter, "binary", False))
    where = "standard output" if output in (None, "-") else str(output)
    takes = getattr(reporter, "options", ())
    given = {key: value for key, value in (options or {}).items() if key in takes}

    def write(stream: IO[Any]) -> None:
        try:
            reporter.write(result, stream, lang=lang,  # type: ignore[attr-defined]
                           **given)
        except (QnkpiError, OSError):
            raise
        except Exception as exc:
            if owner in BUILTIN_PLUGINS:
                raise
            raise PluginError(owner, f"reporter '{fmt}' failed writing to {where}: "
                              f"{type(exc).__name__}: {exc}") from exc

    if output in (None, "-"):
        if binary:
            raise QnkpiError(f"format '{fmt}' is binary: give a file with -o")
        write(sys.stdout)
        return
    _atomic(Path(output), binary, write, f"the {fmt} report")


def write_text(text: str, output: str | None, what: str = "the file") -> None:
    """Write `text` to `output` (`-` or None: stdout), atomically like a report."""
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    _atomic(Path(output), False, lambda stream: stream.write(text), what)


def _atomic(target: Path, binary: bool, write: Callable[[IO[Any]], object],
            what: str = "the file") -> None:
    """Write to a temporary file beside `target`, then rename it over `target`: an
    interrupted run, a full disk or a failing reporter never leaves a half-written file,
    and a file already at `target` stays as it was unless the new one is complete.

    A symbolic link is followed (the file it points to is replaced, the link stays), so
    `-o /dev/stdout` never replaces `/dev/stdout`. A `target` that is a terminal, a
    named pipe or another character device (`/dev/stdout` on a terminal or a pipe) is
    written to directly: it cannot be replaced, and must not be. A folder or a disk is
    refused.

    Raises:
        QnkpiError: The folder does not exist, `target` is a folder, or the OS refused
            to write (a full disk, a file size limit, no permission); it names `what`
            and the file, and says what was left.
    """
    def fail(exc: OSError, kept: str) -> QnkpiError:
        return QnkpiError(f"cannot write {what} to {target}: {_reason(exc)}; {kept}")

    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:  # a name too long, a loop of links...
        raise fail(exc, "nothing was written") from exc
    if mode is not None and (stat.S_ISDIR(mode) or stat.S_ISBLK(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "a disk (a block device)"
        raise QnkpiError(f"cannot write {what} to {target}: it is {kind}; give a file "
                         "name")
    if mode is not None and not stat.S_ISREG(mode):  # a device, a pipe, a socket
        try:
            with (open(target, "wb") if binary
                  else open(target, "w", encoding="utf-8", newline="")) as stream:
                write(stream)
        except OSError as exc:
            raise fail(exc, "what was written before is incomplete") from exc
        return
    real = Path(os.path.realpath(target))
    if not real.parent.is_dir():
        raise QnkpiError(f"{target}: the folder {real.parent} does not exist")
    kept = ("nothing was written, the file that was there is unchanged" if mode is not None
            else "nothing was written, no file was left there")
    remove_stale(real)
    # a short prefix: a long report name plus mkstemp's letters could pass NAME_MAX
    prefix = f"{_prefix(real)}{os.getpid()}."
    tmp: str | None = None
    try:
        # the signals are caught before the temporary file exists: one that came
        # between its creation and the handler would leave it behind
        with _terminated_raises():
            fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=real.parent)
            stream = (os.fdopen(fd, "wb") if binary
                      else os.fdopen(fd, "w", encoding="utf-8", newline=""))
            with stream:
                write(stream)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would outlive the rename
            os.replace(tmp, real)
    except OSError as exc:
        _remove_own(real.parent, prefix, tmp)
        raise fail(exc, kept) from exc
    except Terminated as exc:
        if tmp is not None and not os.path.exists(tmp) and os.path.exists(real):
            kept = "the file was written in full"  # the signal came after the rename
        _remove_own(real.parent, prefix, tmp)
        print(f"qnkpi: {exc.name}: stopped writing {what} to {target}; {kept}",
              file=sys.stderr)
        raise
    except BaseException:
        _remove_own(real.parent, prefix, tmp)
        raise


def _remove_own(folder: Path, prefix: str, tmp: str | None) -> None:
    """Remove this run's temporary file: `tmp`, or, when a signal came before its name
    was known, the file of this process's prefix that `mkstemp` had made."""
    names = [tmp] if tmp is not None else [
        str(folder / name) for name in os.listdir(folder)
        if name.startswith(prefix) and name.endswith(".tmp")]
    for name in names:
        Path(name).unlink(missing_ok=True)


#: A temporary file of an earlier run this old, whose process is gone, is removed.
STALE_SECONDS = 300


def _prefix(real: Path) -> str:
    return f".{real.name[:64]}."


def remove_stale(real: Path) -> list[Path]:
    """Remove the temporary files earlier runs left beside `real` when they were killed
    (SIGKILL, a power cut): files named as qnkpi names them for this very report
    (`.NAME.PID.XXXXXXXX.tmp`, or `.NAME.XXXXXXXX.tmp` of earlier versions), owned by
    the user, last written more than `STALE_SECONDS` ago and, when the name holds one,
    whose process is no longer running. Returns those removed; never fails."""
    import re
    import time

    pattern = re.compile(re.escape(_prefix(real)) + r"(?:(\d+)\.)?[a-z0-9_]{8}\.tmp")
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(real.parent) if pattern.fullmatch(n)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        path = real.parent / name
        try:
            info = os.lstat(path)
            match = pattern.fullmatch(name)
            assert match is not None
            pid = match.group(1)
            if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid()
                    or now - info.st_mtime < STALE_SECONDS
                    or (pid is not None and _running(int(pid)))):
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def _running(pid: int) -> bool:
    """Whether process `pid` exists (on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's: leave its file alone
    return True


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived while a file was being written: the temporary file is
    removed, and the command exits with 128 + the signal's number (143, 129), as a
    process the signal ended would."""

    def __init__(self, signum: int) -> None:
        import signal

        super().__init__(128 + signum)
        self.name = signal.Signals(signum).name


@contextmanager
def _terminated_raises() -> Iterator[None]:
    """While writing: SIGTERM and SIGHUP raise [`Terminated`][qnkpi.cli._output.Terminated]
    (they would end the process without removing its temporary file). Only in the main
    thread, where Python handles signals, and only where the default handler was set."""
    import signal
    import threading

    def raise_(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
                previous[signum] = signal.signal(signum, raise_)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _reason(exc: OSError) -> str:
    """The OS's words for `exc`, with a hint for the usual causes."""
    import errno

    hints = {errno.ENOSPC: "the disk is full", errno.EFBIG: "the file is larger than "
             "this system or account allows", errno.EDQUOT: "the disk quota is used up",
             errno.EROFS: "the disk is read-only", errno.EACCES: "no permission",
             errno.EISDIR: "it is a folder"}
    text = exc.strerror or type(exc).__name__
    hint = hints.get(exc.errno or 0)
    return f"{text} ({hint})" if hint and hint.lower() != text.lower() else text
