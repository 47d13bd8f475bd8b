"""JSON Schemas generated from the spec models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qnkpi.spec.spec import build_spec_model
from qnkpi.spec.tree import OrgUnitsSpec

if TYPE_CHECKING:
    from qnkpi.plugin.registry import Plugins

__all__ = ["org_units_schema", "spec_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def spec_schema(plugins: Plugins | None = None) -> dict[str, Any]:
    """The JSON Schema of a spec file, with the source types and indicator kinds that
    `plugins` register (default: a registry built for this call by `get_plugins()`, the
    built-ins and every installed plugin)."""
    from qnkpi.plugin.registry import get_plugins

    model = build_spec_model(plugins or get_plugins())
    schema = model.model_json_schema(mode="validation")
    props = schema["properties"]
    # a spec may name its org-units file instead of writing the units inline
    props["org_units"] = {"anyOf": [
        {"type": "string", "description": "path of an org-units file, relative to the spec"},
        {"type": "object", "required": ["provider"],
         "properties": {"provider": {"type": "string"}}, "additionalProperties": True,
         "description": "org units from a provider plugin: its name, then its options"},
        props["org_units"],
    ]}
    return {**schema, "$schema": SCHEMA_DIALECT, "title": "qnkpi spec, format 1"}


def org_units_schema() -> dict[str, Any]:
    """The JSON Schema of an org-units file."""
    return {**OrgUnitsSpec.model_json_schema(mode="validation"),
            "$schema": SCHEMA_DIALECT, "title": "qnkpi org units"}
