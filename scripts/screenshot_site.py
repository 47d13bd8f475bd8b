"""Screenshots of the reporting site for the docs (docs/publishing.md): the Quảng Ninh
example's site (`qnkpi site`), photographed by headless Chromium (Debian's ``chromium``).

    .venv/bin/python scripts/screenshot_site.py            # writes docs/img/site-*.png
    .venv/bin/python scripts/screenshot_site.py --out DIR  # elsewhere
    .venv/bin/python scripts/screenshot_site.py --keep DIR # and keep the site in DIR

The pages are opened from disk, as a reader who downloaded the folder would, except the
search page: its results come from the address (``?q=ha tu``), which a file address
cannot carry, so the site is also served over http on 127.0.0.1 (a port the system
chooses) for that one photograph. The Chromium flags are ``screenshot_html.py``'s.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot_html import FLAGS, ROOT, SPEC, chromium, screenshot

#: The unit of the unit pages and of the search (a ward of Hạ Long), and the indicator.
UNIT = "06652"
INDICATOR = "children_youth_reached_pct"
QUERY = "ha tu"
#: Desktop window (CSS pixels) and scale: 1280 wide shown at 0.7, 896 pixels.
DESKTOP = (1280, 1500)
SHORT = (1280, 900)
SCALE = 0.7
#: A phone's viewport (an iPhone 12-15's width), at 0.8: 312 pixels wide in the docs.
PHONE = (390, 1400)
PHONE_SCALE = 0.8

#: (file name, page from the site's root, window, scale, served over http)
SHOTS = (
    ("site-home-vi.png", "index.html", DESKTOP, SCALE, False),
    ("site-indicator-en.png", f"en/indicators/{INDICATOR}/index.html", (1280, 1400), SCALE,
     False),
    ("site-unit-vi.png", f"units/{UNIT}/index.html", SHORT, SCALE, False),
    ("site-search-vi.png", "search/?q=" + QUERY.replace(" ", "+"), (1280, 520), SCALE, True),
    ("site-unit-phone.png", f"units/{UNIT}/index.html", PHONE, PHONE_SCALE, False),
)


def build(directory: Path) -> None:
    """Write the Quảng Ninh example's site, in Vietnamese and English, to ``directory``."""
    import qnkpi
    from qnkpi.reporters.site import build_site

    summary = build_site(qnkpi.evaluate(qnkpi.load_spec(SPEC)), directory)
    print(f"{summary.pages} pages, {summary.bytes / 1e6:.1f} MB in {directory}")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over http on 127.0.0.1 while in the block; yields its address."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def screenshot_url(url: str, png: Path, size: tuple[int, int], scale: float) -> Path:
    """Photograph ``url`` as :func:`screenshot_html.screenshot` photographs a file, after
    the page's scripts ran (a virtual-time budget lets them finish)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}",
                        f"--window-size={size[0]},{size[1]}",
                        f"--force-device-scale-factor={scale}",
                        "--virtual-time-budget=3000", f"--screenshot={png}", url],
                       capture_output=True, text=True, timeout=120, check=True)
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot {png}")
    return png


def main(argv: list[str] | None = None) -> int:
    """Build the site and write the ``site-*.png`` photographs into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the site here and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    chromium()  # exits with a hint before building anything when it is missing
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="qnkpi-site-shots-")
    try:
        site = args.keep or Path(tmp) / "site"
        build(site)
        with serve(site) as address:
            for name, page, size, scale, over_http in SHOTS:
                png = args.out / name
                png.unlink(missing_ok=True)
                if over_http:
                    screenshot_url(address + page, png, size, scale)
                else:
                    screenshot(site / page, png, size, scale)
                print(f"{png} ({png.stat().st_size // 1024} KB)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
