"""Assessment toward goals: the interface of assessment methods, re-exported from
`qnkpi.assess.base`. The built-in methods, `linear_path` and `cagr_ratio`, are in
`qnkpi.assess.methods`."""

from qnkpi.assess.base import ASSESSMENT_STATUSES, AssessmentInputs, AssessmentMethod, MethodOutput

__all__ = ["ASSESSMENT_STATUSES", "AssessmentInputs", "AssessmentMethod", "MethodOutput"]
