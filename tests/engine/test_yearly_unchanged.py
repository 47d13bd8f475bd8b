"""A yearly evaluation writes exactly the JSON it wrote before periods within the year
existed: `data/quang-ninh-yearly.json.gz` is the Quảng Ninh example's JSON result as
qnkpi wrote it before issue 19's second part (commit f1ed516, when the example's
activities were still read by year). The activities are now read by month and a target
has a half-year milestone; none of it may show in a yearly result.

Change the file only for a change meant to alter the yearly result, and say so in the
commit."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import qnkpi

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "src" / "qnkpi" / "examples" / "quang-ninh" / "programme.yaml"


def test_the_yearly_json_is_byte_identical_to_before() -> None:
    expected = gzip.decompress((HERE / "data" / "quang-ninh-yearly.json.gz").read_bytes())
    for as_of in (None, 2025, "2025-12", "2025-H2"):
        stream = io.StringIO()
        qnkpi.evaluate(qnkpi.load_spec(EXAMPLE), as_of=as_of).write_json(stream)
        assert stream.getvalue().encode("utf-8") == expected, as_of
