"""The ``qnkpi`` command: exit codes, messages, and what each subcommand writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import pytest

import qnkpi
from qnkpi.cli import main
from qnkpi.plugin.registry import get_plugins

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "qnkpi" / "examples" / "quang-ninh"
SPEC = EXAMPLE / "programme.yaml"
TOP_KEYS = {"qnkpi", "programme", "as_of", "restated_to", "checks", "assessments", "violations",
            "summary"}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} in JSON")


def _json(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constants)


def _copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "quang-ninh"
    shutil.copytree(EXAMPLE, target)
    return target / "programme.yaml"


def _misspelt_copy(tmp_path: Path) -> tuple[Path, int]:
    """A copy of the example whose first indicator says ``directon``; and that line."""
    spec = _copy_example(tmp_path)
    text = spec.read_text(encoding="utf-8").replace("    direction: increase",
                                                   "    directon: increase", 1)
    spec.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "directon" in row)
    return spec, line


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- success ---------------------------------------------------------------------------------


def test_validate_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "validate", str(SPEC))
    assert code == 0
    assert out == (f"{SPEC}: valid. 14 indicators, 16 measures, 2 sources, 68 units; "
                   "205 checks through 2025.\n")
    assert err == ""


def test_evaluate_the_example_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "evaluate", str(SPEC))
    assert code == 0
    assert "Raising the digital capacity of Quảng Ninh youth, 2023-2030" in out
    assert "as of 2025" in out
    assert err == ""


def test_evaluate_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(SPEC), "--lang", "vi")
    assert code == 0
    assert "Nâng cao năng lực số cho thanh niên Quảng Ninh" in out


def test_evaluate_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "evaluate", str(SPEC), "--format", "json")
    assert (code, err) == (0, "")
    result = _json(out)
    assert set(result) == TOP_KEYS
    assert result["qnkpi"] == "result/1"
    assert result["programme"]["id"] == "qn-youth-digital-2023-2030"
    assert result["programme"]["period"] == {"start": 2023, "end": 2030}
    assert result["as_of"] == 2025
    checks = result["checks"]
    assert len(checks) == result["summary"]["checks"] == 205
    assert {c["year"] for c in checks} == {2023, 2024, 2025}
    statuses = {c["status"] for c in checks}
    assert statuses <= {"met", "not_met", "no_data"}
    assert sum(result["summary"][s] for s in statuses) == 205


def test_the_short_format_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(SPEC), "-f", "json")
    assert code == 0
    assert _json(out)["qnkpi"] == "result/1"


def test_output_to_a_file_prints_nothing(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    code, out, err = _run(capsys, "evaluate", str(SPEC), "--format", "json", "-o", str(report))
    assert (code, out, err) == (0, "", "")
    assert set(_json(report.read_text(encoding="utf-8"))) == TOP_KEYS
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_output_to_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "missing" / "report.json"
    code, out, err = _run(capsys, "evaluate", str(SPEC), "-o", str(report))
    assert (code, out) == (2, "")
    assert err == f"qnkpi: error: {report}: the folder {report.parent} does not exist\n"


def test_one_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(SPEC), "--year", "2024", "--format", "json")
    assert code == 0
    result = _json(out)
    assert result["as_of"] == 2024
    assert result["checks"]
    assert {c["year"] for c in result["checks"]} == {2024}


def test_one_unit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(SPEC), "--unit", "193", "--format", "json")
    assert code == 0
    checks = _json(out)["checks"]
    assert checks
    assert {c["unit"] for c in checks} == {"193"}
    assert {c["unit_name"] for c in checks} == {"Thành Đoàn Hạ Long"}


def test_several_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(SPEC), "--unit", "193", "--unit", "22",
                        "--format", "json")
    assert code == 0
    assert {c["unit"] for c in _json(out)["checks"]} == {"193", "22"}


def test_plugins_lists_the_built_ins(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "plugins")
    assert code == 0
    for plugin in ("qnkpi.default_plugins.sources", "qnkpi.default_plugins.kinds",
                   "qnkpi.default_plugins.reporters", "qnkpi.default_plugins.specs"):
        assert f"{plugin}  (built in)\n" in out
    assert "    source types: csv, frame, inline, sqlite, xlsx\n" in out
    assert "    indicator kinds: ratio, share_of_units, sum, value\n" in out
    assert ("    reporters: csv, csv-assessments, html, json, markdown, parquet, "
            "parquet-assessments, table, xlsx\n") in out
    assert "    specs: quang-ninh\n" in out


def test_plugins_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "plugins", "--json")
    assert code == 0
    described = {p["name"]: p for p in _json(out)}
    assert described["qnkpi.default_plugins.sources"]["registers"] == {
        "source types": ["csv", "frame", "inline", "sqlite", "xlsx"]}
    assert described["qnkpi.default_plugins.kinds"]["registers"] == {
        "indicator kinds": ["ratio", "share_of_units", "sum", "value"]}
    assert described["qnkpi.default_plugins.reporters"]["registers"] == {
        "reporters": ["csv", "csv-assessments", "html", "json", "markdown", "parquet",
                      "parquet-assessments", "table", "xlsx"]}
    assert all(described[name]["origin"] == "built in" for name in described
               if name.startswith("qnkpi.default_plugins."))


def test_demo_writes_every_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "reports"
    code, out, _ = _run(capsys, "demo", "-o", str(out_dir))
    assert code == 0
    json_report = out_dir / "quang-ninh-json.json"
    table_report = out_dir / "quang-ninh-table.txt"
    built_in = ["quang-ninh-table.txt", "quang-ninh-json.json", "quang-ninh-csv.csv",
                "quang-ninh-csv-assessments.csv", "quang-ninh-markdown.md",
                "quang-ninh-html.html", "quang-ninh-xlsx.xlsx", "quang-ninh-parquet.parquet",
                "quang-ninh-parquet-assessments.parquet"]
    # installed plugins' reporters (the test command installs qnkpi-example) come after
    plugins = get_plugins()  # what the command builds: the built-ins and what is installed
    owners = plugins.registrations["register_reporters"]
    installed = [f"quang-ninh-{name}{reporter.suffix}"
                 for name, reporter in plugins.reporters.items()
                 if owners[name].plugin != "qnkpi.default_plugins.reporters"]
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(built_in + installed)
    result = _json(json_report.read_text(encoding="utf-8"))
    assert result["qnkpi"] == "result/1" and result["as_of"] == 2025
    assert "Quảng Ninh" in table_report.read_text(encoding="utf-8")
    assert out.endswith(f"Reports in {out_dir}: " + ", ".join(built_in + installed) + "\n")


def test_demo_of_an_unknown_bundled_spec(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "demo", "-o", str(tmp_path), "--spec", "quang-nin")
    assert code == 2
    assert err == ("qnkpi: error: no bundled spec 'quang-nin'; did you mean 'quang-ninh'?; "
                   "bundled: quang-ninh\n")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert code == 0
    assert out == f"qnkpi {qnkpi.__version__}\n"
    assert qnkpi.__version__ == "0.2.0.dev0"


def test_no_command_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys)
    assert code == 0
    assert out.startswith("usage: qnkpi")
    for command in ("evaluate", "validate", "plugins", "schema", "demo"):
        assert command in out


# --- bad input: exit 2, a message, never a traceback -----------------------------------------


@pytest.mark.parametrize("command", ["evaluate", "validate"])
def test_a_misspelt_key(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        command: str) -> None:
    spec, line = _misspelt_copy(tmp_path)
    code, out, err = _run(capsys, command, str(spec))
    assert (code, out) == (2, "")
    assert err == (f"qnkpi: error: {spec}:{line}:5: unknown key 'directon'; "
                   "did you mean 'direction'?\n")
    assert "Traceback" not in err


def test_a_csv_cell_that_is_not_a_number(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    spec = _copy_example(tmp_path)
    csv_file = spec.parent / "data" / "unit-reports.csv"
    rows = csv_file.read_text(encoding="utf-8").splitlines(keepends=True)
    assert rows[2].startswith("194,2023,30240,")
    rows[2] = rows[2].replace("194,2023,30240,", "194,2023,3O240,")
    csv_file.write_text("".join(rows), encoding="utf-8")
    code, out, err = _run(capsys, "evaluate", str(spec))
    assert (code, out) == (2, "")
    assert err.startswith(f"qnkpi: error: source 'reports': {csv_file}, row 3: column "
                          "'youth_population': '3O240' is not a number")
    assert "Traceback" not in err


def test_a_missing_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = _run(capsys, "evaluate", str(missing))
    assert (code, out) == (2, "")
    assert err == f"qnkpi: error: {missing}: no such file; check the path\n"


def test_a_missing_spec_file_named_relatively(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "evaluate", "nope.yaml")
    assert (code, out) == (2, "")
    assert err == ("qnkpi: error: nope.yaml: no such file; check the path (a relative path "
                   f"starts at the working directory, {tmp_path})\n")


def test_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "evaluate", str(SPEC), "--format", "jsn")
    assert (code, out) == (2, "")
    formats = ", ".join(get_plugins().reporters)  # installed plugins' after the built-ins
    assert formats.startswith("table, json, csv, csv-assessments, markdown, html, xlsx, "
                              "parquet, parquet-assessments")
    assert err == f"qnkpi: error: unknown format 'jsn'; did you mean 'json'?; formats: {formats}\n"


def test_an_unknown_format_is_reported_before_reading_the_spec(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "evaluate", str(tmp_path / "nope.yaml"), "--format", "pdf")
    assert code == 2
    assert err.startswith("qnkpi: error: unknown format 'pdf'")


@pytest.mark.parametrize("argv", [
    ["evaluate"],
    ["bogus"],
    ["evaluate", str(SPEC), "--year", "twenty"],
    ["evaluate", str(SPEC), "--lang", "fr"],
    ["validate", str(SPEC), "--nope"],
])
def test_bad_arguments(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert "usage: qnkpi" in err
    assert "error: " in err


def test_a_year_outside_the_period(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "evaluate", str(SPEC), "--year", "1999")
    assert (code, out) == (2, "")
    assert err == "qnkpi: error: year 1999 is outside the programme's period 2023-2030\n"


def test_an_unknown_unit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "evaluate", str(SPEC), "--unit", "999")
    assert (code, out) == (2, "")
    assert err == "qnkpi: error: unit '999' is not in the org units; did you mean '199'?\n"


def _command() -> list[str]:
    main_module = Path(qnkpi.__file__).parent / "__main__.py"
    if main_module.exists():
        return [sys.executable, "-m", "qnkpi"]
    return [str(Path(sys.executable).parent / "qnkpi")]


def test_the_installed_command_exits_2_with_a_message(tmp_path: Path) -> None:
    spec, line = _misspelt_copy(tmp_path)
    run = subprocess.run([*_command(), "validate", str(spec)], capture_output=True,
                         text=True, encoding="utf-8", timeout=120, check=False)
    assert run.returncode == 2
    assert run.stdout == ""
    assert f"{spec}:{line}:5: unknown key 'directon'; did you mean 'direction'?" in run.stderr
    assert "Traceback" not in run.stderr


def test_explain_prints_each_sources_plan_and_reads_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _copy_example(tmp_path)
    (spec.parent / "data" / "unit-reports.csv").unlink()  # nothing is read
    code, out, err = _run(capsys, "evaluate", str(spec), "--explain")
    assert (code, err) == (0, "")
    assert out.startswith("-- source 'activities' (csv)\nread ")
    assert "-- source 'reports' (csv)\nread " in out and "unit-reports.csv (wide;" in out


def test_explain_from_python_names_a_failing_plugin() -> None:
    from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

    class Broken(qnkpi.TabularSource):
        type: Literal["broken"]

        def explain(self, request: qnkpi.FetchRequest) -> str:
            raise RuntimeError("no plan")

    class Plugin:
        __name__ = "acme-broken"

        @qnkpi.hookimpl
        def register_source_types(self, register: Any) -> None:
            register(Broken)

    plugins = plugins_with(Plugin())
    doc = tiny_programme(measures={"x": {"source": "b"}})
    doc["sources"] = {"b": {"type": "broken", "unit": "u", "year": "y"}}
    spec = spec_from_dict(doc, plugins=plugins)
    with pytest.raises(qnkpi.PluginError, match=r"acme-broken.*could not explain its work: "
                       r"RuntimeError: no plan"):
        qnkpi.explain(spec, plugins=plugins)


# --- the registry of a run -------------------------------------------------------------------


def test_one_registry_per_run_built_only_when_a_command_needs_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        fresh_plugins: qnkpi.Plugins) -> None:
    from qnkpi.plugin import registry

    built: list[dict[str, Any]] = []
    real = registry.get_plugins

    def counting(**options: Any) -> qnkpi.Plugins:
        built.append(options)
        return real(**options)

    monkeypatch.setattr(registry, "get_plugins", counting)
    for argv in (["--version"], ["--help"], [], ["evaluate", "--help"]):
        assert main(argv) == 0
    assert built == []  # no plugin is loaded to print help or the version
    assert main(["validate", str(SPEC)]) == 0  # the spec and evaluate share the run's one
    assert built == [{}]
    assert main(["plugins"]) == 0
    assert main(["schema"]) == 0
    assert len(built) == 3  # a registry per run: nothing is kept between runs
    assert main(["validate", str(SPEC)], plugins=fresh_plugins) == 0
    capsys.readouterr()
    assert main(["plugins", "--json"], plugins=fresh_plugins) == 0
    assert len(built) == 3  # the registry given is the one used
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed] == list(BUILTIN)


BUILTIN = ("qnkpi.default_plugins.sources", "qnkpi.default_plugins.kinds",
           "qnkpi.default_plugins.assessment", "qnkpi.default_plugins.reporters",
           "qnkpi.default_plugins.specs")


def test_a_bug_in_a_plugin_given_to_main_is_blamed_on_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The crash report reads the registry of the run, here the one given to main."""
    import yaml
    from pydantic import model_validator

    from qnkpi.testing import plugins_with, tiny_programme

    class Crashing(qnkpi.Source):
        type: Literal["crashing"]
        retries: int = 3

        @model_validator(mode="after")
        def _check(self) -> Crashing:
            return self.retries + "s"  # type: ignore[operator,no-any-return]

        def fetch(self, request: qnkpi.FetchRequest) -> dict[str, Any]:
            return {}

    class Plugin:
        __name__ = "crashy"

        @qnkpi.hookimpl
        def register_source_types(self, register: Any) -> None:
            register(Crashing)

    doc = tiny_programme(measures={"m": {"source": "data"}})
    doc["sources"] = {"data": {"type": "crashing"}}
    spec = tmp_path / "programme.yaml"
    spec.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    code, out, err = _run_with(capsys, plugins_with(Plugin()), "validate", str(spec))
    assert (code, out) == (70, "")
    assert err.startswith("qnkpi: internal error: TypeError: ")
    assert "\nThis is a bug in plugin 'crashy' (crashy), not in your spec or data." in err


def _run_with(capsys: pytest.CaptureFixture[str], plugins: qnkpi.Plugins,
              *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), plugins=plugins)
    out, err = capsys.readouterr()
    return code, out, err


_POOL_OF_THE_COMMAND = ("import qnkpi.cli as cli; cli.main = lambda: print("
                        "__import__('pyarrow').default_memory_pool().backend_name) or 0; "
                        "cli.run()")


@pytest.mark.parametrize(("chosen", "used"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_the_command_uses_the_system_allocator_for_arrow_unless_told(
        chosen: str | None, used: str) -> None:
    """The console script's process, not the library's: an importer keeps Arrow's default."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    done = subprocess.run([sys.executable, "-c", _POOL_OF_THE_COMMAND], env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == used
