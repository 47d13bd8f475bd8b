"""qnkpi: declare a programme's targets in YAML, plug in the data, get honest verdicts.

```python
import qnkpi

spec = qnkpi.load_spec("specs/quang-ninh/programme.yaml")
result = qnkpi.evaluate(spec)
```

The names of `__all__` are the public API. They are imported on first use, so
`import qnkpi` loads nothing heavy and scans no plugins.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qnkpi.assess.base import AssessmentInputs, AssessmentMethod, MethodOutput
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.evaluate import check_data, evaluate, explain
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.engine.rows import Check
    from qnkpi.engine.rules import RuleResult, RuleViolationError, ValidationResult, Violation
    from qnkpi.errors import DataError, PluginError, Problem, QnkpiError, SpecError
    from qnkpi.kinds.base import IndicatorKind, IndicatorPanel, Input, KindContext
    from qnkpi.orgunits import OrgTree
    from qnkpi.plugin.loading import PluginManager, get_plugin_manager
    from qnkpi.plugin.markers import hookimpl, hookspec
    from qnkpi.plugin.registry import Plugins, Registration, get_plugins
    from qnkpi.reporters.base import Reporter
    from qnkpi.sources.base import (
        FetchRequest,
        MeasureRequest,
        PeriodSource,
        Source,
        TabularSource,
    )
    from qnkpi.spec.loader import load_spec, parse_spec, spec_from_dict
    from qnkpi.spec.models import Name, RelPath, Text, ValidationRule
    from qnkpi.spec.spec import Spec
    from qnkpi.verdicts import AssessmentStatus, CheckStatus, Op, Verdict

__all__ = [
    "Assessment",
    "AssessmentInputs",
    "AssessmentMethod",
    "AssessmentStatus",
    "Check",
    "CheckStatus",
    "DataError",
    "FetchRequest",
    "IndicatorKind",
    "IndicatorPanel",
    "IndicatorResult",
    "Input",
    "KindContext",
    "MeasureRequest",
    "MethodOutput",
    "Name",
    "Op",
    "OrgTree",
    "PeriodSource",
    "PluginError",
    "PluginManager",
    "Plugins",
    "Problem",
    "QnkpiError",
    "Registration",
    "RelPath",
    "Reporter",
    "Result",
    "RuleResult",
    "RuleViolationError",
    "Source",
    "Spec",
    "SpecError",
    "TabularSource",
    "Text",
    "ValidationResult",
    "ValidationRule",
    "Verdict",
    "Violation",
    "__version__",
    "check_data",
    "evaluate",
    "explain",
    "get_plugin_manager",
    "get_plugins",
    "hookimpl",
    "hookspec",
    "load_spec",
    "parse_spec",
    "spec_from_dict",
]

_WHERE = {
    "Assessment": "qnkpi.engine.assess",
    "AssessmentInputs": "qnkpi.assess.base",
    "AssessmentMethod": "qnkpi.assess.base",
    "MethodOutput": "qnkpi.assess.base",
    "check_data": "qnkpi.engine.evaluate",
    "evaluate": "qnkpi.engine.evaluate",
    "explain": "qnkpi.engine.evaluate",
    "Check": "qnkpi.engine.rows",
    "IndicatorResult": "qnkpi.engine.result",
    "Result": "qnkpi.engine.result",
    "RuleResult": "qnkpi.engine.rules",
    "RuleViolationError": "qnkpi.engine.rules",
    "ValidationResult": "qnkpi.engine.rules",
    "Violation": "qnkpi.engine.rules",
    "DataError": "qnkpi.errors",
    "PluginError": "qnkpi.errors",
    "Problem": "qnkpi.errors",
    "QnkpiError": "qnkpi.errors",
    "SpecError": "qnkpi.errors",
    "IndicatorKind": "qnkpi.kinds.base",
    "IndicatorPanel": "qnkpi.kinds.base",
    "Input": "qnkpi.kinds.base",
    "KindContext": "qnkpi.kinds.base",
    "OrgTree": "qnkpi.orgunits",
    "PluginManager": "qnkpi.plugin.loading",
    "Plugins": "qnkpi.plugin.registry",
    "Registration": "qnkpi.plugin.registry",
    "get_plugin_manager": "qnkpi.plugin.loading",
    "get_plugins": "qnkpi.plugin.registry",
    "hookimpl": "qnkpi.plugin.markers",
    "hookspec": "qnkpi.plugin.markers",
    "Reporter": "qnkpi.reporters.base",
    "FetchRequest": "qnkpi.sources.base",
    "MeasureRequest": "qnkpi.sources.base",
    "Source": "qnkpi.sources.base",
    "TabularSource": "qnkpi.sources.base",
    "PeriodSource": "qnkpi.sources.base",
    "load_spec": "qnkpi.spec.loader",
    "parse_spec": "qnkpi.spec.loader",
    "spec_from_dict": "qnkpi.spec.loader",
    "Name": "qnkpi.spec.models",
    "RelPath": "qnkpi.spec.models",
    "Text": "qnkpi.spec.models",
    "ValidationRule": "qnkpi.spec.models",
    "Spec": "qnkpi.spec.spec",
    "AssessmentStatus": "qnkpi.verdicts",
    "CheckStatus": "qnkpi.verdicts",
    "Op": "qnkpi.verdicts",
    "Verdict": "qnkpi.verdicts",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("qnkpi")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qnkpi' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
