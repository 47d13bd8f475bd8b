"""Assessment toward goals: the interface of assessment methods, re-exported from
`qnkpi.assess.base`, with the names of the assessment statuses (from `qnkpi.verdicts`).
The built-in methods, `linear_path` and `cagr_ratio`, are in `qnkpi.assess.methods`."""

from qnkpi.assess.base import AssessmentInputs, AssessmentMethod, MethodOutput
from qnkpi.verdicts import ASSESSMENT_STATUSES

__all__ = ["ASSESSMENT_STATUSES", "AssessmentInputs", "AssessmentMethod", "MethodOutput"]
