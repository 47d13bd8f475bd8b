"""Pydantic's validation errors put into words, each at its place in the YAML.

A spec's models reject what they cannot read with pydantic's terse errors and locations
that hold union tags and member names. Here each becomes a
[`Problem`][qnkpi.errors.Problem] at the key or value it concerns, with a plain message:
the type a value should have and how to write one, the keys allowed where an unknown
one stands, a close match for a misspelling. The loader and `qnkpi org-units` use it.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from qnkpi.errors import Problem, did_you_mean
from qnkpi.spec._yaml import Located

__all__ = ["validate"]


def validate(model: type[BaseModel], located: Located, problems: list[Problem],
              base: Path, *, skip: tuple[str, ...] = (), data: Any = None,
              unknown_note: str = "") -> Any:
    """`model` validated; its problems, each at its place, added to `problems`.
    `unknown_note` ends a problem about an unknown source type or kind (which plugins
    failed and are disabled)."""
    try:
        return model.model_validate(located.data if data is None else data,
                                    context={"base_dir": base})
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False)
                  if not skip or tuple(e["loc"][:len(skip)]) != skip]
        # a misspelt key also makes the right one "missing": report the misspelling only
        misspelt = set()
        for e in errors:
            if e["type"] == "extra_forbidden":
                close = did_you_mean(str(e["loc"][-1]), _allowed_keys(model, e["loc"][:-1]))
                if close:
                    misspelt.add((*e["loc"][:-1], close.split("'")[1]))
        problems.extend(_problem(model, located, e, unknown_note) for e in errors
                        if not (e["type"] == "missing" and tuple(e["loc"]) in misspelt))
        return None


def _yaml_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The part of a pydantic error location that exists in the YAML data (pydantic adds
    union tags and member names that are not keys)."""
    path: list[str | int] = []
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            continue
        data = data[part]
        path.append(part)
    return tuple(path)


def _problem(model: type[BaseModel], located: Located, error: Any,
             unknown_note: str = "") -> Problem:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    path = _yaml_path(located.data, loc)
    kind, ctx = error["type"], error.get("ctx") or {}
    last = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(str(last), allowed)
        message = f"unknown key '{last}'{hint}"
        cut = located.cut_texts.get(path)
        if cut is not None and not hint:
            return located.problem(path, f"{message}: inside '{{...}}' a comma ends a value, "
                                   f"so the text '{cut}' was read as two; put text that "
                                   "holds a comma in quotes: \"" + cut.replace('"', '\\"')
                                   + '"', key=True)
        if allowed and not hint:
            message += f"; allowed here: {', '.join(sorted(allowed))}"
        return located.problem(path, message, key=True)
    if kind == "missing":
        return located.problem(path, f"missing required key '{last}'")
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        what = ctx.get("discriminator", "").strip("'")
        return located.problem((*path, what), f"unknown {what} '{ctx.get('tag')}'"
                               f"{did_you_mean(str(ctx.get('tag')), tags)}; known: "
                               f"{', '.join(tags)} (plugins add more: see 'qnkpi plugins')"
                               f"{unknown_note}")
    if kind == "union_tag_not_found":
        what = str(ctx.get("discriminator", "")).strip("'")
        return located.problem(path, f"missing required key '{what}'")
    if kind == "string_type" and isinstance(error.get("input"), (int, float)):
        written = located.scalars.get(path, error["input"])
        return located.problem(path, f"'{written}' must be text: put it in quotes "
                               "(YAML reads unquoted codes such as 06652 as numbers)")
    if kind == "literal_error" and loc == ("qnkpi",):
        return located.problem(path, "this qnkpi reads spec format 1: write 'qnkpi: 1'")
    wrong_type = _wrong_type(kind, ctx, error.get("input"), located.scalars.get(path), path)
    if wrong_type is not None:
        return located.problem(path, wrong_type)
    message = str(error["msg"])
    if message.startswith(("Value error, ", "Assertion failed, ")):
        message = message.split(", ", 1)[1]
    name = next((p for p in reversed(path) if isinstance(p, str)), None)
    if name and kind not in ("value_error", "assertion_error"):
        message = f"'{name}': {message[0].lower()}{message[1:]}"
    return located.problem(path, message)


#: What a value of each pydantic error type should have been, and how to write one.
_EXPECTED = {
    "number": ("a number", "write it like 12.5, without quotes, '%' or thousands separators"),
    "integer": ("a whole number", "write it like 2024"),
    "boolean": ("true or false", ""),
    "mapping": ("a mapping", "write its keys indented below it (key: value), or {key: value}"),
    "text or mapping": ("text, or a mapping {vi: ..., en: ...}", ""),
    "list": ("a list", "write its items below it, each on a line starting with '- ', or "
             "[a, b]"),
    "text": ("text", ""),
    "date": ("a date", "write it as YYYY-MM-DD, such as 2025-07-01"),
}
_TYPE_ERRORS = {
    "float_parsing": "number", "float_type": "number",
    "int_parsing": "integer", "int_type": "integer", "int_from_float": "integer",
    "bool_parsing": "boolean", "bool_type": "boolean",
    "dict_type": "mapping", "model_type": "mapping", "model_attributes_type": "mapping",
    "tuple_type": "list", "list_type": "list", "set_type": "list",
    "string_type": "text", "date_type": "date", "date_parsing": "date",
    "date_from_datetime_parsing": "date", "date_from_datetime_inexact": "date",
}


def _found(value: Any, written: str | None) -> str:
    """A value as a message names it: 'its text', a list, a mapping."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "true or false" if written is None else f"'{written}' (read as {str(value).lower()})"
    text = written if written is not None else str(value)
    return f"'{text[:40]}...'" if len(text) > 43 else f"'{text}'"


def _wrong_type(kind: str, ctx: dict[str, Any], value: Any, written: str | None,
                path: tuple[str | int, ...]) -> str | None:
    """A plain message for a value of the wrong type, or None for other errors."""
    if kind == "finite_number":
        if path and isinstance(path[-1], str):  # a key of the spec: a threshold, a factor
            return (f"'{path[-1]}' must be a finite number, not {_found(value, written)}; "
                    "write a number, such as 12.5")
        return (f"{_found(value, written)} is not a finite number; write a number, or null "
                "when the value is missing")
    what = _TYPE_ERRORS.get(kind)
    if what is None:
        return None
    if what == "mapping" and ctx.get("class_name") == "Text":
        what = "text or mapping"
    expected, how = _EXPECTED[what]
    name = next((p for p in reversed(path) if isinstance(p, str)), None)
    subject = "the value" if name is None else f"'{name}'"
    if path and isinstance(path[-1], int) and name is not None:
        subject = f"each entry of '{name}'"
    if value is None:
        message = f"{subject} is empty: it must be {expected}"
    else:
        message = f"{subject} must be {expected}, not {_found(value, written)}"
    detail = str(ctx.get("error", "")).strip()
    if detail and what == "date":
        message += f" ({detail})"
    return f"{message}; {how}" if how else message


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _tag(member: Any) -> str | None:
    if isinstance(member, type) and issubclass(member, BaseModel):
        for key in ("kind", "type"):
            field = member.model_fields.get(key)
            if field is not None and get_origin(field.annotation) is Literal:
                return str(get_args(field.annotation)[0])
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model at `loc` accepts (for "did you mean")."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        origin = get_origin(tp)
        if origin in (Union, types.UnionType):
            members = [_unwrap(m) for m in get_args(tp)]
            chosen = [m for m in members if _tag(m) == part or getattr(m, "__name__", "") == part]
            if chosen:
                tp = chosen[0]
                continue
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            if not models:
                return []
            tp = models[0]
            origin = None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return []
            tp = field.annotation
        elif origin is dict:
            tp = get_args(tp)[1]
        elif origin in (list, tuple):
            tp = get_args(tp)[0]
        else:
            return []
    tp = _unwrap(tp)
    if get_origin(tp) in (Union, types.UnionType):
        tp = next((m for m in map(_unwrap, get_args(tp))
                   if isinstance(m, type) and issubclass(m, BaseModel)), None)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []
