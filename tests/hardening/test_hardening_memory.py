"""Big inputs in bounded memory: a real `qnkpi` process reading a CSV file of some
megabytes peaks at most `RATIO` times the file's size above the same process reading a
tiny file of the same shape (the interpreter and its imports), by either of the `csv`
source's paths: Arrow's (a clean file) and the strict one (a file with a quoted cell)."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hardening_helpers import environment, programme, run_measured, write_spec

#: The bound SECURITY.md states: peak memory above the base, in file sizes.
RATIO = 6
MB = 1_000_000
MEASURES = ("people", "amount", "households")


def records(folder: Path, size: int, *, quoted: bool) -> Path:
    """A record-level CSV file of about `size` bytes (a long unused `note` column, as
    exports have), and a spec summing its measures; the spec's path."""
    folder.mkdir()
    rnd = random.Random(18)
    units = ("P", "D1", "D2", "D3")
    lines = ["unit,year,people,amount,households,note\n"]
    written, i = 0, 0
    while written < size:
        note = f'"note {i}, quoted"' if quoted and i == 3 else f"record {i} of the export"
        line = (f"{units[i % 4]},{2023 + i % 5},{rnd.randint(1, 999)},"
                f"{rnd.random() * 1000:.2f},{i % 7},{note}\n")
        lines.append(line)
        written += len(line)
        i += 1
    (folder / "records.csv").write_text("".join(lines), encoding="utf-8")
    spec = programme({"rec": {"type": "csv", "path": "records.csv", "unit": "unit",
                              "year": "year"}},
                     {m: {"source": "rec", "aggregate": "sum"} for m in MEASURES})
    return write_spec(folder, spec)


def peak_mb(*args: str | Path) -> float:
    """The peak resident memory of `python -m qnkpi ARGS`, in MB; it must exit 0."""
    with tempfile.TemporaryDirectory() as scratch:
        errors = Path(scratch) / "stderr.txt"
        with errors.open("w") as stderr:
            code, peak = run_measured([sys.executable, "-m", "qnkpi", *map(str, args)],
                                      Path(scratch) / "measured.txt",
                                      stdout=subprocess.DEVNULL, stderr=stderr,
                                      env=environment())
        assert code == 0, errors.read_text(encoding="utf-8")
    return peak / MB


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
@pytest.mark.parametrize("quoted", [False, True], ids=["arrow-path", "strict-path"])
@pytest.mark.parametrize("command", ["validate", "evaluate"])
def test_a_big_csv_file_is_read_in_a_few_times_its_size(tmp_path: Path, quoted: bool,
                                                         command: str) -> None:
    tiny = records(tmp_path / "tiny", 2_000, quoted=quoted)
    big = records(tmp_path / "big", 8 * MB, quoted=quoted)
    size = (big.parent / "records.csv").stat().st_size / MB
    base = peak_mb(command, tiny)
    peak = peak_mb(command, big)
    assert peak - base <= RATIO * size, (
        f"{command} of a {size:.1f} MB file peaked at {peak:.0f} MB, {base:.0f} MB for a "
        f"tiny one: {(peak - base) / size:.1f} times the file's size, over {RATIO}")
