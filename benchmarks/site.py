"""The reporting site at national scale: `qnkpi site` on the engine benchmark's programme.

Builds (or reuses, with ``--workdir``) the synthetic national programme of
``benchmarks/engine.py`` (5,000 units by default: the country, 60 provinces and 4,939
communes; 20 indicators, 2023-2030), then, ``--repeat`` times and interleaved:

* ``qnkpi site programme.yaml -o site --lang vi,en --quiet`` as a subprocess, timed as a
  whole process (interpreter start, spec, evaluation and site), with its peak memory;
* the same in this process through the API, split into *load spec*
  (``qnkpi.load_spec``), *evaluate* (``qnkpi.evaluate``) and *site*
  (``qnkpi.reporters.site.build_site``).

It prints the units, indicators, pages, files and the site's size (pages, downloads and
assets apart), the minimum and the median of each time, pages per second (pages over the
whole command's wall time, and over ``build_site``'s alone) and the command's peak
resident memory.

    .venv/bin/python benchmarks/site.py                          # full scale, 3 repeats
    .venv/bin/python benchmarks/site.py --units 300 --repeat 1   # smoke run, seconds
    .venv/bin/python benchmarks/site.py --workdir /tmp/sitebench # keep (and reuse) the data

Exit status: 0 when every build wrote the same pages, 1 when ``--goal`` pages per second
(of the whole command, best run) is given and missed, 2 when two builds disagree.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

# benchmarks/ is on the path of a script run from it
from _common import compile_bytecode, in_workdir, measured

from engine import generate


def stats(values: list[float], unit: str = "s", width: int = 8, digits: int = 2) -> str:
    return (f"{min(values):{width}.{digits}f} {unit} "
            f"{statistics.median(values):{width}.{digits}f} {unit}")


def folder_sizes(site: Path) -> dict[str, tuple[int, int]]:
    """(files, bytes) of the site's pages (``index.html``), downloads and the rest."""
    sizes = {"pages": [0, 0], "downloads": [0, 0], "assets and other": [0, 0]}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        kind = ("pages" if path.name == "index.html"
                else "downloads" if "downloads" in path.relative_to(site).parts
                else "assets and other")
        sizes[kind][0] += 1
        sizes[kind][1] += path.stat().st_size
    return {kind: (n, size) for kind, (n, size) in sizes.items()}


def pages_of(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("index.html")}


def in_process(workdir: Path, langs: list[str]) -> dict[str, float | int]:
    """One build through the API: the times of its parts, what build_site wrote, the
    number of indicators and of units on each level (``level:<name>``)."""
    import qnkpi
    from qnkpi.reporters.site import build_site

    plugins = qnkpi.get_plugins()  # built before the clock starts, as the CLI's would be
    t0 = time.perf_counter()
    spec = qnkpi.load_spec(workdir / "programme.yaml", plugins=plugins)
    t1 = time.perf_counter()
    result = qnkpi.evaluate(spec, plugins=plugins)
    t2 = time.perf_counter()
    summary = build_site(result, workdir / "site-api", langs=langs)
    t3 = time.perf_counter()
    levels = Counter(result.tree.levels[i] for i in result.tree.level_of.tolist())
    return {"load spec": t1 - t0, "evaluate": t2 - t1, "site": t3 - t2, "total": t3 - t0,
            "pages": summary.pages, "files": summary.files, "bytes": summary.bytes,
            "indicators": len(result.indicators),
            **{f"level:{name}": n for name, n in levels.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--units", type=int, default=5000,
                        help="org units in all (default: 5000; at least 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default: 3)")
    parser.add_argument("--lang", default="vi,en",
                        help="the site's languages, as for qnkpi site (default: vi,en)")
    parser.add_argument("--goal", type=float,
                        help="the fewest acceptable pages per second of the whole command "
                             "(best run); without it, no goal")
    parser.add_argument("--workdir", type=Path,
                        help="keep the data and the sites here and reuse the data "
                             "(default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.units < 10 or args.repeat < 1:
        parser.error("--units must be at least 10 and --repeat at least 1")
    return in_workdir(args.workdir, "qnkpi-site-", lambda workdir: run(args, workdir))


def run(args: argparse.Namespace, workdir: Path) -> int:
    import jinja2

    import qnkpi

    print(f"Python {platform.python_version()}, qnkpi {qnkpi.__version__}, "
          f"Jinja2 {jinja2.__version__}, {os.cpu_count()} CPUs, {platform.machine()}")
    generate(workdir, args.units)
    compile_bytecode("qnkpi")
    qnkpi.get_plugins()  # imports and plugin discovery: in the subprocess times, not in parts
    langs = [lang.strip() for lang in args.lang.split(",") if lang.strip()]

    bindir = Path(sys.executable).parent
    qnkpi_exe = shutil.which("qnkpi", path=str(bindir)) or shutil.which("qnkpi") or "qnkpi"
    command = [qnkpi_exe, "site", "programme.yaml", "-o", "site", "--lang", ",".join(langs),
               "--quiet"]
    walls: list[float] = []
    peaks: list[float] = []
    parts: list[dict[str, float | int]] = []
    for n in range(args.repeat):
        wall, peak = measured(command, workdir)  # replaces the site it wrote before
        walls.append(wall)
        peaks.append(peak)
        parts.append(in_process(workdir, langs))
        print(f"run {n + 1}/{args.repeat}: qnkpi site {wall:.2f} s ({peak:.0f} MiB), "
              f"in process {parts[-1]['total']:.2f} s (site {parts[-1]['site']:.2f} s)")

    site, api = workdir / "site", workdir / "site-api"
    pages = pages_of(site)
    if pages != pages_of(api) or len({p["pages"] for p in parts}) != 1:
        print(f"the builds DISAGREE: {len(pages):,} pages from the command, "
              f"{len(pages_of(api)):,} through the API")
        return 2
    levels = {key.removeprefix("level:"): int(n) for key, n in parts[0].items()
              if key.startswith("level:")}
    indicators = int(parts[0]["indicators"])
    sizes = folder_sizes(site)
    total = sum(size for _, size in sizes.values())
    count = len(pages)
    print()
    print(f"{args.units:,} units (" + ", ".join(f"{n:,} {lv}" for lv, n in levels.items())
          + f"), {indicators} indicators, languages {', '.join(langs)}")
    print(f"{count:,} pages, {sum(n for n, _ in sizes.values()):,} files, "
          f"{total / 1e6:.1f} MB: " + ", ".join(
              f"{kind} {size / 1e6:.1f} MB ({n:,} files)" for kind, (n, size) in sizes.items()))
    print(f"largest page {max(p.stat().st_size for p in site.rglob('index.html')) / 1e6:.1f} MB")
    print()
    width = 34
    print(f"{'':{width}}{'min':>10} {'median':>10}")
    print(f"{'qnkpi site (subprocess)':{width}}{stats(walls)}")
    print(f"{'pages per second (whole command)':{width}}{count / min(walls):10.0f}   "
          f"{count / statistics.median(walls):10.0f}")
    print(f"{'peak memory qnkpi site':{width}}{stats(peaks, 'MiB', 6, 0)}")
    print("in process (imports excluded):")
    for part in ("load spec", "evaluate", "site", "total"):
        print(f"{'  ' + part:{width}}{stats([float(p[part]) for p in parts])}")
    sites = [float(p["site"]) for p in parts]
    print(f"{'  pages per second (build_site)':{width}}{count / min(sites):10.0f}   "
          f"{count / statistics.median(sites):10.0f}")
    if args.goal is not None:
        best = count / min(walls)
        verdict = "met" if best >= args.goal else "MISSED"
        print(f"goal >= {args.goal:g} pages per second (best run, whole command): {verdict}")
        return 0 if best >= args.goal else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
