"""plan.json 1.1: RFC 3339 date-times with seconds (checked by a format
checker), the case's name and digest, null instead of empty strings, the
driver of each route."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from typer.testing import CliRunner

from planner import PlanParams, plan_day, read_case
from planner.cli.main import app
from planner.domain import Driver
from planner.io.digest import case_digest

from .conftest import DATA, SCHEMA

SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}/{i}")
    else:
        yield path, value


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    case = read_case(DATA / "tiny")
    case = case.replace(drivers=(Driver("d1", "Giáp Văn Thành", "moto", "0000 000 001"),))
    return plan_day(case, PlanParams(time_limit_s=4), seed=1).to_json()


def test_plan_json_validates_with_format_checking(doc) -> None:
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                            validate_formats=True)
    errors = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors
    assert doc["schema_version"] == "1.1"


def test_every_time_has_seconds_and_no_text_is_empty(doc) -> None:
    times = [(p, v) for p, v in _leaves(doc) if isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\dT", v)]
    assert len(times) > 20
    assert [p for p, v in times if not SECONDS.match(v)] == []
    assert [p for p, v in _leaves(doc) if v == ""] == []


def test_format_checking_refuses_a_time_without_seconds(doc) -> None:
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                            validate_formats=True)
    bad = json.loads(json.dumps(doc))
    bad["routes"][0]["stops"][0]["arrival"] = "2025-06-12T04:11+07:00"
    assert not validator.is_valid(bad)


def test_routes_name_their_driver(doc) -> None:
    drivers = {r["vehicle_id"]: r["driver_id"] for r in doc["routes"]}
    assert all(d == "d1" if v == "moto#1" else d is None for v, d in drivers.items())
    assert doc["case"]["name"] == "tiny hand-checked case" and doc["case"]["digest"] is None


def test_planner_plan_writes_the_digest_of_the_case(tmp_path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(DATA / "tiny"), "--out", str(out),
                                      "--time-limit", "4", "--no-pdf"])
    assert result.exit_code == 0, result.output
    written = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert written["case"]["digest"] == case_digest(DATA / "tiny")
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", written["case"]["digest"])


def test_the_digest_follows_every_byte_and_name(tmp_path) -> None:
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    first = case_digest(tmp_path)
    (tmp_path / "a.csv").write_text("y\n", encoding="utf-8")
    second = case_digest(tmp_path)
    (tmp_path / "a.csv").rename(tmp_path / "b.csv")
    third = case_digest(tmp_path)
    assert len({first, second, third}) == 3
    (tmp_path / ".hidden").write_text("ignored", encoding="utf-8")
    assert case_digest(tmp_path) == third
