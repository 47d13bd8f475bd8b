"""The source type `jsonl`: a JSON Lines file, one JSON object per line, one line per
unit and year.

A source type is a pydantic model (its fields are the source's keys in a spec) with a
`fetch(request)` method that returns one units x years array per measure.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import qnkpi
from qnkpi.errors import did_you_mean
from qnkpi.spec.models import RelPath

__all__ = ["JsonLinesSource"]

FloatPanel = npt.NDArray[np.float64]


# --8<-- [start:source]
class JsonLinesSource(qnkpi.TabularSource):
    """A JSON Lines file: one object per line, such as
    `{"unit": "D1", "year": 2024, "youth": 1200, "trained": 324}`.

    `unit` and `year` (inherited from `TabularSource`) name the keys that hold the
    unit code (a JSON string) and the year (a JSON integer). A measure is read from the
    key of its `column`, its name by default; a missing key or `null` is a missing
    value, never zero. Blank lines are skipped.
    """

    type: Literal["jsonl"]
    path: RelPath  # relative paths are relative to the spec file's folder

    def explain(self, request: qnkpi.FetchRequest) -> str:
        keys = ", ".join(str(m.column) for m in request.measures)
        return f"read {self.path} (JSON Lines; keys {keys})"

    def fetch(self, request: qnkpi.FetchRequest) -> dict[str, FloatPanel]:
        if any(m.aggregate for m in request.measures):
            raise qnkpi.DataError(
                "a jsonl source holds one line per unit and year, not records to add up; "
                "remove 'aggregate' from its measures", file=self.path, source=request.source)
        out = {m.name: np.full(request.shape, np.nan) for m in request.measures}
        first_year, n_years = int(request.years[0]), len(request.years)
        seen: dict[tuple[int, int], int] = {}  # (row, column) -> line number
        for number, line in self._lines(request):
            record = self._record(line, number, request)
            unit = self._unit(record, number, request)
            column = self._year(record, number, request) - first_year
            if not 0 <= column < n_years:
                continue  # a year outside the programme: not asked for
            if (unit, column) in seen:
                raise self._error(
                    f"a second line for unit '{self._code(record)}' in "
                    f"{first_year + column} (the first is line {seen[unit, column]}); "
                    "keep one line per unit and year", number, request)
            seen[unit, column] = number
            for m in request.measures:
                out[m.name][unit, column] = self._number(record, str(m.column), number,
                                                         request)
        return out
    # --8<-- [end:source]

    # --8<-- [start:source-helpers]
    def _error(self, message: str, number: int,
               request: qnkpi.FetchRequest) -> qnkpi.DataError:
        """A data error naming this source, its file and the line (the row)."""
        return qnkpi.DataError(message, file=self.path, row=number, source=request.source)

    def _lines(self, request: qnkpi.FetchRequest) -> Iterator[tuple[int, str]]:
        """(line number, line) for every line that is not blank."""
        try:
            with Path(self.path).open(encoding="utf-8-sig") as lines:
                for number, line in enumerate(lines, start=1):
                    if line.strip():
                        yield number, line
        except FileNotFoundError:
            raise qnkpi.DataError("no such file (a relative path is relative to the "
                                  "spec's folder)", file=self.path,
                                  source=request.source) from None
        except UnicodeDecodeError as exc:
            raise qnkpi.DataError(f"not UTF-8 text ({exc.reason}); save the file as "
                                  "UTF-8", file=self.path, source=request.source) from None
        except OSError as exc:
            raise qnkpi.DataError(f"cannot read the file: {exc.strerror}", file=self.path,
                                  source=request.source) from None

    def _record(self, line: str, number: int,
                request: qnkpi.FetchRequest) -> dict[str, Any]:
        try:
            record = json.loads(line, parse_constant=_not_json)
        except ValueError as exc:
            raise self._error(f"not valid JSON: {exc}", number, request) from None
        if not isinstance(record, dict):
            raise self._error(f"a line must hold a JSON object ({{...}}), not "
                              f"{type(record).__name__}", number, request)
        return record

    def _code(self, record: dict[str, Any]) -> str:
        return unicodedata.normalize("NFC", str(record.get(self.unit)))

    def _unit(self, record: dict[str, Any], number: int,
              request: qnkpi.FetchRequest) -> int:
        """The row of the line's unit in the panels."""
        code = record.get(self.unit)
        if not isinstance(code, str):
            found = "no key" if code is None else f"{json.dumps(code)}"
            raise self._error(f"the unit code (key '{self.unit}') must be a JSON string "
                              f"such as \"22\", found {found}", number, request)
        code = self._code(record)
        if code not in request.units:
            raise self._error(f"unit code '{code}' is not in the spec's org units"
                              f"{did_you_mean(code, request.units)}", number, request)
        return request.units[code]

    def _year(self, record: dict[str, Any], number: int,
              request: qnkpi.FetchRequest) -> int:
        year = record.get(self.year)
        if not isinstance(year, int) or isinstance(year, bool):
            found = "no key" if year is None else json.dumps(year)
            raise self._error(f"the year (key '{self.year}') must be a JSON integer such "
                              f"as 2024, found {found}", number, request)
        return year

    def _number(self, record: dict[str, Any], key: str, number: int,
                request: qnkpi.FetchRequest) -> float:
        """The value of `key`: NaN where the key is missing or null."""
        value = record.get(key)
        if value is None:
            return float("nan")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._error(f"key '{key}' must hold a number or null, found "
                              f"{json.dumps(value)}", number, request)
        try:
            return float(value)
        except OverflowError:
            raise self._error(f"key '{key}' holds a number too large for a float",
                              number, request) from None
    # --8<-- [end:source-helpers]


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON number")
