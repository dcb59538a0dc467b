"""The hand-made tiny plan validates against the plan.json schema and refers
only to objects of the tiny case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jsonschema
import pytest

from planner.domain import Case
from planner.outputs.index import PlanIndex, parse_time


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_tiny_plan_validates_against_the_schema(tiny_plan, plan_schema) -> None:
    errors = [e.message for e in _validator(plan_schema).iter_errors(tiny_plan)]
    assert errors == []
    assert tiny_plan["schema_version"] == "1.0"


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("routes", 0, "stops", 1, "kind"), "visit", "is not one of"),
        (("shipments", 2, "mode"), "drone", "is not one of"),
        (("shipments", 0, "departure"), "12/06/2025 06:00", "does not match"),
        (("orders", 0, "shipments"), [], "should be non-empty"),
    ],
)
def test_schema_rejects_a_broken_copy(tiny_plan, plan_schema, path, value, fragment) -> None:
    target = tiny_plan
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    messages = [e.message for e in _validator(plan_schema).iter_errors(tiny_plan)]
    assert any(fragment in m for m in messages), messages


def test_tiny_plan_refers_only_to_the_tiny_case(tiny_plan, tiny_case: Case) -> None:
    index = PlanIndex(tiny_case)
    for i, route in enumerate(tiny_plan["routes"]):
        vtype = index.vehicle_type(route["vehicle_type"], f"routes[{i}]")
        assert route["temperature"] == vtype.temperature
        for stop in route["stops"]:
            site = index.site(stop["site"], f"routes[{i}]")
            assert (stop["lat"], stop["lon"]) == (site.location.lat, site.location.lon)
            assert stop["load_kg"] <= vtype.capacity_kg
            for lot in stop["lot_ids"]:
                index.lot(lot, f"routes[{i}]")
    for i, s in enumerate(tiny_plan["shipments"]):
        lane = index.lane(s["lane_id"], f"shipments[{i}]")
        assert (s["origin"], s["destination"], s["mode"]) == (lane.origin, lane.destination, lane.mode)
        transit = parse_time(s["arrival"], "") - parse_time(s["departure"], "")
        assert transit == timedelta(seconds=lane.transit_s)
    served = {o["order_id"] for o in tiny_plan["orders"]}
    unserved = {o["order_id"] for o in tiny_plan["unserved_orders"]}
    assert served | unserved == {o.id for o in tiny_case.orders} and not served & unserved
    delivered = {d["lot_id"] for d in tiny_plan["deliveries"]}
    unassigned = {u["lot_id"] for u in tiny_plan["unassigned_lots"]}
    assert delivered | unassigned == {lot.id for lot in tiny_case.lots}


def test_tiny_plan_route_costs_follow_the_fleet_tariffs(tiny_plan, tiny_case: Case) -> None:
    """cost = fixed + km * cost_per_km + hours * cost_per_hour (hand-checked)."""
    index = PlanIndex(tiny_case)
    for route in tiny_plan["routes"]:
        vt = index.vehicle_type(route["vehicle_type"], "")
        expected = (vt.fixed_cost + route["distance_m"] / 1000 * vt.cost_per_km
                    + route["duration_s"] / 3600 * vt.cost_per_hour)
        assert route["cost"] == pytest.approx(expected, abs=0.01)
    total = sum(r["cost"] for r in tiny_plan["routes"]) + sum(s["cost"] for s in tiny_plan["shipments"])
    assert tiny_plan["summary"]["cost_total"] == pytest.approx(total, abs=0.01)
