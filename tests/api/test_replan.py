"""Re-plan from now with vehicles out (broken or otherwise unavailable), on
the engine's daily plan of the tiny case (moto#1, moto#2, reefer#1): the
request names unknown vehicles with a 422, a vehicle out takes nothing new,
and one both dispatched and out keeps only what it finished before now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apitest import wait_for

from api.engine import PlanOptions, fixed_routes, run_plan_day, without_vehicles
from planner.io import read_case

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def planned(make_api: Any) -> tuple[Any, str, dict[str, Any]]:
    api = make_api(plan_function=run_plan_day)
    r = api.client.post("/v1/orders", content=(TINY / "orders.csv").read_bytes(), headers=api.auth("viettel-post") | CSV)
    assert r.status_code == 200, r.text
    r = api.client.post("/v1/lots", content=(TINY / "lots.csv").read_bytes(), headers=api.auth("coop-a") | CSV)
    assert r.status_code == 200, r.text
    r = api.client.post("/v1/plans", json={"date": "2025-06-12", "time_limit_s": 2}, headers=api.auth("coop-a"))
    job = wait_for(api, r.json()["id"], timeout=90)
    assert job["status"] == "succeeded", job
    return api, job["id"], document(api, job["id"])


def document(api: Any, job: str) -> dict[str, Any]:
    return api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()  # type: ignore[no-any-return]


def replan(api: Any, job: str, **body: Any) -> dict[str, Any]:
    r = api.client.post(f"/v1/plans/{job}/replan", json={"time_limit_s": 2, **body}, headers=api.auth("coop-a"))
    assert r.status_code == 202, r.text
    again = wait_for(api, r.json()["id"], timeout=90)
    assert again["status"] == "succeeded", again
    return document(api, again["id"])


def lots_of(route: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(s["kind"], s["lot_ids"]) for s in route["stops"] if s["lot_ids"]]


def test_an_unknown_unavailable_vehicle_is_a_422_naming_it(planned):
    api, job, _ = planned
    r = api.client.post(f"/v1/plans/{job}/replan", json={"unavailable": ["moto#1", "moto#9"]},
                        headers=api.auth("coop-a"))
    assert r.status_code == 422, r.text
    problems = r.json()["error"]["problems"]
    assert len(problems) == 1 and "moto#9" in problems[0] and problems[0].startswith("unavailable[1]")


def test_a_vehicle_out_takes_nothing_and_the_others_keep_their_ids(planned):
    api, job, doc = planned
    used = sorted(r["vehicle_id"] for r in doc["routes"])
    out = used[0]
    new = replan(api, job, unavailable=[out])
    assert out not in {r["vehicle_id"] for r in new["routes"]}
    assert out not in {d["vehicle_id"] for d in new["deliveries"]}
    fleet = {"moto#1", "moto#2", "reefer#1"}
    assert {r["vehicle_id"] for r in new["routes"]} <= fleet - {out}
    assert all(r["vehicle_type"] == r["vehicle_id"].partition("#")[0] for r in new["routes"])
    routed = {lot for r in new["routes"] for s in r["stops"] for lot in s["lot_ids"]}
    unassigned = {u["lot_id"] for u in new["unassigned_lots"]}
    assert routed | unassigned == {"coop-a:L1", "coop-a:L2"}
    check = api.client.post(f"/v1/plans/{job}/check", json=new, headers=api.auth("province")).json()
    assert check["valid"], check["violations"]


def test_a_dispatched_vehicle_that_broke_keeps_only_what_it_finished(planned):
    api, job, doc = planned
    route = next(r for r in doc["routes"] if any(s["kind"] == "delivery" for s in r["stops"]))
    first_delivery = next(i for i, s in enumerate(route["stops"]) if s["kind"] == "delivery")
    done = route["stops"][:first_delivery + 1]
    finished = {lot for s in done if s["kind"] == "delivery" for lot in s["lot_ids"]}
    now = route["stops"][first_delivery]["departure"]
    vid = route["vehicle_id"]
    new = replan(api, job, dispatched=[vid], unavailable=[vid], now=now)
    kept = next(r for r in new["routes"] if r["vehicle_id"] == vid)
    assert {lot for s in kept["stops"] for lot in s["lot_ids"]} == finished  # nothing new on it
    assert lots_of(kept) == [(k, [x for x in lots if x in finished]) for k, lots in lots_of(route)
                             if set(lots) & finished]
    picked = next(s for s in kept["stops"] if s["kind"] == "pickup")
    assert picked["arrival"] == route["stops"][1]["arrival"]  # done: the time it was done


def test_without_vehicles_renumbers_for_the_router_and_back(tmp_path):
    case = read_case(TINY)
    from datetime import date

    fleet = without_vehicles(case, PlanOptions(day=date(2025, 6, 12), time_limit_s=1, unavailable=("moto#1",)))
    assert {vt.id: vt.count for vt in fleet.case.vehicle_types} == {"moto": 1, "reefer": 1}
    assert fleet.names == {"moto#1": "moto#2", "reefer#1": "reefer#1"}
    assert fixed_routes(case, PlanOptions(day=date(2025, 6, 12), time_limit_s=1)) == ()
    with pytest.raises(ValueError, match="moto#7"):
        without_vehicles(case, PlanOptions(day=date(2025, 6, 12), time_limit_s=1, unavailable=("moto#7",)))
