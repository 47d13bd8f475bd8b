"""The hooks a qnkpi plugin may implement.

Every hook is a registration hook: qnkpi calls it once per plugin, when a
:class:`~qnkpi.plugin.manager.Plugins` registry is built, with a ``register`` callable.
The plugin calls ``register`` once per thing it provides. Registration is checked at
once: a wrong type, or a name another plugin already registered, is a
:class:`~qnkpi.errors.PluginError` naming both plugins. Built-in parts register through
these same hooks.

Implement a hook with :data:`qnkpi.hookimpl`::

    from qnkpi import hookimpl

    @hookimpl
    def register_indicator_kinds(register):
        register(MyKind)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi.plugin.markers import hookspec

__all__ = [
    "register_assessment_methods",
    "register_indicator_kinds",
    "register_org_unit_providers",
    "register_reporters",
    "register_source_types",
    "register_specs",
]


@hookspec
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register source types: where measures come from.

    Call ``register(cls)`` with a subclass of :class:`qnkpi.sources.Source` whose
    ``type`` field is a ``Literal["name"]``; ``name`` is what specs write as a source's
    ``type``. The class's fields are the source's keys in the spec.

    Since 0.1.
    """


@hookspec
def register_indicator_kinds(register: Callable[[type[Any]], None]) -> None:
    """Register indicator kinds: how an indicator is computed from measures.

    Call ``register(cls)`` with a subclass of :class:`qnkpi.kinds.IndicatorKind` whose
    ``kind`` field is a ``Literal["name"]``; ``name`` is what specs write as an
    indicator's ``kind``. The class's fields are the indicator's keys in the spec.

    Since 0.1.
    """


@hookspec
def register_assessment_methods(register: Callable[..., None]) -> None:
    """Register assessment methods: how progress toward an indicator's goal is judged.

    Call ``register(name, method)`` where ``method`` is a
    :class:`qnkpi.assess.AssessmentMethod`: an object whose ``assess(inputs)`` takes an
    :class:`~qnkpi.assess.AssessmentInputs` (baseline, current value and goal of every
    assessed unit, as arrays) and returns a :class:`~qnkpi.assess.MethodOutput` (a ratio
    of progress, 1 meaning exactly on course, and a projection to the goal year). Specs
    name methods in ``assessment: {methods: [...]}``.

    Since 0.1.
    """


@hookspec
def register_reporters(register: Callable[..., None]) -> None:
    """Register report formats: what ``qnkpi evaluate --format NAME`` writes.

    Call ``register(name, reporter)`` where ``reporter`` is a
    :class:`qnkpi.reporters.Reporter` (an object with ``suffix``, ``binary`` and
    ``write(result, stream, lang)``).

    Since 0.1.
    """


@hookspec
def register_specs(register: Callable[..., None]) -> None:
    """Register bundled programme specs (a plugin may ship whole indicator libraries).

    Call ``register(name, path, description)`` with the path of a spec file shipped
    inside the plugin's package. ``qnkpi demo`` evaluates the bundled spec
    ``quang-ninh``.

    Since 0.1.
    """


@hookspec
def register_org_unit_providers(register: Callable[..., None]) -> None:
    """Register org-unit providers: where an organisation's tree can come from besides a
    YAML list typed by hand (an official register of administrative units, an HR system).

    Call ``register(name, provider)`` where ``provider`` has
    ``provide(options: Mapping[str, Any]) -> Mapping[str, Any]``, returning the mapping an
    org-units file holds (``levels``, optional ``reference_day``, ``units``). Specs use it
    as ``org_units: {provider: NAME, ...options}``; ``qnkpi org-units NAME KEY=VALUE ...``
    writes its tree as YAML, to keep and edit. A provider raises
    :class:`qnkpi.QnkpiError` for options it cannot serve.

    Since 0.2.
    """
