"""End to end with the engine's daily plan (planner.plan_day) on the tiny
case: ingest through the API, plan in a job, read the results as each
reader, and check an edited plan."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
from apitest import order, wait_for

from api.engine import run_plan_day
from planner.assembly import plan_schema

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture
def planned_tiny(make_api):
    api = make_api(plan_function=run_plan_day)
    csv = {"Content-Type": "text/csv"}
    r = api.client.post("/v1/orders", content=(TINY / "orders.csv").read_bytes(), headers=api.auth("viettel-post") | csv)
    assert r.status_code == 200, r.text
    r = api.client.post("/v1/lots", content=(TINY / "lots.csv").read_bytes(), headers=api.auth("coop-a") | csv)
    assert r.status_code == 200, r.text
    r = api.client.post("/v1/plans", json={"date": "2025-06-12", "time_limit_s": 2}, headers=api.auth("coop-a"))
    job = wait_for(api, r.json()["id"], timeout=90)
    assert job["status"] == "succeeded", job
    return api, job["id"]


def test_the_engine_plans_the_ingested_day(planned_tiny):
    api, job = planned_tiny
    doc = api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()
    jsonschema.validate(doc, plan_schema())
    routes = api.client.get(f"/v1/plans/{job}/routes", headers=api.auth("coop-a")).json()
    assert {lot for r in routes for s in r["stops"] for lot in s["lot_ids"]} == {"L1", "L2"}
    vp = api.client.get(f"/v1/plans/{job}/manifests", headers=api.auth("viettel-post")).json()["items"]
    assert {(m["order_org"], m["order_id"]) for m in vp} <= {("viettel-post", "O1"), ("viettel-post", "O2")}
    ships = api.client.get(f"/v1/plans/{job}/shipments", headers=api.auth("viettel-post")).json()["items"]
    assert vp and all(s["partner"] == "viettel-post" for s in ships)
    # the US order's irradiation names the order it treats (plan.json's treatments[].order_ids)
    assert [(t["order_ids"], t["order_orgs"]) for s in ships for t in s["treatments"]] == [(["O2"], ["viettel-post"])]
    kpis = api.client.get(f"/v1/plans/{job}/kpis", headers=api.auth("coop-a")).json()["kpis"]
    assert (kpis["orders_total"], kpis["lots_total"]) == (2, 2)
    report = api.client.get(f"/v1/plans/{job}/report", headers=api.auth("province")).text
    assert report.startswith("<!DOCTYPE html>") or report.lower().startswith("<!doctype html>")


def test_check_accepts_the_plan_and_finds_an_edit_that_breaks_it(planned_tiny):
    api, job = planned_tiny
    doc = api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()
    ok = api.client.post(f"/v1/plans/{job}/check", json=doc, headers=api.auth("province")).json()
    assert ok["valid"] and ok["violations"] == []
    edited = copy.deepcopy(doc)
    delivery = next(s for s in edited["routes"][0]["stops"] if s["kind"] == "delivery")
    delivery["site"] = "farm-a"
    bad = api.client.post(f"/v1/plans/{job}/check", json=edited, headers=api.auth("province")).json()
    assert not bad["valid"]
    assert any("not a packing house" in v for v in bad["violations"])
    broken = api.client.post(f"/v1/plans/{job}/check", json={"routes": []}, headers=api.auth("province"))
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid_plan"


def test_replan_keeps_a_dispatched_route(planned_tiny):
    api, job = planned_tiny
    doc = api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()
    route = doc["routes"][0]
    lots = [(s["kind"], s["lot_ids"]) for s in route["stops"] if s["lot_ids"]]
    now = route["stops"][1]["departure"]  # the first pickup is done
    r = api.client.post(f"/v1/plans/{job}/replan", json={"dispatched": [route["vehicle_id"]], "now": now,
                                                         "time_limit_s": 2}, headers=api.auth("coop-a"))
    assert r.status_code == 202, r.text
    again = wait_for(api, r.json()["id"], timeout=90)
    assert again["status"] == "succeeded", again
    new = api.client.get(f"/v1/plans/{again['id']}/plan.json", headers=api.auth("province")).json()
    kept = next(x for x in new["routes"] if x["vehicle_id"] == route["vehicle_id"])
    assert [(s["kind"], s["lot_ids"]) for s in kept["stops"] if s["lot_ids"]][:len(lots)] == lots
    assert kept["stops"][1]["arrival"] == route["stops"][1]["arrival"]


def test_check_reads_the_orders_and_lots_the_plan_was_made_from(planned_tiny):
    """New orders and lots after the plan do not make its own plan invalid; asked
    for (``against=today``) the check shows what they change."""
    api, job = planned_tiny
    doc = api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()
    new = [order(f"NEW-{i}", ordered="2025-06-12T10:00") for i in range(7)]
    assert api.client.post("/v1/orders", json={"orders": new}, headers=api.auth("viettel-post")).status_code == 200
    changed = {"id": "L1", "farm": "farm-a", "product": "lychee", "kg": 900, "ready": "2025-06-12T04:00",
               "latest_pickup": "2025-06-12T05:00"}  # a lot of the plan, edited since
    assert api.client.post("/v1/lots", json={"lots": [changed]}, headers=api.auth("coop-a")).status_code == 200
    same = api.client.post(f"/v1/plans/{job}/check", json=doc, headers=api.auth("province")).json()
    assert same["valid"] and same["violations"] == [], same
    today = api.client.post(f"/v1/plans/{job}/check?against=today", json=doc, headers=api.auth("province")).json()
    assert not today["valid"] and today["violations"], today
