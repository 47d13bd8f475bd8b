"""The hooks a qnkpi plugin may implement.

Every hook is a registration hook with one argument, `register`. qnkpi calls each
plugin's implementation once, on its own, when a
[`Plugins`][qnkpi.plugin.registry.Plugins] registry is built; the plugin calls `register`
once per thing it provides. Every call of `register` is checked on the spot: a wrong
type, a missing method or a name another plugin already registered for the same hook is
a [`PluginError`][qnkpi.errors.PluginError] naming the plugin (and the other plugin, for
a name already taken), and so is an exception raised inside the hook. The built-in
parts register through these same hooks.

Each hook is declared here and in one row of the table `HOOKS` of
`qnkpi.plugin.hooks`, which gives its label and checks its `register` calls; this
module's `__all__` is read from that table.

Implement a hook with [`hookimpl`][qnkpi.plugin.markers.hookimpl], in a function named
after it:

```python
import qnkpi


@qnkpi.hookimpl
def register_indicator_kinds(register):
    register(MyKind)
```
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi.plugin import hooks as _hooks
from qnkpi.plugin.markers import hookspec

__all__ = [hook.name for hook in _hooks.HOOKS]


@hookspec
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register source types: where measures come from.

    A source type is a pydantic model, a subclass of
    [`Source`][qnkpi.sources.base.Source] (usually of
    [`TabularSource`][qnkpi.sources.base.TabularSource]) whose `type` field is
    `Literal["name"]`. Specs then write `type: name` under `sources`, and the class's
    other fields are the source's keys (they appear in `qnkpi schema`).

    Args:
        register: Call `register(cls)` once per source type, with the class itself
            (not an instance). It checks that `cls` is a subclass of `Source` whose
            `type` is a `Literal` of one name, and that no other plugin registered that
            name; otherwise it raises a [`PluginError`][qnkpi.errors.PluginError].

    Example:
        ```python
        from typing import Literal

        import qnkpi
        from qnkpi.spec.models import RelPath


        class JsonLinesSource(qnkpi.TabularSource):
            type: Literal["jsonl"]
            path: RelPath

            def fetch(self, request):
                ...


        @qnkpi.hookimpl
        def register_source_types(register):
            register(JsonLinesSource)
        ```

    Since 0.1.
    """


@hookspec
def register_indicator_kinds(register: Callable[[type[Any]], None]) -> None:
    """Register indicator kinds: how an indicator is computed from measures.

    An indicator kind is a pydantic model, a subclass of
    [`IndicatorKind`][qnkpi.kinds.base.IndicatorKind] whose `kind` field is
    `Literal["name"]`. Specs then write `kind: name`, and the class's fields are the
    indicator's keys, in addition to the keys every indicator has.

    Args:
        register: Call `register(cls)` once per kind, with the class itself (not an
            instance). It checks that `cls` is a subclass of `IndicatorKind` whose
            `kind` is a `Literal` of one name, and that no other plugin registered that
            name; otherwise it raises a [`PluginError`][qnkpi.errors.PluginError].

    Example:
        ```python
        from typing import Literal

        import qnkpi
        from qnkpi.spec.models import Name


        class Change(qnkpi.IndicatorKind):
            kind: Literal["change"]
            of: Name

            def inputs(self):
                return [qnkpi.Input(("of",), "indicator", self.of)]

            def compute(self, ctx):
                ...


        @qnkpi.hookimpl
        def register_indicator_kinds(register):
            register(Change)
        ```

    Since 0.1.
    """


@hookspec
def register_assessment_methods(register: Callable[..., None]) -> None:
    """Register assessment methods: how progress toward an indicator's goal is measured.

    A method is an [`AssessmentMethod`][qnkpi.assess.base.AssessmentMethod]: an object
    whose `assess(inputs)` takes an
    [`AssessmentInputs`][qnkpi.assess.base.AssessmentInputs] (the baseline, current
    value and goal of every assessed unit of one indicator, as arrays) and returns a
    [`MethodOutput`][qnkpi.assess.base.MethodOutput] (a ratio of progress per unit, 1
    meaning exactly on course, a projection to the goal year, and a reason where there is
    no ratio). Specs name methods in `assessment: {methods: [...]}`; an unknown name is a
    spec error.

    Args:
        register: Call `register(name, method)` once per method, with the name specs
            use and an instance. It checks that `name` is a non-empty string not taken
            by another plugin, and that `method` has a callable `assess`; otherwise it
            raises a [`PluginError`][qnkpi.errors.PluginError].

    Example:
        ```python
        import qnkpi


        class Trend:
            def assess(self, inputs):
                ...  # return a qnkpi.MethodOutput


        @qnkpi.hookimpl
        def register_assessment_methods(register):
            register("trend", Trend())
        ```

    Since 0.1.
    """


@hookspec
def register_reporters(register: Callable[..., None]) -> None:
    """Register report formats: what `qnkpi evaluate --format NAME` writes.

    A reporter is a [`Reporter`][qnkpi.reporters.base.Reporter]: an object with `suffix`
    (a file suffix such as `".md"`), `binary` (`True` if it writes bytes) and
    `write(result, stream, *, lang="en")`. `qnkpi demo` writes one report per reporter.

    Args:
        register: Call `register(name, reporter)` once per format, with the name
            `--format` takes and an instance. It checks that `name` is a non-empty
            string not taken by another plugin, and that `reporter` has a callable
            `write`; otherwise it raises a [`PluginError`][qnkpi.errors.PluginError].

    Example:
        ```python
        import qnkpi


        class ChecksMarkdown:
            suffix = ".md"
            binary = False

            def write(self, result, stream, *, lang="en"):
                for check in result.checks():
                    stream.write(f"- {check.indicator} {check.unit} {check.status}\\n")


        @qnkpi.hookimpl
        def register_reporters(register):
            register("checks-md", ChecksMarkdown())
        ```

    Since 0.1.
    """


@hookspec
def register_specs(register: Callable[..., None]) -> None:
    """Register bundled programme specs: a plugin may ship whole programmes or indicator
    libraries.

    `qnkpi demo --spec NAME` evaluates a bundled spec, and `qnkpi plugins` lists them;
    [`Plugins.specs`][qnkpi.plugin.registry.Plugins.specs] holds them. The built-in
    `quang-ninh` is the one `qnkpi demo` evaluates by default.

    Args:
        register: Call `register(name, path, description)` once per spec: `path` is the
            spec file, shipped inside the plugin's package, and `description` one line
            about it. It checks that `name` is a non-empty string not taken by another
            plugin, and that `path` is an existing file; otherwise it raises a
            [`PluginError`][qnkpi.errors.PluginError].

    Example:
        ```python
        from pathlib import Path

        import qnkpi

        HERE = Path(__file__).parent


        @qnkpi.hookimpl
        def register_specs(register):
            register("youth-2030", HERE / "specs" / "youth-2030.yaml",
                     "A youth programme, 2024-2030")
        ```

    Since 0.1.
    """


@hookspec
def register_org_unit_providers(register: Callable[..., None]) -> None:
    """Register org-unit providers: where an organisation's tree can come from, besides
    a list typed by hand (an official register of administrative units, an HR system).

    A provider is an object with `provide(options: Mapping[str, Any]) -> Mapping[str,
    Any]`: given the options a spec or the command line gives, it returns the mapping an
    org-units file holds (`levels`, optionally `reference_day`, and `units`), which is
    checked exactly as a typed one. Specs write `org_units: {provider: NAME, ...options}`;
    `qnkpi org-units NAME KEY=VALUE ...` writes the tree as YAML, to keep and edit. A
    provider raises [`QnkpiError`][qnkpi.errors.QnkpiError] for options it cannot serve
    (the user sees the message as a spec error); any other exception is a
    [`PluginError`][qnkpi.errors.PluginError] naming the plugin.

    Args:
        register: Call `register(name, provider)` once per provider, with the name specs
            use and an instance. It checks that `name` is a non-empty string not taken
            by another plugin, and that `provider` has a callable `provide`; otherwise
            it raises a [`PluginError`][qnkpi.errors.PluginError].

    Example:
        ```python
        import qnkpi


        class Staff:
            def provide(self, options):
                return {"levels": ["office", "team"],
                        "units": [{"code": "HQ", "name": "Head office", "level": "office"}]}


        @qnkpi.hookimpl
        def register_org_unit_providers(register):
            register("staff", Staff())
        ```

    Since 0.2.
    """
