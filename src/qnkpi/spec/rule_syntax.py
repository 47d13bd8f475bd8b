"""The syntax of data validation rules: a tiny parser, never `eval`.

A rule compares two sides, each a number, a measure name, or simple arithmetic on them:

```text
rule       := side COMPARISON side
side       := product (("+" | "-") product)*
product    := factor (("*" | "/") factor)*
factor     := "-" factor | NUMBER | NAME | "(" side ")"
COMPARISON := "<" | "<=" | ">" | ">=" | "==" | "!="
NUMBER     := digits, optionally "." and digits (52, 0.5; no exponent, no separators)
NAME       := a letter or "_", then letters, digits or "_"
```

[`parse_rule`][qnkpi.spec.rule_syntax.parse_rule] turns the text into a
[`Comparison`][qnkpi.spec.rule_syntax.Comparison] of plain frozen nodes, or raises
[`RuleSyntaxError`][qnkpi.spec.rule_syntax.RuleSyntaxError] with the offset of the
character at fault, so that the spec's loader can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NoReturn, Union

__all__ = [
    "COMPARISONS",
    "BinaryOp",
    "Comparison",
    "Expr",
    "MeasureRef",
    "Negate",
    "Number",
    "RuleSyntaxError",
    "measure_refs",
    "parse_rule",
]

COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
"""The comparisons a rule may use."""

MAX_DEPTH = 20
"""The deepest nesting of parentheses and minus signs a rule may have."""

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?![\w.,]))
  | (?P<name>[A-Za-z_]\w*)
  | (?P<cmp><=|>=|==|!=|<|>)
  | (?P<op>[-+*/()])
""", re.VERBOSE | re.ASCII)

_WRONG = {"=<": "<=", "=>": ">=", "<>": "!=", "=": "==", "≤": "<=", "≥": ">=", "≠": "!="}


class RuleSyntaxError(ValueError):
    """A rule that cannot be read.

    Attributes:
        message: What is wrong and how to write it.
        offset: The 0-based position, in the rule's text, of the character at fault.
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Number:
    """A number written in a rule.

    Attributes:
        value: The number.
        offset: Where it starts in the rule's text.
    """

    value: float
    offset: int


@dataclass(frozen=True)
class MeasureRef:
    """A measure named in a rule.

    Attributes:
        name: The measure's name.
        offset: Where the name starts in the rule's text.
    """

    name: str
    offset: int


@dataclass(frozen=True)
class Negate:
    """A minus sign before a term.

    Attributes:
        operand: The term negated.
        offset: Where the minus sign is in the rule's text.
    """

    operand: Expr
    offset: int


@dataclass(frozen=True)
class BinaryOp:
    """Arithmetic on two terms.

    Attributes:
        op: `+`, `-`, `*` or `/`.
        left: The left term.
        right: The right term.
        offset: Where the operator is in the rule's text.
    """

    op: str
    left: Expr
    right: Expr
    offset: int


Expr = Union[Number, MeasureRef, Negate, BinaryOp]  # noqa: UP007
"""A side of a rule, or a part of one."""


@dataclass(frozen=True)
class Comparison:
    """A parsed rule: two sides and the comparison between them.

    Attributes:
        text: The rule as written.
        left: The left side.
        op: The comparison: `<`, `<=`, `>`, `>=`, `==` or `!=`.
        right: The right side.
        op_offset: Where the comparison is in `text`.
    """

    text: str
    left: Expr
    op: str
    right: Expr
    op_offset: int

    @property
    def left_text(self) -> str:
        """The left side as written."""
        return self.text[:self.op_offset].strip()

    @property
    def right_text(self) -> str:
        """The right side as written."""
        return self.text[self.op_offset + len(self.op):].strip()

    def measures(self) -> list[MeasureRef]:
        """The measures the rule names, in the order written (a name used twice is
        listed twice)."""
        return measure_refs(self.left) + measure_refs(self.right)


def measure_refs(expr: Expr) -> list[MeasureRef]:
    """The measures `expr` names, in the order written (a name used twice is listed
    twice)."""
    found: list[MeasureRef] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, MeasureRef):
            found.append(node)
        elif isinstance(node, Negate):
            stack.append(node.operand)
        elif isinstance(node, BinaryOp):
            stack += [node.right, node.left]
    return found


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    offset: int


def _tokens(text: str) -> list[_Token]:
    out = []
    at = 0
    while at < len(text):
        match = None if text.startswith("<>", at) else _TOKEN.match(text, at)
        if match is None:
            _unexpected(text, at)
        assert match.lastgroup is not None
        if match.lastgroup != "space":
            out.append(_Token(match.lastgroup, match.group(), at))
        at = match.end()
    out.append(_Token("end", "", len(text)))
    return out


def _unexpected(text: str, at: int) -> NoReturn:
    for wrong, right in sorted(_WRONG.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(wrong, at):
            raise RuleSyntaxError(f"'{wrong}' is not a comparison; write '{right}'", at)
    number = re.match(r"[\d.,_]+(?:[eE][-+]?\d+)?", text[at:])
    if number and any(c.isdigit() for c in number.group()):
        raise RuleSyntaxError(f"'{number.group()}' is not a number a rule can read: write "
                              "digits with '.' for decimals, without separators or "
                              "exponents (1200, 0.5)", at)
    char = text[at]
    raise RuleSyntaxError(f"unexpected character '{char}'; a rule is made of measure names, "
                          "numbers, + - * / ( ) and one comparison: < <= > >= == !=", at)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def rule(self) -> Comparison:
        if self.token.kind == "end":
            raise RuleSyntaxError("the rule is empty; write a comparison such as "
                                  "'youth_reached <= youth_population'", 0)
        left = self.side()
        if self.token.kind != "cmp":
            self.unexpected("a comparison (< <= > >= == !=)"
                            + (", or + - * /" if self.token.kind != "end" else ""))
        cmp = self.take()
        right = self.side()
        if self.token.kind == "cmp":
            raise RuleSyntaxError(
                f"a second comparison '{self.token.text}': a rule compares two sides once; "
                "write one rule per comparison", self.token.offset)
        if self.token.kind != "end":
            self.unexpected("+ - * / or the end of the rule")
        return Comparison(self.text, left, cmp.text, right, cmp.offset)

    def side(self) -> Expr:
        node = self.product()
        while self.token.text in ("+", "-") and self.token.kind == "op":
            op = self.take()
            node = BinaryOp(op.text, node, self.product(), op.offset)
        return node

    def product(self) -> Expr:
        node = self.factor()
        while self.token.text in ("*", "/") and self.token.kind == "op":
            op = self.take()
            node = BinaryOp(op.text, node, self.factor(), op.offset)
        return node

    def factor(self) -> Expr:
        token = self.token
        if token.kind == "number":
            self.take()
            return Number(float(token.text), token.offset)
        if token.kind == "name":
            self.take()
            return MeasureRef(token.text, token.offset)
        if token.text in ("-", "(") and token.kind == "op":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise RuleSyntaxError(f"the rule nests more than {MAX_DEPTH} levels deep; "
                                      "simplify it", token.offset)
            self.take()
            if token.text == "-":
                node: Expr = Negate(self.factor(), token.offset)
            else:
                node = self.side()
                if self.token.text != ")":
                    if self.token.kind in ("end", "cmp"):
                        raise RuleSyntaxError("'(' is not closed; add ')'"
                                              + (" before the comparison"
                                                 if self.token.kind == "cmp" else ""),
                                              token.offset)
                    self.unexpected("')'")
                self.take()
            self.depth -= 1
            return node
        self.unexpected("a measure name, a number or '('")

    def unexpected(self, expected: str) -> NoReturn:
        token = self.token
        if token.kind == "end":
            raise RuleSyntaxError(f"the rule ends too soon: expected {expected}", token.offset)
        if token.text == ")":
            raise RuleSyntaxError("')' closes nothing", token.offset)
        if token.text.lower() in ("and", "or", "not"):
            raise RuleSyntaxError(f"'{token.text}': a rule is one comparison of two sides; "
                                  "write one rule per comparison", token.offset)
        raise RuleSyntaxError(f"expected {expected}, not '{token.text}'", token.offset)


@lru_cache(maxsize=4096)
def parse_rule(text: str) -> Comparison:
    """Read a rule.

    Args:
        text: The rule as written in the spec, such as `youth_reached <= youth_population`
            or `a + b <= 0.5 * c`.

    Returns:
        Its two sides and comparison. Names are not checked here: the spec's checks look
            them up among its measures.

    Raises:
        RuleSyntaxError: The text is not a rule; `offset` points at the character at
            fault.
    """
    return _Parser(text).rule()
