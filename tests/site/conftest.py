"""Fixtures of the reporting site's tests: the Quảng Ninh example's site, built once per
module, and the same site served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import SPEC, Served, serve

import qnkpi
from qnkpi.reporters.site import SiteSummary, build_site


@pytest.fixture(scope="module")
def example() -> qnkpi.Result:
    """The Quảng Ninh example, evaluated."""
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


@pytest.fixture(scope="module")
def built(example: qnkpi.Result, tmp_path_factory: pytest.TempPathFactory) -> SiteSummary:
    """The example's site in Vietnamese (at the root) and English (under `en/`), as
    `qnkpi site SPEC -o DIR` writes it without a public address."""
    return build_site(example, tmp_path_factory.mktemp("site") / "site", langs=("vi", "en"))


@pytest.fixture(scope="module")
def site(built: SiteSummary) -> Path:
    """The folder of the example's site."""
    return built.directory


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    """The example's site served by Python's `http.server` on 127.0.0.1."""
    with serve(site) as server:
        yield server
