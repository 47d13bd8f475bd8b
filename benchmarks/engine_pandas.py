"""The checks of ``benchmarks/engine.py``'s programme, written by hand with pandas.

This is what a user would write instead of a qnkpi spec: read the wide CSV, roll the
measures up the org tree level by level with ``groupby`` (sums of the children that
have a value; ratios as the sum of numerators over the sum of denominators, counting only
units that reported both), expand the targets into one threshold per indicator, level and
year (with straight lines between single-year targets when the indicator says
``between: linear``), merge, compare, and write one CSV row per check.

It reads, from FOLDER (written by ``engine.py``):

* ``data.csv``: ``unit, year`` and one column per measure; lowest-level units only;
* ``units.csv``: ``code, level, parent``;
* ``indicators.csv``: ``name, kind, measure, numerator, denominator, factor, between``;
* ``targets.csv``: ``indicator, level, first_year, last_year, op, value`` (one row per
  stated target; a single-year target has ``first_year == last_year``);

and writes ``pandas.csv``: ``indicator, unit, level, year, value, op, threshold,
numerator, denominator, status``.

    python benchmarks/engine_pandas.py FOLDER
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

FIRST_YEAR = 2023
OPS = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


@dataclass
class Inputs:
    data: pd.DataFrame
    units: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame


def load(folder: Path) -> Inputs:
    return Inputs(
        data=pd.read_csv(folder / "data.csv", dtype={"unit": str}),
        units=pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False),
        indicators=pd.read_csv(folder / "indicators.csv", keep_default_na=False),
        targets=pd.read_csv(folder / "targets.csv"),
    )


def thresholds(indicators: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per (indicator, level, year): op and threshold. Stated targets win over
    interpolated ones."""
    linear = set(indicators.loc[indicators["between"] == "linear", "name"])
    rows: list[tuple[str, str, int, str, float]] = []
    for (indicator, level), stated in targets.groupby(["indicator", "level"], sort=False):
        stated = stated.sort_values("first_year")
        for t in stated.itertuples():
            rows += [(indicator, level, year, t.op, float(t.value))
                     for year in range(t.first_year, t.last_year + 1)]
        if indicator in linear:
            singles = stated[stated["first_year"] == stated["last_year"]]
            for a, b in pairwise(singles.itertuples()):
                span = b.first_year - a.first_year
                for year in range(a.first_year + 1, b.first_year):
                    k = year - a.first_year
                    lo, hi = float(a.value), float(b.value)
                    rows.append((indicator, level, year, a.op, lo + (hi - lo) * k / span))
    out = pd.DataFrame(rows, columns=["indicator", "level", "year", "op", "threshold"])
    return out.drop_duplicates(["indicator", "level", "year"], keep="first")


def compute(inputs: Inputs) -> pd.DataFrame:
    data, units, indicators = inputs.data, inputs.units, inputs.indicators
    measures = data.columns.drop(["unit", "year"])
    as_of = data.loc[data[measures].notna().any(axis=1), "year"].max()

    # Per indicator, the quantities to add up: a ratio's numerator and denominator only
    # where a unit reported both.
    parts: dict[str, pd.Series] = {}
    for ind in indicators.itertuples():
        if ind.kind == "value":
            parts[f"{ind.name}/n"] = data[ind.measure]
        else:
            both = data[ind.numerator].notna() & data[ind.denominator].notna()
            parts[f"{ind.name}/n"] = data[ind.numerator].where(both)
            parts[f"{ind.name}/d"] = data[ind.denominator].where(both)
    lowest = pd.concat([data[["unit", "year"]], pd.DataFrame(parts)], axis=1)

    # Roll up one level at a time: a parent's value is the sum of its children's values
    # (missing when none has one).
    parent = units.set_index("code")["parent"]
    levels = [lowest]
    while True:
        child = levels[-1]
        up = child.assign(unit=child["unit"].map(parent))
        up = up[up["unit"].notna() & (up["unit"] != "")]
        if up.empty:
            break
        levels.append(up.groupby(["unit", "year"], as_index=False).sum(min_count=1))
    rolled = pd.concat(levels, ignore_index=True)

    # Long format: one row per (indicator, unit, year).
    values = []
    for ind in indicators.itertuples():
        num = rolled[f"{ind.name}/n"]
        if ind.kind == "value":
            value, den = num, np.nan
        else:
            den = rolled[f"{ind.name}/d"]
            value = (num * float(ind.factor) / den).where(den != 0)
            num = num.where(value.notna())
            den = den.where(value.notna())
        values.append(pd.DataFrame({
            "indicator": ind.name, "unit": rolled["unit"], "year": rolled["year"],
            "value": value, "numerator": num if ind.kind != "value" else np.nan,
            "denominator": den}))
    long = pd.concat(values, ignore_index=True)

    # Every unit of a target's level, every year up to the latest year with data.
    grid = thresholds(indicators, inputs.targets)
    grid = grid[(grid["year"] >= FIRST_YEAR) & (grid["year"] <= as_of)]
    grid = grid.merge(units[["code", "level"]].rename(columns={"code": "unit"}), on="level")
    checks = grid.merge(long, on=["indicator", "unit", "year"], how="left")

    status = np.full(len(checks), "not_met", dtype=object)
    for op, compare in OPS.items():
        rows = (checks["op"] == op).to_numpy()
        met = compare(checks["value"].to_numpy()[rows], checks["threshold"].to_numpy()[rows])
        status[np.flatnonzero(rows)[met]] = "met"
    status[checks["value"].isna().to_numpy()] = "no_data"
    checks["status"] = status

    order = pd.Categorical(checks["indicator"], categories=list(indicators["name"]))
    checks = checks.assign(_order=order).sort_values(["_order", "year", "unit"])
    return checks[["indicator", "unit", "level", "year", "value", "op", "threshold",
                   "numerator", "denominator", "status"]]


def write(checks: pd.DataFrame, path: Path) -> None:
    checks.to_csv(path, index=False)


def main(folder: Path) -> None:
    write(compute(load(folder)), folder / "pandas.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
