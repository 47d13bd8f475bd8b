"""Columnar sanity: 2,000 districts x 8 years x 5 indicators, checked against plain numpy."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

N_DISTRICTS = 2000
YEARS = np.arange(2023, 2031)
PLUGINS = plugins_with()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    """A wide CSV with 5 measures for every district and year, ~10% of cells empty."""
    rng = np.random.default_rng(20230512)
    shape = (N_DISTRICTS, len(YEARS))
    den = rng.integers(1, 100_000, size=shape).astype(np.float64)
    num = np.floor(den * rng.random(shape))
    pop = rng.integers(1_000, 50_000, size=shape).astype(np.float64)
    acts = rng.integers(0, 6, size=shape).astype(np.float64)
    flag = rng.integers(0, 2, size=shape).astype(np.float64)
    columns = {"num": num, "den": den, "pop": pop, "acts": acts, "flag": flag}
    for name, values in columns.items():
        values[rng.random(shape) < 0.1] = np.nan
        columns[name] = values
    lines = ["unit,year," + ",".join(columns)]
    for i in range(N_DISTRICTS):
        for j, year in enumerate(YEARS.tolist()):
            cells = ("" if np.isnan(columns[c][i, j]) else f"{int(columns[c][i, j])}"
                     for c in columns)
            lines.append(f"D{i + 1},{year}," + ",".join(cells))
    folder = tmp_path_factory.mktemp("big")
    (folder / "reports.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, columns


def _spec(folder: Path) -> qnkpi.Spec:
    every_year = {"years": [2023, 2030]}
    indicators = {
        "pct": {"kind": "ratio", "numerator": "num", "denominator": "den", "factor": 100,
                "direction": "increase", "between": "linear",
                "targets": [{"year": 2023, "op": ">", "value": 50},
                            {"year": 2030, "op": ">", "value": 90},
                            {**every_year, "op": ">=", "value": 50, "level": "district"}]},
        "population": {"kind": "value", "measure": "pop", "direction": "increase",
                       "targets": [{**every_year, "op": ">=", "value": 1}]},
        "activities": {"kind": "value", "measure": "acts", "direction": "increase",
                       "targets": [{**every_year, "op": ">=", "value": 2,
                                    "level": "district"}]},
        "active_share": {"kind": "share_of_units", "of": "activities", "level": "district",
                         "rule": {"op": ">=", "value": 2}, "direction": "increase",
                         "targets": [{**every_year, "op": ">=", "value": 100}]},
        "people": {"kind": "sum", "measures": ["pop", "acts"], "direction": "increase",
                   "targets": [{**every_year, "op": ">", "value": 0}]},
    }
    data = tiny_programme(districts=N_DISTRICTS, indicators=indicators,
                          measures={name: {"source": "reports"}
                                    for name in ("num", "den", "pop", "acts", "flag")})
    data["sources"] = {"reports": {"type": "csv", "path": "reports.csv", "unit": "unit",
                                   "year": "year"}}
    return spec_from_dict(data, base_dir=folder, plugins=PLUGINS)


def test_large_spec_evaluates_quickly_and_matches_numpy(
        big: tuple[Path, dict[str, np.ndarray]]) -> None:
    folder, columns = big
    spec = _spec(folder)
    started = time.perf_counter()
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"evaluate took {elapsed:.2f}s"

    assert result.tree.shape == (N_DISTRICTS + 1, len(YEARS))
    num, den = columns["num"], columns["den"]
    both = ~np.isnan(num) & ~np.isnan(den)
    sum_num = np.where(both, num, 0.0).sum(axis=0)
    sum_den = np.where(both, den, 0.0).sum(axis=0)
    pct = result.indicators["pct"]
    assert pct.panel.numerator is not None and pct.panel.denominator is not None
    np.testing.assert_array_equal(pct.panel.numerator[0], sum_num)
    np.testing.assert_array_equal(pct.panel.denominator[0], sum_den)
    np.testing.assert_array_equal(pct.panel.value[0], sum_num * 100 / sum_den)
    # districts: their own ratio, or missing
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(both & (den != 0), num * 100 / den, np.nan)
    np.testing.assert_array_equal(pct.panel.value[1:], own)

    # value and share_of_units against plain numpy
    np.testing.assert_array_equal(result.indicators["population"].panel.value[0],
                                  np.nansum(columns["pop"], axis=0))
    meets = (~np.isnan(columns["acts"])) & (np.nan_to_num(columns["acts"]) >= 2)
    share = result.indicators["active_share"].panel
    np.testing.assert_array_equal(share.value[0], meets.sum(axis=0) * 100.0 / N_DISTRICTS)
    pop_acts = columns["pop"] + columns["acts"]
    np.testing.assert_array_equal(result.indicators["people"].panel.value[0],
                                  np.nansum(pop_acts, axis=0))

    # every indicator checked in every year: province targets plus district targets
    summary = result.summary()
    n_years = len(YEARS)
    assert summary["indicators"]["pct"]["met"] + summary["indicators"]["pct"]["not_met"] \
        + summary["indicators"]["pct"]["no_data"] == n_years * (1 + N_DISTRICTS)
    assert summary["indicators"]["pct"]["no_data"] == int((~both | (den == 0)).sum())
    assert summary["indicators"]["activities"]["no_data"] == int(
        np.isnan(columns["acts"]).sum())
    # pct: province + districts; population, active_share, people: province;
    # activities: districts
    assert summary["checks"] == n_years * ((1 + N_DISTRICTS) + 3 + N_DISTRICTS)
    # the province verdicts follow the interpolated line
    line = np.array([50 + 40 * k / 7 for k in range(8)])
    province_status = pct.status[0]
    expected = np.where(sum_num * 100 / sum_den > line, 1, 2)
    np.testing.assert_array_equal(province_status, expected)


def test_checks_rows_are_built_lazily(big: tuple[Path, dict[str, np.ndarray]]) -> None:
    folder, _ = big
    result = qnkpi.evaluate(_spec(folder), plugins=PLUGINS, units=["P", "D7"])
    started = time.perf_counter()
    rows = list(result.checks())
    assert time.perf_counter() - started < 2.0
    assert {c.unit for c in rows} == {"P", "D7"}
    # pct at both, activities at D7, population, active_share and people at P
    assert len(rows) == len(YEARS) * 6
