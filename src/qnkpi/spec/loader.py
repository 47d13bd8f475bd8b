"""Reading a spec file: YAML, then the models, then the cross-references.

Every problem is collected with its file, line and column, and raised together as one
[`SpecError`][qnkpi.errors.SpecError]; nothing else escapes, whatever the input. This
module reads the files and drives the steps; the models' own errors are put into words
by `qnkpi.spec._model_errors`, the cross-references checked by `qnkpi.spec.checks`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qnkpi.errors import PluginError, Problem, QnkpiError, SpecError, did_you_mean
from qnkpi.spec._model_errors import validate
from qnkpi.spec._yaml import Located, load_yaml
from qnkpi.spec.checks import check_spec
from qnkpi.spec.spec import Spec, build_spec_model
from qnkpi.spec.tree import OrgUnitsSpec

if TYPE_CHECKING:
    from qnkpi.plugin.registry import Plugins

__all__ = ["load_spec", "parse_spec", "provided_org_units", "spec_from_dict"]

MAX_SPEC_BYTES = 10_000_000
"""Largest spec or org-units file read, in bytes."""



def load_spec(path: str | Path, *, plugins: Plugins | None = None) -> Spec:
    """Read and check the spec at `path`, with the org-units file it points to.

    Relative paths inside the spec (its org-units file, data files) resolve against the
    spec file's folder. The whole spec is checked before anything is raised: YAML syntax,
    keys and types, and the references between its sections (sources, measures,
    indicators, levels, unit codes). Problems that do not stop evaluation are kept in
    [`Spec.warnings`][qnkpi.spec.spec.Spec.warnings].

    Args:
        path: The spec file: UTF-8 YAML, at most 10 MB.
        plugins: The registry whose source types, indicator kinds, assessment methods
            and org-unit providers the spec may use; the spec keeps it
            ([`Spec.plugins`][qnkpi.spec.spec.Spec.plugins]). Default: a registry built
            for this call by [`get_plugins()`][qnkpi.plugin.registry.get_plugins], the
            built-ins and every installed plugin.

    Returns:
        The checked spec, ready for [`evaluate`][qnkpi.engine.evaluate.evaluate].

    Raises:
        SpecError: Listing every problem found, each at its file, line and column
            (a missing or unreadable file is one of them).
        PluginError: No registry was given and one could not be built, or an org-unit
            provider failed.

    Example:
        ```python
        import qnkpi

        spec = qnkpi.load_spec("specs/quang-ninh/programme.yaml")
        print(spec.programme.id, len(spec.indicators))
        ```
    """
    file = Path(path)
    return parse_spec(_read(file), file=file, plugins=plugins)


def parse_spec(text: str, *, file: str | Path = "<spec>", base_dir: str | Path | None = None,
               plugins: Plugins | None = None) -> Spec:
    """Check a spec given as text, as [`load_spec`][qnkpi.spec.loader.load_spec] does a file.

    Args:
        text: The spec, as YAML text.
        file: The name problems and [`Spec.file`][qnkpi.spec.spec.Spec.file] give it. It
            need not exist.
        base_dir: The folder relative paths inside the spec resolve against. Default:
            the folder of `file`.
        plugins: As for [`load_spec`][qnkpi.spec.loader.load_spec].

    Returns:
        The checked spec.

    Raises:
        SpecError: Listing every problem found, each at its line and column in `file`
            (or in the org-units file the spec points to).
        PluginError: No registry was given and one could not be built, or an org-unit
            provider failed.
    """
    from qnkpi.plugin.registry import get_plugins

    plugins = plugins or get_plugins()
    file = Path(file)
    base = Path(base_dir) if base_dir is not None else file.parent
    located = load_yaml(text, file)
    data = located.data
    if not isinstance(data, dict):
        raise SpecError(located.problem((), "a spec is a mapping that starts with 'qnkpi: 1'"))
    problems: list[Problem] = []
    if "qnkpi" in data and next(iter(data)) != "qnkpi":
        problems.append(located.problem(("qnkpi",), "'qnkpi: 1' must be the first key",
                                        key=True))
    sub: dict[str, Located] = {"spec": located}
    skip: tuple[str, ...] = ()
    org = data.get("org_units")
    if isinstance(org, str):
        skip = ("org_units",)  # problems there are reported against the org-units file
        org_file = base / org
        try:
            sub["org_units"] = load_yaml(
                _read(org_file, referenced=located, key=("org_units",)), org_file)
        except SpecError as exc:
            problems.extend(exc.problems)
        else:
            units = validate(OrgUnitsSpec, sub["org_units"], problems, base)
            data = {**data, "org_units": units}
    elif isinstance(org, dict) and "provider" in org:
        skip = ("org_units",)
        try:
            sub["org_units"] = provided_org_units(org, plugins, located)
        except SpecError as exc:
            problems.extend(exc.problems)
        else:
            units = validate(OrgUnitsSpec, sub["org_units"], problems, base)
            data = {**data, "org_units": units}
    spec = validate(build_spec_model(plugins), located, problems, base, skip=skip,
                    data=data, unknown_note=plugins.failure_note())
    if spec is None or problems:
        raise SpecError(problems or [located.problem((), "invalid spec")])
    assert isinstance(spec, Spec)
    spec._file = file
    spec._located = sub
    spec._plugins = plugins
    found = check_spec(spec)
    problems.extend(p for p in found if p.severity == "error")
    if problems:
        raise SpecError(problems)
    spec._warnings = tuple(p for p in found if p.severity != "error")
    return spec


def spec_from_dict(data: Mapping[str, Any], *, base_dir: str | Path = ".",
                   plugins: Plugins | None = None) -> Spec:
    """Check a spec built in code, given as Python data, exactly as if it were a YAML file.

    The data are written as YAML and read back, so they go through the same checks and
    get the same messages as a spec file, each at a line of that text.

    Args:
        data: The spec as YAML would read it: mappings, lists, strings, numbers, booleans
            and `None`, starting with `qnkpi: 1`.
        base_dir: The folder relative paths in the spec (its org-units file, data files)
            resolve against. Problems name the file `<dict>` in it.
        plugins: As for [`load_spec`][qnkpi.spec.loader.load_spec]. Default: a registry
            built for this call, the built-ins and every installed plugin.

    Returns:
        The checked spec, ready for [`evaluate`][qnkpi.engine.evaluate.evaluate].

    Raises:
        SpecError: Listing every problem found, each at its line in the YAML text of
            `data` (or in the org-units file the spec points to); a value YAML cannot
            write is one of them.
        PluginError: No registry was given and one could not be built, or an org-unit
            provider failed.

    Example:
        ```python
        import qnkpi

        spec = qnkpi.spec_from_dict({
            "qnkpi": 1,
            "programme": {"id": "demo", "title": {"en": "Demo"},
                          "period": {"start": 2024, "end": 2025}},
            "org_units": {"levels": ["province"],
                          "units": [{"code": "P", "name": "Province",
                                     "level": "province"}]},
            "sources": {"data": {"type": "inline", "data": {"clubs": {"P": {2024: 3}}}}},
            "measures": {"clubs": {"source": "data"}},
            "indicators": {"clubs": {"kind": "value", "measure": "clubs",
                                     "direction": "increase",
                                     "targets": [{"year": 2024, "op": ">=", "value": 2}]}},
        }, base_dir=".")
        print([c.status for c in qnkpi.evaluate(spec).checks()])
        ```
    """
    import yaml

    file = Path(base_dir) / "<dict>"
    try:
        text = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    except yaml.YAMLError as exc:  # a value YAML has no form for, such as numpy's int64
        bad = exc.args[1] if len(exc.args) > 1 else None
        raise SpecError(Problem(f"a value of type {type(bad).__name__} ({bad!r:.40}) cannot be "
                                "written as YAML; use plain Python values: dict, list, str, "
                                "int, float, bool, None", file)) from None
    return parse_spec(text, file=file, base_dir=base_dir, plugins=plugins)


def provided_org_units(options: dict[str, Any], plugins: Plugins,
                       located: Located | None = None) -> Located:
    """The org units a provider plugin gives for `options`, as located YAML.

    The provider's mapping is written as YAML text, so that problems found in it point
    at lines (`qnkpi org-units` prints the same text).

    Args:
        options: The spec's `org_units` mapping: `provider` names the provider, the other
            keys are its options.
        plugins: The registry the provider is looked up in.
        located: The spec the options come from, to locate problems; `None` to report
            them without a location.

    Returns:
        The provider's tree, as YAML that problems can point into.

    Raises:
        SpecError: The provider is unknown, or it refused the options (it raised a
            [`QnkpiError`][qnkpi.errors.QnkpiError]).
        PluginError: The provider raised anything else, or returned no mapping.
    """
    import yaml

    name = options.get("provider")
    providers = plugins.org_unit_providers
    where = ("org_units", "provider")
    if name not in providers:
        message = (f"unknown org-unit provider {name!r}{did_you_mean(str(name), providers)}; "
                   f"installed: {', '.join(sorted(providers)) or 'none'} (a provider comes "
                   f"from a plugin, such as qnkpi-vn-units){plugins.failure_note()}")
        raise SpecError(located.problem(where, message) if located else Problem(message))
    from qnkpi.plugin.hooks import ORG_UNIT_PROVIDERS

    owner = plugins.owner(ORG_UNIT_PROVIDERS, name)
    rest = {k: v for k, v in options.items() if k != "provider"}
    try:
        tree = providers[name].provide(rest)
    except QnkpiError as exc:
        message = f"org-unit provider '{name}': {exc}"
        raise SpecError(located.problem(("org_units",), message) if located
                        else Problem(message)) from None
    except Exception as exc:
        raise PluginError(owner, f"org-unit provider '{name}' failed: "
                          f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(tree, Mapping):
        raise PluginError(owner, f"org-unit provider '{name}' must return a mapping with "
                          f"'levels' and 'units', got {type(tree).__name__}")
    text = yaml.safe_dump(dict(tree), allow_unicode=True, sort_keys=False, width=100)
    return load_yaml(text, Path(f"<org-unit provider {name}>"))


def _read(file: Path, *, referenced: Located | None = None,
          key: tuple[str, ...] = ()) -> str:
    def fail(message: str) -> SpecError:
        if referenced is not None:
            return SpecError(referenced.problem(key, f"{file}: {message}"))
        return SpecError(Problem(message, file))

    from qnkpi.sources._files import file_problem, max_file_bytes, too_big

    if referenced is not None:  # named in a spec: from the spec's folder
        missing = "no such file; check the path (relative paths start at the spec's folder)"
    elif file.is_absolute():
        missing = "no such file; check the path"
    else:
        missing = ("no such file; check the path (a relative path starts at the working "
                   f"directory, {Path.cwd()})")
    # never open a pipe or a device: reading one could wait, or go on, for ever
    problem = file_problem(file, missing=missing, what="a .yaml file")
    if problem is not None:
        raise fail(problem)
    limit = min(MAX_SPEC_BYTES, max_file_bytes())
    try:
        # O_NONBLOCK: a pipe put there since it was examined does not wait for a writer
        with open(os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise fail("this is not a regular file (it changed since it was examined); "
                           "give the path of a .yaml file")
            size = info.st_size
            data = b"" if size > limit else stream.read(limit + 1)
        if size > limit or len(data) > limit:
            what = f"the file is {size:,} bytes" if size > limit else "the file is larger"
            if limit < MAX_SPEC_BYTES:
                raise fail(too_big(what, limit))
            raise fail(f"{what}, over the {MAX_SPEC_BYTES:,}-byte limit for spec files; put "
                       "data in a source, not in the spec")
        return data.decode("utf-8-sig")
    except FileNotFoundError:  # removed since it was examined
        raise fail(missing) from None
    except IsADirectoryError:
        raise fail("this is a folder; give the path of a .yaml file") from None
    except UnicodeDecodeError as exc:
        bad: bytes = exc.object[:exc.start]
        line = bad.count(b"\n") + 1
        column = len(bad) - bad.rfind(b"\n")  # in bytes: the text cannot be decoded there
        message = (f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} here cannot be read; "
                   "save the file as UTF-8")
        if exc.object[:2] in (b"\xff\xfe", b"\xfe\xff"):
            message = "the file is UTF-16 text; save it as UTF-8"
        raise SpecError(Problem(message, file, line, column)) from None
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror}") from None
    except ValueError as exc:  # e.g. a NUL character in the path
        raise fail(f"not a usable file name ({exc})") from None
