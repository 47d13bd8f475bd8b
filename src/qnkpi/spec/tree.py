"""The organisation in a spec: its levels, its units and their lineage, as frozen pydantic
models (the `org_units` key of a spec, or an org-units file, whose JSON Schema
`qnkpi schema --org-units` prints).

[`OrgTree`][qnkpi.orgunits.OrgTree] builds the tree of each year from these records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator, model_validator

from qnkpi.spec.models import Code, Model, Name, NfcText, Text

__all__ = ["Level", "OrgUnitsSpec", "Predecessor", "UnitSpec"]


class Predecessor(Model):
    """A unit this one was formed from: one link of a unit's lineage.

    A spec writes a code (`"203"`) or a mapping.

    Attributes:
        code: The earlier unit's code.
        weight: The share (above 0, at most 1) of the earlier unit that went into this
            one, or `None`.
    """

    code: Code
    weight: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _from_code(cls, data: Any) -> Any:
        return {"code": data} if isinstance(data, str) else data


class UnitSpec(Model):
    """One record of an organisational unit. Names are compared after NFC normalisation.

    A code may have several records, one per period of its life (a unit renamed), with
    validity dates that do not overlap.

    Attributes:
        code: The unit's code; data rows name units by it.
        name: The official name, shown in reports.
        name_en: The English name, or `None`.
        level: One of the org units' `levels`.
        parent: The parent's code (a unit of a higher level), or `None` for a top unit.
        valid_from: The first day the unit exists, or `None` (always).
        valid_to: The last day the unit exists, or `None` (always).
        predecessors: The units this one was formed from, used by the restated view.
    """

    code: Code
    name: NfcText
    name_en: NfcText | None = None
    level: str
    parent: Code | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    predecessors: tuple[Predecessor, ...] = ()

    @model_validator(mode="after")
    def _dates(self) -> UnitSpec:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        return self


class Level(Model):
    """A level of the organisation with its title, as `levels` may list it.

    Attributes:
        code: The level's name, which units' `level` and targets' `level` use.
        title: How reports name the level (`{vi: Cấp huyện, en: District level}`), or
            `None` for qnkpi's own words for the usual levels (`province`, `district`,
            `commune`...), else the code.
    """

    code: Name
    title: Text | None = None


class OrgUnitsSpec(Model):
    """The organisation: its levels, top to bottom, and its units.

    `levels` lists level names (`[province, district, commune]`) or levels with their
    titles (`[{code: district, title: {vi: Cấp huyện, en: District level}}]`), or a mix;
    the titles are kept in `level_titles` and `levels` holds the names.

    Attributes:
        levels: Level names from the top down, each once.
        level_titles: Level name -> how reports name it, for the levels `levels` gave a
            title.
        reference_day: The day of each year (`"MM-DD"`) on which a unit's validity is
            tested: a unit belongs to year Y's tree when this day of Y falls between its
            `valid_from` and `valid_to`.
        units: Every unit record, in the order reports list them.
    """

    levels: tuple[str, ...] = Field(min_length=1, json_schema_extra={"items": {"anyOf": [
        {"type": "string"},
        {"type": "object", "description": "a level with the title reports give it",
         "properties": {"code": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
                        "title": {"anyOf": [
                            {"type": "string"},
                            {"type": "object", "additionalProperties": False,
                             "properties": {"vi": {"type": "string"},
                                            "en": {"type": "string"}}}]}},
         "required": ["code"], "additionalProperties": False}]}})
    level_titles: dict[str, Text] = {}
    reference_day: str = Field(default="12-31", pattern=r"^\d\d-\d\d$")
    units: tuple[UnitSpec, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _titled_levels(cls, data: Any) -> Any:
        """Levels written with a title become a name in `levels` and an entry of
        `level_titles`."""
        levels = data.get("levels") if isinstance(data, dict) else None
        if not isinstance(levels, (list, tuple)) or not any(
                isinstance(x, dict) for x in levels):
            return data
        names: list[Any] = []
        titles = dict(data.get("level_titles") or {})
        for item in levels:
            if isinstance(item, dict):
                try:
                    level = Level.model_validate(item)
                except ValueError:
                    return data    # the field's own validation names the bad item
                names.append(level.code)
                if level.title is not None:
                    titles[level.code] = level.title
            else:
                names.append(item)
        return {**data, "levels": names, "level_titles": titles}

    @field_validator("reference_day")
    @classmethod
    def _real_day(cls, value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        try:
            dt.date(2001, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a day of the year (MM-DD)") from None
        return value
