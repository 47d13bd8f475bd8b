"""Data validation rules: their syntax, and the problems a spec's rules get when it loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnkpi
from qnkpi.errors import Problem
from qnkpi.spec.rule_syntax import (
    BinaryOp,
    Comparison,
    MeasureRef,
    Negate,
    Number,
    RuleSyntaxError,
    parse_rule,
)

# --- the parser ------------------------------------------------------------------------------


def test_a_rule_is_two_sides_and_a_comparison() -> None:
    rule = parse_rule("youth_reached <= youth_population")
    assert rule == Comparison("youth_reached <= youth_population",
                              MeasureRef("youth_reached", 0), "<=",
                              MeasureRef("youth_population", 17), 14)
    assert (rule.left_text, rule.right_text) == ("youth_reached", "youth_population")


def test_arithmetic_binds_as_in_school() -> None:
    rule = parse_rule("a + b * 2 <= (c - 1) / -d")
    assert rule.left == BinaryOp("+", MeasureRef("a", 0),
                                 BinaryOp("*", MeasureRef("b", 4), Number(2.0, 8), 6), 2)
    assert rule.right == BinaryOp("/", BinaryOp("-", MeasureRef("c", 14), Number(1.0, 18), 16),
                                  Negate(MeasureRef("d", 24), 23), 21)
    assert (rule.left_text, rule.op, rule.right_text) == ("a + b * 2", "<=", "(c - 1) / -d")
    assert [m.name for m in rule.measures()] == ["a", "b", "c", "d"]


def test_minus_is_left_associative() -> None:
    rule = parse_rule("a - b - c == 0")
    assert rule.left == BinaryOp("-", BinaryOp("-", MeasureRef("a", 0), MeasureRef("b", 4), 2),
                                 MeasureRef("c", 8), 6)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_every_comparison(op: str) -> None:
    rule = parse_rule(f"activities {op} 0.5")
    assert (rule.op, rule.right) == (op, Number(0.5, 12 + len(op)))


def test_spaces_are_optional_and_a_name_used_twice_is_listed_twice() -> None:
    rule = parse_rule("a<=a*2")
    assert [(m.name, m.offset) for m in rule.measures()] == [("a", 0), ("a", 3)]


SYNTAX_ERRORS = [
    ("a = b", 2, "'=' is not a comparison; write '=='"),
    ("a =< b", 2, "'=<' is not a comparison; write '<='"),
    ("a => b", 2, "'=>' is not a comparison; write '>='"),
    ("a <> b", 2, "'<>' is not a comparison; write '!='"),
    ("a ≤ b", 2, "'≤' is not a comparison; write '<='"),
    ("a <= b <= c", 7, "a second comparison '<=': a rule compares two sides once; write one "
     "rule per comparison"),
    ("a >= 0 and b >= 0", 7, "'and': a rule is one comparison of two sides; write one rule "
     "per comparison"),
    ("a b <= c", 2, "expected a comparison (< <= > >= == !=), or + - * /, not 'b'"),
    ("a", 1, "the rule ends too soon: expected a comparison (< <= > >= == !=)"),
    ("a <=", 4, "the rule ends too soon: expected a measure name, a number or '('"),
    ("a + * b > 1", 4, "expected a measure name, a number or '(', not '*'"),
    ("(a <= b", 0, "'(' is not closed; add ')' before the comparison"),
    ("a <= (b + 1", 5, "'(' is not closed; add ')'"),
    ("a <= b)", 6, "')' closes nothing"),
    ("a <= b c", 7, "expected + - * / or the end of the rule, not 'c'"),
    ("   ", 0, "the rule is empty; write a comparison such as "
     "'youth_reached <= youth_population'"),
    ("a >= 1,200", 5, "'1,200' is not a number a rule can read: write digits with '.' for "
     "decimals, without separators or exponents (1200, 0.5)"),
    ("a >= 1e6", 5, "'1e6' is not a number a rule can read: write digits with '.' for "
     "decimals, without separators or exponents (1200, 0.5)"),
    ("a >= .5", 5, "'.5' is not a number a rule can read: write digits with '.' for "
     "decimals, without separators or exponents (1200, 0.5)"),
    ("a % b > 1", 2, "unexpected character '%'; a rule is made of measure names, numbers, "
     "+ - * / ( ) and one comparison: < <= > >= == !="),
    ("số <= 1", 1, "unexpected character 'ố'; a rule is made of measure names, numbers, "
     "+ - * / ( ) and one comparison: < <= > >= == !="),
    ("__import__('os') > 0", 11, "unexpected character '''; a rule is made of measure "
     "names, numbers, + - * / ( ) and one comparison: < <= > >= == !="),
    ("(" * 21 + "a" + ")" * 21 + " > 1", 20, "the rule nests more than 20 levels deep; "
     "simplify it"),
    ("-" * 21 + "a > 1", 20, "the rule nests more than 20 levels deep; simplify it"),
]


@pytest.mark.parametrize(("text", "offset", "message"), SYNTAX_ERRORS,
                         ids=[t for t, _, _ in SYNTAX_ERRORS])
def test_syntax_errors_say_what_and_where(text: str, offset: int, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(text)
    assert (caught.value.offset, caught.value.message) == (offset, message)
    assert str(caught.value) == message


def test_twenty_levels_of_nesting_are_fine() -> None:
    rule = parse_rule("(" * 20 + "a" + ")" * 20 + " > -" + "-" * 19 + "1")
    assert rule.measures() == [MeasureRef("a", 20)]


@given(st.text(alphabet=st.sampled_from(list("ab1.0 +-*/()<>=!_ \tx%é")), max_size=60))
def test_any_text_parses_or_fails_with_a_position_inside_it(text: str) -> None:
    try:
        rule = parse_rule(text)
    except RuleSyntaxError as exc:
        assert 0 <= exc.offset <= len(text)
        assert exc.message
    else:
        assert rule.op in ("<", "<=", ">", ">=", "==", "!=")
        assert text[rule.op_offset:].startswith(rule.op)


# --- rules in a spec -------------------------------------------------------------------------

SPEC = """\
qnkpi: 1
programme:
  id: rules
  title: {en: Rules}
  period: {start: 2023, end: 2024}
org_units:
  levels: [province]
  units:
    - {code: "10", name: Province, level: province}
sources:
  typed_in:
    type: inline
    data:
      youth: {"10": {2023: 100}}
      youth_reached: {"10": {2023: 60}}
measures:
  youth: {source: typed_in}
  youth_reached: {source: typed_in}
indicators:
  reached_pct:
    kind: ratio
    numerator: youth_reached
    denominator: youth
    direction: increase
validation:
"""


def _problems(rules: str, tmp_path: Path) -> list[Problem]:
    with pytest.raises(qnkpi.SpecError) as caught:
        qnkpi.parse_spec(SPEC + rules, file=tmp_path / "programme.yaml")
    return list(caught.value.problems)


def _where(problems: list[Problem]) -> list[tuple[int | None, int | None, str]]:
    return [(p.line, p.column, p.message) for p in problems]


def test_a_sound_rule_loads(tmp_path: Path) -> None:
    spec = qnkpi.parse_spec(SPEC + "  - rule: youth_reached <= youth\n"
                            "  - {rule: youth >= 0, severity: warning,"
                            " message: {en: Check it}}\n", file=tmp_path / "p.yaml")
    first, second = spec.validation
    assert (first.rule, first.severity, first.message) == ("youth_reached <= youth", "error",
                                                           None)
    assert (second.severity, second.message) == ("warning", qnkpi.Text(en="Check it"))
    assert second.comparison == parse_rule("youth >= 0")
    assert spec.warnings == ()


def test_no_validation_key_means_no_rules(tmp_path: Path) -> None:
    spec = qnkpi.parse_spec(SPEC.removesuffix("validation:\n"), file=tmp_path / "p.yaml")
    assert spec.validation == ()


def test_an_unknown_measure_is_pointed_at_inside_the_rule(tmp_path: Path) -> None:
    problems = _problems("  - rule: youth_reachd <= youth\n", tmp_path)
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'programme.yaml'}:26:11: unknown measure 'youth_reachd'; did you mean "
        "'youth_reached'?"]


def test_every_rule_and_every_name_is_reported_together(tmp_path: Path) -> None:
    problems = _problems(
        "  - rule: youth_reached <= yuoth + zzz\n"   # line 26: two unknown names
        "  - rule: youth = 2\n"                        # line 27: syntax
        "  - {rule: \"reached_pct <= 100\"}\n"         # line 28: quoted, an indicator
        "  - {rule: '1 < 2', severity: warning}\n"     # line 29: no measure
        "  - rule: youth >= 0\n", tmp_path)            # line 30: fine
    assert _where(problems) == [
        (26, 28, "unknown measure 'yuoth'; did you mean 'youth'?"),
        (26, 36, "unknown measure 'zzz'"),
        (27, 17, "'=' is not a comparison; write '=='"),
        (28, 13, "'reached_pct' is an indicator; a rule judges measures as the sources report "
                 "them (before roll-up): name the measures it is computed from"),
        (29, 13, "the rule names no measure: it compares numbers only, so it says nothing "
                 "about the data"),
    ]
    assert all(p.severity == "error" for p in problems)


def test_unicode_before_the_fault_counts_as_one_column_per_character(tmp_path: Path) -> None:
    problems = _problems("  - {message: {vi: Hạ Long}, rule: youth_reached >= yuoth}\n",
                         tmp_path)
    assert _where(problems) == [(26, 53, "unknown measure 'yuoth'; did you mean 'youth'?")]


def test_where_characters_cannot_be_counted_the_rule_itself_is_pointed_at(
        tmp_path: Path) -> None:
    problems = _problems(
        "  - rule: >-\n"                                   # 26: folded block scalar
        "      youth_reached <= yuoth\n"
        '  - rule: "youth \\u003e= yuoth"\n'               # 28: an escape shifts characters
        "  - rule: youth_reached\n"                        # 30: over two lines
        "      <= yuoth\n", tmp_path)
    assert _where(problems) == [
        (26, 11, "unknown measure 'yuoth'; did you mean 'youth'?"),
        (28, 11, "unknown measure 'yuoth'; did you mean 'youth'?"),
        (29, 11, "unknown measure 'yuoth'; did you mean 'youth'?"),
    ]


def test_the_shape_of_a_rule_is_checked_first(tmp_path: Path) -> None:
    problems = _problems(
        "  - {rule: youth >= 0, severity: fatal}\n"
        "  - {rule: youth >= 0, sevrity: warning}\n"
        "  - {severity: warning}\n"
        "  - {rule: ''}\n"
        f"  - rule: youth >= {'1' * 500}\n"
        "  - rule: yuoth >= 0\n", tmp_path)            # a reference: the second round
    assert _where(problems) == [
        (26, 34, "'severity': input should be 'error' or 'warning'"),
        (27, 24, "unknown key 'sevrity'; did you mean 'severity'?"),
        (28, 5, "missing required key 'rule'"),
        (29, 12, "'rule': string should have at least 1 character"),
        (30, 11, "'rule': string should have at most 500 characters"),
    ]


def test_validation_must_be_a_list_of_rules(tmp_path: Path) -> None:
    [problem] = _problems("  rule: youth >= 0\n", tmp_path)
    assert (problem.line, problem.column) == (26, 3)
    assert "'validation'" in problem.message and "list" in problem.message
