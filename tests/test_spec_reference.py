"""The spec reference cannot drift from the models.

Every key table in docs/spec-format.md (and on the pages of the first-party source
plugins) lists exactly the keys its pydantic model accepts: a field added to a model
without a row, or a row left behind after a field is renamed, fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel

from qnkpi.plugin.manager import get_plugins
from qnkpi.sources.base import TabularSource
from qnkpi.spec import models, tree
from qnkpi.spec.spec import Spec

DOCS = Path(__file__).resolve().parent.parent / "docs"


def key_tables(page: Path) -> dict[str, set[str]]:
    """Map each heading of `page` to the keys of the first `| key | ...` table under it."""
    tables: dict[str, set[str]] = {}
    heading, in_table, in_code = "", False, False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        if line.startswith("#"):
            heading, in_table = line.lstrip("#").strip(), False
        elif re.match(r"\|\s*key\s*\|", line) and heading not in tables:
            tables[heading], in_table = set(), True
        elif in_table and line.startswith("|"):
            first = line.split("|")[1]
            tables[heading] |= set(re.findall(r"`([a-z_]+)`", first))
        else:
            in_table = False
    return tables


def fields(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def own_fields(kind: type[BaseModel]) -> set[str]:
    """A kind's own keys, plus the common keys whose default it changes."""
    common = models.IndicatorSpec.model_fields
    changed = {name for name, field in kind.model_fields.items()
               if name in common and field.default != common[name].default}
    return (fields(kind) - fields(models.IndicatorSpec)) | changed


PLUGINS = get_plugins()
SOURCES, KINDS = PLUGINS.source_types, PLUGINS.indicator_kinds

# (page, heading, the keys the models accept)
SECTIONS: list[tuple[str, str, Callable[[], set[str]]]] = [
    ("spec-format.md", "The spec", lambda: fields(Spec)),
    ("spec-format.md", "Programme", lambda: fields(models.Programme)),
    ("spec-format.md", "Period", lambda: fields(models.Period)),
    ("spec-format.md", "Assessment", lambda: fields(models.AssessmentSpec)),
    ("spec-format.md", "Cut-offs", lambda: fields(models.Cutoffs)),
    ("spec-format.md", "Report header", lambda: fields(models.ReportHeader)),
    ("spec-format.md", "Objectives", lambda: fields(models.Objective)),
    ("spec-format.md", "Org units", lambda: fields(tree.OrgUnitsSpec)),
    ("spec-format.md", "Level", lambda: fields(tree.Level)),
    ("spec-format.md", "Unit", lambda: fields(tree.UnitSpec)),
    ("spec-format.md", "Predecessor", lambda: fields(tree.Predecessor)),
    ("spec-format.md", "Sources", lambda: fields(TabularSource)),
    *[("spec-format.md", f"`{name}`", lambda name=name: fields(SOURCES[name]))
      for name in ("inline", "csv", "sqlite", "xlsx", "frame")],
    ("spec-format.md", "Measures", lambda: fields(models.MeasureSpec)),
    ("spec-format.md", "Keys of every indicator", lambda: fields(models.IndicatorSpec)),
    *[("spec-format.md", f"`{name}`", lambda name=name: own_fields(KINDS[name]))
      for name in ("value", "ratio", "share_of_units", "sum")],
    ("spec-format.md", "Targets", lambda: fields(models.Target)),
    ("spec-format.md", "Milestones", lambda: fields(models.Milestone)),
    ("spec-format.md", "Validation rules", lambda: fields(models.ValidationRule)),
    ("source-duckdb.md", "The `duckdb` source (plugin `qnkpi-duckdb`)",
     lambda: fields(SOURCES["duckdb"])),
    ("source-sql.md", "Keys", lambda: fields(SOURCES["sql"])),
    ("source-spark.md", "Keys", lambda: fields(SOURCES["spark"])),
    # the tutorial's plugin, qnkpi-example
    ("plugin-tutorial.md", "`reporting_rate`", lambda: own_fields(KINDS["reporting_rate"])),
    ("plugin-tutorial.md", "`change`", lambda: own_fields(KINDS["change"])),
    ("plugin-tutorial.md", "`jsonl`", lambda: fields(SOURCES["jsonl"])),
]


@pytest.mark.parametrize(("page", "heading", "expected"), SECTIONS,
                         ids=[f"{p}:{h}" for p, h, _ in SECTIONS])
def test_key_table_lists_exactly_the_models_keys(
        page: str, heading: str, expected: Callable[[], set[str]]) -> None:
    tables = key_tables(DOCS / page)
    assert heading in tables, f"{page}: no key table under '{heading}'"
    documented, accepted = tables[heading], expected()
    assert documented == accepted, (
        f"{page}, '{heading}': undocumented keys {sorted(accepted - documented)}, "
        f"documented keys the model does not accept {sorted(documented - accepted)}")


def test_every_built_in_source_type_and_kind_has_a_section() -> None:
    """A built-in type added without a reference section fails here. (Plugins' types are
    documented on their own pages; the plugins directory lists them, see
    test_plugins_directory.py.)"""
    covered = {h.strip("`") for p, h, _ in SECTIONS if p == "spec-format.md"}
    built_in = {name for name, cls in {**SOURCES, **KINDS}.items()
                if cls.__module__.split(".")[0] == "qnkpi"}
    assert {"csv", "value"} <= built_in
    assert built_in - covered == set()


def test_the_table_reader_sees_a_missing_row(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("## Period\n\n| key | type |\n| --- | --- |\n| `start` | integer |\n\n"
                    "```yaml\n# a comment, not a heading\n```\n", encoding="utf-8")
    assert key_tables(page) == {"Period": {"start"}}
    assert key_tables(page)["Period"] != fields(models.Period)
