"""Frames given at call time: `evaluate(spec, data={"source name": frame})`.

[`with_frames`][qnkpi.engine.frames.with_frames] returns the spec with each named
source replaced by a [`FrameSource`][qnkpi.sources.frame.FrameSource] holding its
frame, read with the source's own unit, year and layout keys (and, for a source that
reports by half, quarter or month, its `period` and `period_column` or `date`); the spec
itself is left as it was.
"""

from __future__ import annotations

from collections.abc import Mapping

from qnkpi.errors import QnkpiError, did_you_mean
from qnkpi.sources.base import Source
from qnkpi.sources.frame import FrameSource
from qnkpi.spec.spec import Spec

__all__ = ["Data", "with_frames"]

Data = Mapping[str, object]
"""Source name -> frame: a pandas or polars DataFrame, a pyarrow Table, or any object with
`__arrow_c_stream__`."""


def with_frames(spec: Spec, data: Data | None) -> Spec:
    """`spec` with the sources named in `data` reading their frames.

    Raises:
        QnkpiError: A name in `data` is not a source of the spec (with a suggestion).
        DataError: A frame replaces a source without unit and year columns, or is not a
            frame.
    """
    if not data:
        return spec
    sources = dict(spec.sources)
    for name, frame in data.items():
        source = spec.sources.get(name)
        if source is None:
            known = ", ".join(spec.sources) or "none"
            raise QnkpiError(f"data: the spec has no source '{name}'"
                             f"{did_you_mean(name, spec.sources)}; its sources are: {known}")
        assert isinstance(source, Source)
        sources[name] = FrameSource.replacing(name, source, frame)
    return spec.model_copy(update={"sources": sources})
