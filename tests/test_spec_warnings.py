"""Warnings: problems that do not stop an evaluation but deserve a look."""

from __future__ import annotations

import pytest

from qnkpi.cli import main
from qnkpi.testing import spec_from_dict, tiny_programme


def _programme(op: str, direction: str) -> dict[str, object]:
    return tiny_programme(
        data={"x": {"P": {2023: 5}}},
        indicators={"x_value": {"kind": "value", "measure": "x", "direction": direction,
                                "targets": [{"year": 2023, "op": op, "value": 3}]}})


@pytest.mark.parametrize(("op", "direction"), [("<", "increase"), ("<=", "increase"),
                                               (">", "decrease"), (">=", "decrease")])
def test_an_op_against_the_direction_is_a_warning(op: str, direction: str) -> None:
    spec = spec_from_dict(_programme(op, direction))
    [warning] = spec.warnings
    assert warning.severity == "warning"
    assert f"op '{op}' on an indicator whose direction is '{direction}'" in warning.message
    assert warning.line is not None


@pytest.mark.parametrize(("op", "direction"), [(">", "increase"), ("between", "increase"),
                                               ("==", "decrease"), ("<", "decrease")])
def test_an_op_along_the_direction_is_fine(op: str, direction: str) -> None:
    data = _programme(op, direction)
    if op == "between":
        target = data["indicators"]["x_value"]["targets"][0]  # type: ignore[index]
        target.update({"min": 1, "max": 4})
        del target["value"]
    assert spec_from_dict(data).warnings == ()


def test_validate_prints_warnings_and_still_succeeds(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import yaml

    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(_programme("<", "increase"), sort_keys=False),
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"{path}:" in err and "warning: op '<'" in err
