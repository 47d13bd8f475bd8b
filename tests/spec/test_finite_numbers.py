"""Non-numbers never reach a verdict: every numeric key of a spec refuses `.nan`, `"NaN"`,
`.inf`, `-.inf` and `1e400` (which reads as infinity) when the spec is loaded, naming the
key, its line and column; and unit codes with spaces around them are refused where they
are declared."""

from __future__ import annotations

import pytest

from qnkpi import parse_spec
from qnkpi.errors import Problem, SpecError
from qnkpi.spec.models import Model
from qnkpi.testing import plugins_with

PLUGINS = plugins_with()

#: Each non-number as written in YAML, and as the message quotes it.
BAD = [(".nan", ".nan"), ('"NaN"', "NaN"), (".inf", ".inf"), ("-.inf", "-.inf"),
       ("1e400", "1e400"), ("1.0e+400", "1.0e+400"), ('"inf"', "inf"),
       ('"-Infinity"', "-Infinity")]

SPEC = """\
qnkpi: 1
programme:
  id: tiny
  title: Tiny
  period: {{start: 2023, end: 2030}}
  assessment: {{cutoffs: {{on_track: {on_track}, at_risk: 0.6, off_track: 0}}}}
org_units:
  levels: [province, district]
  units:
    - {{code: "P", name: Province, level: province}}
    - {{code: "D1", name: District 1, level: district, parent: "P",
       predecessors: [{{code: "P", weight: {weight}}}]}}
sources:
  data: {{type: inline, data: {{x: {{P: {{2023: 1}}}}, y: {{P: {{2023: 2}}}}}}}}
measures:
  x: {{source: data}}
  y: {{source: data}}
indicators:
  r:
    kind: ratio
    numerator: x
    denominator: y
    factor: {factor}
    direction: increase
    min_coverage: {min_coverage}
    baseline: {{year: 2022, value: {baseline}}}
    assessment: {{cutoffs: {{on_track: 0.9, at_risk: {at_risk}, off_track: 0}}}}
    targets:
      - {{year: 2024, op: ">=", value: {value}}}
      - {{year: 2025, op: between, min: {min}, max: 90}}
      - {{year: 2026, op: between, min: 10, max: {max}}}
  trend:
    kind: value
    measure: x
    direction: increase
    assessment: {{limit: {limit}}}
  share:
    kind: share_of_units
    of: trend
    level: district
    rule: {{op: ">=", value: {rule_value}}}
    direction: increase
"""

#: Each numeric key of SPEC, with a valid value.
KEYS = {"on_track": "0.95", "weight": "0.5", "factor": "100", "min_coverage": "0.5",
        "baseline": "5", "at_risk": "0.6", "value": "50", "min": "10", "max": "90",
        "limit": "100", "rule_value": "1"}


def _where(key: str) -> tuple[int, int]:
    """The line and column of `key`'s value in the spec."""
    text = SPEC.format(**{k: f"<{k}>" for k in KEYS})
    index = text.index(f"<{key}>")
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


SHOWN = {"baseline": "value", "rule_value": "value"}  # the key's name in the file


def _spec(**bad: str) -> str:
    return SPEC.format(**{key: bad.get(key, good) for key, good in KEYS.items()})


def _problems(text: str) -> list[Problem]:
    with pytest.raises(SpecError) as info:
        parse_spec(text, file="spec.yaml", plugins=PLUGINS)
    return info.value.problems


def test_the_spec_with_finite_numbers_is_valid() -> None:
    parse_spec(_spec(), file="spec.yaml", plugins=PLUGINS)


@pytest.mark.parametrize("key", list(KEYS))
@pytest.mark.parametrize(("written", "quoted"), BAD)
def test_a_non_finite_number_is_refused_at_its_key(key: str, written: str, quoted: str) -> None:
    [problem] = _problems(_spec(**{key: written}))
    assert (problem.line, problem.column) == _where(key), problem
    assert problem.message == (f"'{SHOWN.get(key, key)}' must be a finite number, not "
                               f"'{quoted}'; write a number, such as 12.5")


def test_every_non_finite_number_is_reported_at_once() -> None:
    problems = _problems(_spec(**{key: ".nan" for key in KEYS}))
    assert sorted((p.line, p.column) for p in problems) == sorted(
        _where(key) for key in KEYS)


@pytest.mark.parametrize("key", ["start", "year"])
def test_a_year_of_infinity_is_refused(key: str) -> None:
    text = _spec().replace("start: 2023" if key == "start" else "year: 2024", f"{key}: .inf")
    [problem] = _problems(text)
    assert problem.message.startswith(f"'{key}' must be a finite number, not '.inf'")


def test_every_model_of_the_spec_refuses_non_finite_numbers() -> None:
    # the rule is on the base model, so it holds for every key of every model, a
    # plugin's too: no field can opt back in by accident
    assert Model.model_config.get("allow_inf_nan") is False

    class PluginOptions(Model):
        share: float

    for bad in (float("nan"), float("inf"), "NaN", "-inf"):
        with pytest.raises(ValueError, match="finite number"):
            PluginOptions(share=bad)


# --- codes ------------------------------------------------------------------------------------

UNITS = """\
qnkpi: 1
programme: {{id: tiny, title: Tiny, period: {{start: 2023, end: 2030}}}}
org_units:
  levels: [province, district]
  units:
    - {{code: {p}, name: Province, level: province}}
    - {{code: "D1", name: District 1, level: district, parent: {parent}}}
    - {{code: "D2", name: District 2, level: district, parent: "P", predecessors: [{pred}]}}
sources:
  data: {{type: inline, data: {{x: {{P: {{2023: 1}}}}}}}}
measures:
  x: {{source: data}}
indicators:
  v:
    kind: value
    measure: x
    direction: increase
    targets: [{{year: 2024, op: ">=", value: 1, units: [{unit}]}}]
"""


def _units(**bad: str) -> str:
    return UNITS.format(**{"p": '"P"', "parent": '"P"', "pred": '"D1"', "unit": '"P"', **bad})


def test_codes_without_spaces_are_valid() -> None:
    parse_spec(_units(), file="spec.yaml", plugins=PLUGINS)


@pytest.mark.parametrize(("key", "written"), [
    ("p", '" P"'), ("p", '"P "'), ("p", '"P\\t"'),
    ("p", '"\\u00a0P"'),  # a no-break space, as pasted from a spreadsheet
    ("parent", '" P"'), ("pred", '"D1 "'), ("unit", '" P"'),
])
def test_a_code_with_spaces_around_it_is_refused_where_it_is_written(key: str,
                                                                     written: str) -> None:
    text = _units(**{key: f"<{key}>"})
    index = text.index(f"<{key}>")
    where = (text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index))
    [problem] = _problems(_units(**{key: written}))
    assert (problem.line, problem.column) == where, problem
    assert "has spaces at its start or end; remove them" in problem.message


def test_the_message_shows_the_code_without_its_spaces() -> None:
    [problem, *_] = _problems(_units(p='" P"'))
    assert problem.message == ("the code ' P' has spaces at its start or end; remove them "
                               "('P'): codes are matched exactly")


