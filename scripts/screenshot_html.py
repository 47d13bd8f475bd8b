"""Screenshots of the ``html`` report for the docs: the Quảng Ninh example rendered in
Vietnamese and English, photographed by headless Chromium (Debian's ``chromium``).

    .venv/bin/python scripts/screenshot_html.py            # writes docs/img/report-html-*.png
    .venv/bin/python scripts/screenshot_html.py --out DIR

The tests import :func:`render`, :func:`screenshot` and :func:`dump_dom` from here so that
the docs images and the browser test use the same Chromium flags.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
#: The flags headless Chromium needs as root in a container, and nothing that phones home.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")
#: Window size of the docs screenshots (the summary and the first two indicators) and
#: their scale: 1024 pixels wide, under 400 KB each.
DOCS_SIZE = (1280, 2600)
DOCS_SCALE = 0.8


def chromium() -> str:
    """The path of the ``chromium`` binary; exits with a hint when it is not installed."""
    path = shutil.which("chromium")
    if path is None:
        sys.exit("chromium is not installed: apt-get install -y chromium")
    return path


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=True)


def render(lang: str, path: Path) -> Path:
    """Write the Quảng Ninh example's HTML report in ``lang`` to ``path``."""
    import qnkpi
    from qnkpi.reporters.html import HtmlReporter

    result = qnkpi.evaluate(qnkpi.load_spec(SPEC))
    with path.open("w", encoding="utf-8") as f:
        HtmlReporter().write(result, f, lang=lang)
    return path


def screenshot(html: Path, png: Path, size: tuple[int, int] = (1280, 2000),
               scale: float = 1.0) -> Path:
    """Photograph ``html`` in a ``size`` window (CSS pixels) into ``png``, ``scale``
    device pixels per CSS pixel."""
    with tempfile.TemporaryDirectory() as profile:
        _run([f"--window-size={size[0]},{size[1]}", f"--force-device-scale-factor={scale}",
              f"--screenshot={png}", html.resolve().as_uri()], Path(profile))
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot {png}")
    return png


def dump_dom(html: Path) -> str:
    """The DOM of ``html`` after Chromium parsed it, serialised."""
    with tempfile.TemporaryDirectory() as profile:
        return _run(["--dump-dom", html.resolve().as_uri()], Path(profile)).stdout


def main(argv: list[str] | None = None) -> int:
    """Write ``report-html-vi.png`` and ``report-html-en.png`` into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("vi", "en"):
            html = render(lang, Path(tmp) / f"report-{lang}.html")
            png = screenshot(html, args.out / f"report-html-{lang}.png", DOCS_SIZE,
                             DOCS_SCALE)
            print(f"{png} ({png.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
