"""The table of hooks: each hook declared once, with the label `qnkpi plugins` prints and
the check its `register` applies.

Adding a hook is two edits: its specification in
[`qnkpi.plugin.hookspecs`][qnkpi.plugin.hookspecs] (the reference plugin authors read)
and a row in [`HOOKS`][qnkpi.plugin.hooks.HOOKS]. Everything else reads this table: the
hookspecs module's `__all__`, the registry (which calls the hooks in this order, checks
every `register` call with the row's check and keeps what was registered under the
hook's name), `qnkpi plugins` (which prints the row's label) and the tests, one of which
fails when a hookspec has no row or a row no hookspec.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

__all__ = [
    "ASSESSMENT_METHODS",
    "FILE_NAME_PART",
    "HOOKS",
    "INDICATOR_KINDS",
    "ORG_UNIT_PROVIDERS",
    "REPORTERS",
    "SOURCE_TYPES",
    "SPECS",
    "Hook",
    "InvalidRegistration",
    "Registered",
]

FILE_NAME_PART = re.compile(r"^\w[\w.-]{0,63}$")
"""What the name of a reporter or a bundled spec must match: a letter, digit or `_`,
then up to 63 letters, digits, `_`, `.` or `-`. `qnkpi demo` builds file names from
them, so they hold no path separator and cannot start with a dot."""

_SUFFIX = re.compile(r"^(?:\.[\w-]{1,16}){0,3}$")

Registered = tuple[str, Any, tuple[Any, ...]]
"""What a hook's check makes of the arguments of one `register` call: `(name, the
registered object, further arguments)`."""


class InvalidRegistration(Exception):
    """Raised by a hook's check: the arguments given to `register` are not what the hook
    takes. The registry turns it into a [`PluginError`][qnkpi.errors.PluginError] that
    names the plugin and the hook; the message says what is wrong."""


@dataclass(frozen=True)
class Hook:
    """One row of the table: a registration hook.

    Attributes:
        name: The hook's name, that of its specification in
            [`qnkpi.plugin.hookspecs`][qnkpi.plugin.hookspecs] and of the functions
            plugins implement it with (`register_reporters`).
        label: What `qnkpi plugins` calls the things it registers (`"reporters"`).
        check: Checks the arguments of one call of the hook's `register` and returns
            what they register as `(name, object, further arguments)`; raises
            [`InvalidRegistration`][qnkpi.plugin.hooks.InvalidRegistration] when they
            are wrong.
    """

    name: str
    label: str
    check: Callable[[tuple[Any, ...]], Registered]


# checks ------------------------------------------------------------------------------

def _model_class(args: tuple[Any, ...], base: type[Any], key: str) -> Registered:
    """`register(cls)`: a subclass of `base` whose field `key` is `Literal["name"]`."""
    if len(args) != 1 or not isinstance(args[0], type) or not issubclass(args[0], base):
        raise InvalidRegistration(f"register() takes one subclass of {base.__module__}."
                                  f"{base.__name__}, got {args!r}")
    cls: Any = args[0]
    annotation = cls.model_fields[key].annotation
    names = get_args(annotation) if get_origin(annotation) is Literal else ()
    if len(names) != 1 or not isinstance(names[0], str):
        raise InvalidRegistration(f"{cls.__name__}.{key} must be Literal['name'] with one "
                                  "name")
    return names[0], cls, ()


def _source_type(args: tuple[Any, ...]) -> Registered:
    from qnkpi.sources.base import Source

    return _model_class(args, Source, "type")


def _indicator_kind(args: tuple[Any, ...]) -> Registered:
    from qnkpi.kinds.base import IndicatorKind

    return _model_class(args, IndicatorKind, "kind")


def _named(args: tuple[Any, ...]) -> Registered:
    """`register(name, obj, *extra)` with a non-empty name."""
    if len(args) < 2 or not isinstance(args[0], str) or not args[0]:
        raise InvalidRegistration(f"register(name, ...) takes a name first, got {args!r}")
    name, obj, *extra = args
    return name, obj, tuple(extra)


def _has_method(obj: object, method: str, message: str) -> None:
    if not callable(getattr(obj, method, None)):
        raise InvalidRegistration(message)


def _file_name_part(name: str) -> None:
    if not FILE_NAME_PART.match(name):
        raise InvalidRegistration(f"name {name!r}: use letters, digits, '_', '.' and '-', "
                                  "not starting with '.' or '-', at most 64 characters "
                                  "('qnkpi demo' names files with it)")


def _assessment_method(args: tuple[Any, ...]) -> Registered:
    name, method, extra = _named(args)
    _has_method(method, "assess", f"method '{name}' has no assess(inputs) method")
    return name, method, extra


def _reporter(args: tuple[Any, ...]) -> Registered:
    name, reporter, extra = _named(args)
    _has_method(reporter, "write", f"reporter '{name}' has no write(result, stream, lang) "
                "method")
    suffix = getattr(reporter, "suffix", "")
    if not isinstance(suffix, str) or not _SUFFIX.match(suffix):
        raise InvalidRegistration(f"reporter '{name}': suffix {suffix!r} is not a file "
                                  "suffix such as '.md' ('qnkpi demo' names files with it)")
    _file_name_part(name)
    return name, reporter, extra


def _spec(args: tuple[Any, ...]) -> Registered:
    name, path, extra = _named(args)
    _file_name_part(name)
    if not Path(path).is_file():
        raise InvalidRegistration(f"spec '{name}': no file at {path}")
    return name, path, extra


def _org_unit_provider(args: tuple[Any, ...]) -> Registered:
    name, provider, extra = _named(args)
    _has_method(provider, "provide", f"provider '{name}' has no provide(options) method")
    return name, provider, extra


# the table ---------------------------------------------------------------------------

SOURCE_TYPES = Hook("register_source_types", "source types", _source_type)
"""Source types: `register(cls)`, a [`Source`][qnkpi.sources.base.Source] subclass."""
INDICATOR_KINDS = Hook("register_indicator_kinds", "indicator kinds", _indicator_kind)
"""Indicator kinds: `register(cls)`, an
[`IndicatorKind`][qnkpi.kinds.base.IndicatorKind] subclass."""
ASSESSMENT_METHODS = Hook("register_assessment_methods", "assessment methods",
                          _assessment_method)
"""Assessment methods: `register(name, method)`, a method with `assess(inputs)`."""
REPORTERS = Hook("register_reporters", "reporters", _reporter)
"""Report formats: `register(name, reporter)`, a reporter with `write` and a file
`suffix`, its name part of a file name."""
SPECS = Hook("register_specs", "specs", _spec)
"""Bundled specs: `register(name, path, description)`, an existing file, its name part
of a file name."""
ORG_UNIT_PROVIDERS = Hook("register_org_unit_providers", "org-unit providers",
                          _org_unit_provider)
"""Org-unit providers: `register(name, provider)`, a provider with `provide(options)`."""

HOOKS: tuple[Hook, ...] = (SOURCE_TYPES, INDICATOR_KINDS, ASSESSMENT_METHODS, REPORTERS,
                           SPECS, ORG_UNIT_PROVIDERS)
"""Every hook, in the order the registry calls them and `qnkpi plugins` lists what they
registered."""
