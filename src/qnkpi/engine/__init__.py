"""The evaluation engine: from a loaded spec to a `Result` of panels, checks and
assessments."""
