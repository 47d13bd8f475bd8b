"""The JSON Schemas generated from the spec models (qnkpi.spec.schema, ``qnkpi schema``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml

from qnkpi.cli import main
from qnkpi.kinds.base import IndicatorKind, IndicatorPanel, Input, KindContext
from qnkpi.plugin.markers import hookimpl
from qnkpi.spec.models import Name
from qnkpi.spec.schema import SCHEMA_DIALECT, org_units_schema, spec_schema
from qnkpi.testing import plugins_with

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "qnkpi" / "examples" / "quang-ninh"
PLUGINS = plugins_with()


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} in JSON")


def _example(inline_org_units: bool) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLE / "programme.yaml").read_text(encoding="utf-8"))
    if inline_org_units:
        data["org_units"] = yaml.safe_load(
            (EXAMPLE / "org-units.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # as a JSON-based validator (an editor's YAML language server) sees it: YAML 1.2 has
    # no dates, so valid_from: 2025-07-01 is the text "2025-07-01"
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def _union(schema: dict[str, Any], prop: str) -> dict[str, Any]:
    """The discriminated union that the values of the mapping ``prop`` take."""
    [member] = schema["properties"][prop]["patternProperties"].values()
    assert isinstance(member, dict)
    return member


def test_the_spec_schema_has_a_dialect_and_the_top_level_keys() -> None:
    schema = spec_schema(PLUGINS)
    assert schema["$schema"] == SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"qnkpi", "programme", "org_units", "sources",
                                         "measures", "indicators", "validation",
                                         "objectives"}
    assert sorted(schema["required"]) == ["org_units", "programme", "qnkpi"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["qnkpi"]["const"] == 1


def test_the_spec_schema_keeps_its_own_title() -> None:
    assert spec_schema(PLUGINS)["title"] == "qnkpi spec, format 1"
    assert org_units_schema()["title"] == "qnkpi org units"


def test_org_units_may_be_a_file_name_or_the_units() -> None:
    schema = spec_schema(PLUGINS)
    choices = schema["properties"]["org_units"]["anyOf"]
    assert any(c.get("type") == "string" for c in choices)
    [inline] = [c for c in choices if "$ref" in c]
    name = inline["$ref"].rsplit("/", 1)[1]
    assert set(schema["$defs"][name]["required"]) == {"levels", "units"}


def test_indicator_kinds_are_a_discriminated_union() -> None:
    union = _union(spec_schema(PLUGINS), "indicators")
    assert union["discriminator"]["propertyName"] == "kind"
    assert set(union["discriminator"]["mapping"]) == {"value", "ratio", "share_of_units", "sum"}
    assert len(union["oneOf"]) == 4


def test_source_types_are_a_discriminated_union() -> None:
    union = _union(spec_schema(PLUGINS), "sources")
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == {"inline", "csv", "sqlite", "xlsx", "frame"}


def test_the_schema_is_plain_json() -> None:
    schema = spec_schema(PLUGINS)
    text = json.dumps(schema, allow_nan=False)
    assert json.loads(text, parse_constant=_no_constants) == schema


class DoubleIndicator(IndicatorKind):
    """A plugin's kind: twice a measure."""

    kind: Literal["double"]
    measure: Name

    def inputs(self) -> list[Input]:
        return [Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        return IndicatorPanel(ctx.rolled(self.measure) * 2)


class DoublePlugin:
    @hookimpl
    def register_indicator_kinds(self, register: Callable[[type[Any]], None]) -> None:
        register(DoubleIndicator)


def test_kinds_that_plugins_register_are_in_the_schema() -> None:
    union = _union(spec_schema(plugins_with(DoublePlugin())), "indicators")
    assert set(union["discriminator"]["mapping"]) == {"value", "ratio", "share_of_units", "sum",
                                                      "double"}


def test_the_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    printed = json.loads(out, parse_constant=_no_constants)
    assert printed == json.loads(json.dumps(spec_schema()))


def test_the_schema_command_prints_the_org_units_schema(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--org-units"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"] == SCHEMA_DIALECT
    assert set(printed["properties"]) == {"levels", "level_titles", "reference_day", "units"}


# --- validating with jsonschema --------------------------------------------------------------


def _validator(schema: dict[str, Any]) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_validation_rules_are_in_the_schema() -> None:
    schema = spec_schema(PLUGINS)
    assert schema["properties"]["validation"] == {
        "default": [], "items": {"$ref": "#/$defs/ValidationRule"}, "title": "Validation",
        "type": "array"}
    rule = schema["$defs"]["ValidationRule"]
    assert rule["required"] == ["rule"] and rule["additionalProperties"] is False
    assert rule["properties"]["severity"]["enum"] == ["error", "warning"]
    assert rule["properties"]["severity"]["default"] == "error"
    assert rule["properties"]["rule"]["maxLength"] == 500


def test_the_example_is_valid_against_the_schema() -> None:
    validator = _validator(spec_schema(PLUGINS))
    for inline in (False, True):
        errors = [f"{list(e.absolute_path)}: {e.message}"
                  for e in validator.iter_errors(_example(inline))]
        assert errors == []


def test_the_example_org_units_are_valid_against_their_schema() -> None:
    validator = _validator(org_units_schema())
    assert list(validator.iter_errors(_example(True)["org_units"])) == []


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d.update(qnkpi=2), ["qnkpi"]),
    (lambda d: d["indicators"]["children_youth_reached_pct"].update(kind="ratoi"),
     ["indicators", "children_youth_reached_pct"]),
    (lambda d: d["indicators"]["children_youth_reached_pct"].update(directon="increase"),
     ["indicators", "children_youth_reached_pct"]),
    (lambda d: d["sources"]["reports"].pop("path"), ["sources", "reports"]),
    (lambda d: d["org_units"]["units"][1].update(code=193), ["org_units"]),
    (lambda d: d["validation"][0].update(severity="fatal"), ["validation", 0, "severity"]),
    (lambda d: d["validation"][1].update(sevrity="warning"), ["validation", 1]),
    (lambda d: d["validation"][2].pop("rule"), ["validation", 2]),
    (lambda d: d.update(validation={"rule": "a >= 0"}), ["validation"]),
])
def test_broken_specs_are_invalid_against_the_schema(edit: Callable[[dict[str, Any]], Any],
                                                     where: list[str]) -> None:
    validator = _validator(spec_schema(PLUGINS))
    data = _example(True)
    edit(data)
    errors = list(validator.iter_errors(data))
    assert errors
    assert any(list(e.absolute_path)[:len(where)] == where for e in errors), errors
