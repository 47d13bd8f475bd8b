"""Assessment toward goals: the method interface and the built-in methods."""

from qnkpi.assess.base import ASSESSMENT_STATUSES, AssessmentInputs, AssessmentMethod, MethodOutput

__all__ = ["ASSESSMENT_STATUSES", "AssessmentInputs", "AssessmentMethod", "MethodOutput"]
