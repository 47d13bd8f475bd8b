"""Outputs and the environment, with the real `qnkpi` command in a subprocess.

- A report never replaces an input: `-o` onto the spec, the org-units file, a data file
  (directly, through a symbolic link, through a hard link, one a glob matches, one inside
  a data folder) is refused with exit code 2 before any work, naming both roles, and
  every input is unchanged; `template -o` and `demo -o` likewise.
- An output encoding that cannot write Vietnamese (`LC_ALL=C` without UTF-8 mode,
  `PYTHONIOENCODING=latin-1`) still gives exit code 0 or 2, never 70.
- SIGTERM while a large report is written leaves no temporary file, and exits 143;
  temporary files earlier runs left behind are removed by the rule of
  `qnkpi.cli._output.remove_stale`.
- `qnkpi org-units PROVIDER KEY=VALUE` with a value that is not YAML is exit 2.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hardening_helpers import assert_clean_failure, environment, fingerprint

from qnkpi.cli._output import STALE_SECONDS, remove_stale
from qnkpi.testing import tiny_programme

CORPUS_BASE = Path(__file__).resolve().parents[1] / "corpus" / "_base"
QNKPI = Path(sys.executable).with_name("qnkpi")  # the installed console script


def qnkpi(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
          timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(QNKPI), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env or environment(), timeout=timeout)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A copy of the corpus base: programme.yaml, org-units.yaml, data/reports.csv."""
    folder = tmp_path / "base"
    shutil.copytree(CORPUS_BASE, folder)
    return folder


# -- a report never replaces an input ---------------------------------------------------

@pytest.mark.parametrize(("output", "role"), [
    ("data/reports.csv", "is the data file of source 'reports'"),
    ("./data/../data/reports.csv", "is the data file of source 'reports'"),
    ("programme.yaml", "is the spec"),
    ("org-units.yaml", "is the org-units file of the spec"),
    ("link.csv", "is the data file of source 'reports' (the same file as "),
    ("hard.csv", "is the data file of source 'reports' (the same file as "),
    ("spec-link.yaml", "is the spec (the same file as "),
])
def test_evaluate_never_writes_over_an_input(base: Path, output: str, role: str) -> None:
    (base / "link.csv").symlink_to("data/reports.csv")
    os.link(base / "data" / "reports.csv", base / "hard.csv")
    (base / "spec-link.yaml").symlink_to(base / "programme.yaml")
    before = fingerprint(base)
    done = qnkpi("evaluate", "programme.yaml", "-q", "-f", "csv", "-o", output, cwd=base)
    assert_clean_failure(done, f"qnkpi: error: -o {output} {role}",
                         "write the report elsewhere")
    assert fingerprint(base) == before
    assert sorted(p.name for p in base.iterdir()) == sorted(
        ["data", "hard.csv", "link.csv", "org-units.yaml", "programme.yaml",
         "spec-link.yaml"])  # no temporary file either


def test_a_spec_read_through_a_link_is_protected_too(base: Path) -> None:
    (base / "spec-link.yaml").symlink_to("programme.yaml")
    done = qnkpi("evaluate", "spec-link.yaml", "-q", "-o", "programme.yaml", cwd=base)
    assert_clean_failure(done, "-o programme.yaml is the spec (the same file as "
                         "spec-link.yaml)")


def test_the_check_comes_before_the_work(base: Path) -> None:
    """Data that would fail evaluation: the output is refused first."""
    (base / "data" / "reports.csv").write_text("unit,year,youth,reached\n999,2023,1,1\n",
                                              encoding="utf-8")
    done = qnkpi("evaluate", "programme.yaml", "-q", "-o", "data/reports.csv", cwd=base)
    assert_clean_failure(done, "is the data file of source 'reports'")
    assert "999" not in done.stderr


def test_an_output_elsewhere_is_written(base: Path) -> None:
    done = qnkpi("evaluate", "programme.yaml", "-q", "-f", "csv", "-o", "data/report.csv",
                 cwd=base)
    assert done.returncode == 0, done.stderr
    assert (base / "data" / "report.csv").stat().st_size > 0


def _xlsx_form(base: Path, name: str) -> None:
    done = qnkpi("template", "programme.yaml", "--year", "2024", "-o", name, cwd=base)
    assert done.returncode == 0, done.stderr


def test_glob_and_folder_sources(base: Path) -> None:
    """A file an xlsx glob matches, and a file inside a spark source's data folder."""
    (base / "forms").mkdir()
    _xlsx_form(base, "forms/a.xlsx")
    spec = yaml.safe_load((base / "programme.yaml").read_text(encoding="utf-8"))
    spec["sources"] = {"reports": {"type": "xlsx", "path": "forms/*.xlsx", "unit": "unit",
                                   "year": "year"}}
    (base / "forms.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    before = fingerprint(base)
    done = qnkpi("evaluate", "forms.yaml", "-q", "-f", "xlsx", "-o", "forms/a.xlsx", cwd=base)
    assert_clean_failure(done, "-o forms/a.xlsx is a data file of source 'reports' (")
    done = qnkpi("template", "forms.yaml", "--year", "2024", "-o", "forms/a.xlsx", cwd=base)
    assert_clean_failure(done, "is a data file of source 'reports'", "write the form "
                         "elsewhere")
    assert fingerprint(base) == before

    pytest.importorskip("qnkpi_spark")
    spec["sources"] = {"reports": {"type": "spark", "path": "parts", "format": "csv",
                                   "unit": "unit", "year": "year"}}
    (base / "parts").mkdir()
    (base / "spark.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    done = qnkpi("evaluate", "spark.yaml", "-q", "-o", "parts/report.txt", cwd=base,
                 env=environment(autoload=True))
    assert_clean_failure(done, "-o parts/report.txt is inside ", "the data folder of "
                         "source 'reports'")


def test_sqlite_database(base: Path) -> None:
    import sqlite3

    with sqlite3.connect(base / "data.db") as conn:
        conn.execute("CREATE TABLE r (unit TEXT, year INTEGER, youth REAL, reached REAL)")
    conn.close()
    spec = yaml.safe_load((base / "programme.yaml").read_text(encoding="utf-8"))
    spec["sources"] = {"db": {"type": "sqlite", "path": "data.db", "table": "r",
                              "unit": "unit", "year": "year"}}
    spec["measures"] = {"youth": {"source": "db"}, "reached": {"source": "db"}}
    (base / "db.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                  encoding="utf-8")
    done = qnkpi("evaluate", "db.yaml", "-q", "-f", "json", "-o", "data.db", cwd=base)
    assert_clean_failure(done, "-o data.db is the data file of source 'db'")


def test_template_over_collected_data(base: Path) -> None:
    before = fingerprint(base)
    done = qnkpi("template", "programme.yaml", "--year", "2024", "-o", "data/reports.csv",
                 cwd=base)
    assert_clean_failure(done, "-o data/reports.csv is the data file of source 'reports'; "
                         "write the form elsewhere")
    assert fingerprint(base) == before


def _no_writes() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_demo_into_the_bundled_example_folder(tmp_path: Path) -> None:
    """`demo -o DIR` where DIR holds a file of the bundled spec's name is refused before
    the work; the example's own folder is never written to."""
    from qnkpi.cli.demo import _file_name
    from qnkpi.plugin.registry import get_plugins

    plugins = get_plugins()
    example = Path(plugins.specs["quang-ninh"].obj)
    spec = yaml.safe_load(example.read_text(encoding="utf-8"))
    data = next(Path(s["path"]) for s in spec["sources"].values() if "path" in s)
    # a folder where the demo's csv report would be a link to the example's data file
    out = tmp_path / "demo"
    out.mkdir()
    name = _file_name(plugins, "quang-ninh", "csv", plugins.reporters["csv"].suffix)
    (out / name).symlink_to(example.parent / data)
    before = fingerprint(example.parent)
    # no file can grow in the child: without the check, the bundled data stay unharmed
    done = subprocess.run([str(QNKPI), "demo", "-o", str(out)], capture_output=True,
                          text=True, cwd=tmp_path, env=environment(), timeout=180,
                          preexec_fn=_no_writes)
    assert_clean_failure(done, f"{name} is the data file of source", "write the reports "
                         "elsewhere")
    assert fingerprint(example.parent) == before
    assert done.stdout == ""  # nothing was evaluated


# -- the environment ----------------------------------------------------------------------

NO_UTF8 = {"C locale": {"LC_ALL": "C", "PYTHONUTF8": "0"},
           "latin-1": {"PYTHONIOENCODING": "latin-1"},
           "ascii, strict": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}}


@pytest.mark.parametrize("setting", list(NO_UTF8))
@pytest.mark.parametrize("command", [
    ("evaluate", "programme.yaml", "-q", "--lang", "vi"),
    ("evaluate", "programme.yaml", "-q", "-f", "json"),
    ("validate", "programme.yaml"),
    ("demo", "-o", "demo", "--lang", "vi"),
])
def test_an_encoding_without_vietnamese_is_not_a_crash(base: Path, setting: str,
                                                       command: tuple[str, ...]) -> None:
    env = {k: v for k, v in environment().items()
           if k not in ("PYTHONIOENCODING", "PYTHONUTF8") and not k.startswith("LC_")}
    env.update(NO_UTF8[setting])
    done = subprocess.run([str(QNKPI), *command], capture_output=True, cwd=base, env=env,
                          timeout=180)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("latin-1")
    if command[-1] == "vi" and command[0] == "evaluate":
        assert "Ch\\u01b0\\u01a1ng tr" in out  # Chương trình: escaped, not lost


@pytest.mark.parametrize("setting", list(NO_UTF8))
def test_an_error_in_such_an_encoding_is_exit_2(base: Path, setting: str) -> None:
    (base / "org-units.yaml").write_text("levels: [tỉnh]\nunits: [{code: Hạ, level: x}]\n",
                                         encoding="utf-8")
    env = {k: v for k, v in environment().items()
           if k not in ("PYTHONIOENCODING", "PYTHONUTF8") and not k.startswith("LC_")}
    env.update(NO_UTF8[setting])
    done = subprocess.run([str(QNKPI), "evaluate", "programme.yaml", "-q"],
                          capture_output=True, cwd=base, env=env, timeout=180)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr


def _big_programme(folder: Path, units: int = 20_000) -> Path:
    """A spec whose json report is about 85 MB: long enough to write to be interrupted."""
    spec = tiny_programme(measures={"m": {"source": "s"}}, indicators={"m_value": {
        "kind": "value", "measure": "m", "direction": "increase",
        "targets": [{"years": [2023, 2030], "op": ">=", "value": 0, "level": "district"}]}})
    spec["org_units"] = {"levels": ["province", "district"], "units": [
        {"code": "P", "level": "province", "name": "Province"},
        *({"code": f"D{i}", "level": "district", "name": f"District {i}", "parent": "P"}
          for i in range(units))]}
    spec["sources"] = {"s": {"type": "csv", "path": "data.csv", "unit": "unit",
                             "year": "year"}}
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False),
                                      encoding="utf-8")
    lines = (f"D{i},{y},{i % 7}\n" for i in range(units) for y in range(2023, 2031))
    (folder / "data.csv").write_text("unit,year,m\n" + "".join(lines), encoding="utf-8")
    return folder / "spec.yaml"


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    _big_programme(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    previous = b'{"last": "month"}\n'
    (out / "report.json").write_bytes(previous)
    child = subprocess.Popen([str(QNKPI), "evaluate", tmp_path / "spec.yaml", "-q", "-f",
                              "json", "-o", out / "report.json"], stderr=subprocess.PIPE,
                             env=environment(), text=True)
    deadline = time.monotonic() + 170
    while child.poll() is None and time.monotonic() < deadline:
        if any(name.endswith(".tmp") for name in os.listdir(out)):
            break
        time.sleep(0.002)
    assert child.poll() is None, "the report was written before it could be interrupted"
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, err
    assert "qnkpi: SIGTERM: stopped writing the json report to" in err
    assert "Traceback" not in err
    assert os.listdir(out) == ["report.json"]
    assert (out / "report.json").read_bytes() == previous


def test_stale_temporary_files_are_removed_by_the_rule(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = int(finished.stdout)
    old = time.time() - STALE_SECONDS - 60
    names = {
        f".report.json.{dead}.abcdefgh.tmp": (old, True),  # killed long ago: removed
        ".report.json.abc_0123.tmp": (old, True),  # older name, no pid: removed
        f".report.json.{dead}.ijklmnop.tmp": (time.time(), False),  # too recent
        f".report.json.{os.getpid()}.qrstuvwx.tmp": (old, False),  # a running process
        f".other.json.{dead}.abcdefgh.tmp": (old, False),  # another report's
        f".report.json.{dead}.abcdefgh.tmp.keep": (old, False),  # not qnkpi's name
        "report.json.tmp": (old, False),
    }
    for name, (when, _) in names.items():
        (tmp_path / name).write_text("partial", encoding="utf-8")
        os.utime(tmp_path / name, (when, when))
    removed = remove_stale(report)
    assert sorted(p.name for p in removed) == sorted(n for n, (_, gone) in names.items()
                                                     if gone)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        n for n, (_, gone) in names.items() if not gone)


def test_a_run_removes_what_a_killed_run_left(base: Path) -> None:
    stale = base / f".report.csv.{2**22 + 7}.abcdefgh.tmp"  # above pid_max's default
    stale.write_text("partial", encoding="utf-8")
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    done = qnkpi("evaluate", "programme.yaml", "-q", "-f", "csv", "-o", "report.csv",
                 cwd=base)
    assert done.returncode == 0, done.stderr
    assert not stale.exists()
    assert not [p for p in base.iterdir() if p.name.endswith(".tmp")]


# -- errors are qnkpi's --------------------------------------------------------------------

@pytest.mark.parametrize("value", ["a: b: c", "[", "{", '"x', "!!python/object:x {}", "*a",
                                   "a\n---\nb"])
def test_an_option_that_is_not_yaml_is_exit_2(tmp_path: Path, value: str) -> None:
    pytest.importorskip("qnkpi_vn_units")
    done = qnkpi("org-units", "vn-units", f"province={value}", cwd=tmp_path,
                 env=environment(autoload=True))
    assert_clean_failure(done, "qnkpi: error: option 'province=", "is not valid YAML",
                         "write a text in quotes")


def test_the_spark_source_does_not_leak_pysparks_pandas_warning(base: Path) -> None:
    """PySpark 4 warns about pandas 3 on every run (FutureWarning); the plugin hides
    that one warning, and only it."""
    pytest.importorskip("qnkpi_spark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    spec = (base / "programme.yaml").read_text(encoding="utf-8")
    (base / "programme.yaml").write_text(spec.replace("{type: csv,", "{type: spark,"),
                                         encoding="utf-8")
    done = qnkpi("evaluate", "programme.yaml", "-q", cwd=base, env=environment(autoload=True),
                 timeout=300)
    assert done.returncode == 0, done.stderr
    assert "FutureWarning" not in done.stderr and "pandas" not in done.stderr
