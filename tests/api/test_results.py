"""Results of a finished plan, shaped for each reader: routes (JSON, GeoJSON)
for dispatchers, shipments and manifests (JSON, CSV) for the partner
carrying them, KPIs and the report for planners, and re-planning."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
from apitest import fill, planned, wait_for
from planfns import waiting_plan

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "planner" / "assembly" / "plan.schema.json").read_text())


def test_the_stored_plan_document_is_a_valid_plan_json(api):
    fill(api)
    job = planned(api)
    doc = api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()
    jsonschema.validate(doc, SCHEMA)


def test_a_dispatcher_sees_the_routes_of_its_lots_with_its_own_ids(api):
    fill(api)
    job = planned(api)
    routes = api.client.get(f"/v1/plans/{job}/routes", headers=api.auth("coop-a")).json()
    assert sorted(lot for r in routes for s in r["stops"] for lot in s["lot_ids"]) == ["A-L1", "A-L1", "A-L2", "A-L2"]
    b = api.client.get(f"/v1/plans/{job}/routes", headers=api.auth("coop-b")).json()
    assert [r["vehicle_id"] for r in b] == ["moto#3"]
    everything = api.client.get(f"/v1/plans/{job}/routes", headers=api.auth("province")).json()
    assert len(everything) == 3


def test_routes_geojson_has_a_line_per_route_and_a_point_per_stop(api):
    fill(api)
    job = planned(api)
    geo = api.client.get(f"/v1/plans/{job}/routes.geojson", headers=api.auth("coop-b")).json()
    kinds = [(f["geometry"]["type"], f["properties"]["feature"]) for f in geo["features"]]
    assert kinds == [("LineString", "route")] + [("Point", "stop")] * 4
    assert geo["features"][0]["geometry"]["coordinates"][1] == [106.6, 21.4]  # farm-a, lon first


def test_routes_carry_the_planned_wait_of_a_stop(make_api):
    api = make_api(plan_function=waiting_plan)
    fill(api)
    job = planned(api)
    doc = api.client.get(f"/v1/plans/{job}/plan.json", headers=api.auth("province")).json()
    planned_wait = doc["routes"][0]["stops"][1]["service_after"]
    for org in ("province", "coop-a"):  # a planner and the cooperative whose lot is loaded there
        route = api.client.get(f"/v1/plans/{job}/routes", headers=api.auth(org)).json()[0]
        waits = [s["service_after"] for s in route["stops"]]
        assert waits[0] is None and waits[2:] == [None, None]  # service on arrival: null, not left out
        assert datetime.fromisoformat(waits[1]) == datetime.fromisoformat(planned_wait)
        assert datetime.fromisoformat(waits[1]) - datetime.fromisoformat(route["stops"][1]["arrival"]) == timedelta(minutes=30)
    geo = api.client.get(f"/v1/plans/{job}/routes.geojson", headers=api.auth("province")).json()
    stops = [f["properties"] for f in geo["features"] if f["properties"]["feature"] == "stop"]
    assert [p["service_after"] for p in stops[:4]] == [None, planned_wait, None, None]


def test_a_partner_gets_its_shipments_and_manifests_as_json_and_csv(api):
    fill(api)
    job = planned(api)
    ships = api.client.get(f"/v1/plans/{job}/shipments", headers=api.auth("viettel-post")).json()["items"]
    assert {s["partner"] for s in ships} == {"viettel-post"}
    lines = [(m["order_org"], m["order_id"]) for s in ships for m in s["manifest"]]
    assert lines == [("viettel-post", "VP-1"), ("viettel-post", "VP-2")]
    text = api.client.get(f"/v1/plans/{job}/manifests.csv", headers=api.auth("vna-cargo")).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["order_id"], r["kg"], r["mode"]) for r in rows] == [("VNA-1", "5.0", "air")]
    table = api.client.get(f"/v1/plans/{job}/shipments.csv", headers=api.auth("viettel-post"))
    assert table.headers["content-type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(table.text)))[0]["orders"] == "2"
    page = api.client.get(f"/v1/plans/{job}/manifests", headers=api.auth("vna-cargo")).json()
    assert (page["items"][0]["order_id"], page["next_cursor"]) == ("VNA-1", None)
    first = api.client.get(f"/v1/plans/{job}/manifests", params={"limit": 1}, headers=api.auth("viettel-post")).json()
    rest = api.client.get(f"/v1/plans/{job}/manifests", params={"limit": 1, "cursor": first["next_cursor"]},
                          headers=api.auth("viettel-post")).json()
    assert [m["order_id"] for m in first["items"] + rest["items"]] == ["VP-1", "VP-2"]
    assert rest["next_cursor"] is None
    everything = api.client.get(f"/v1/plans/{job}/shipments", params={"limit": 1}, headers=api.auth("province")).json()
    second = api.client.get(f"/v1/plans/{job}/shipments", params={"limit": 1, "cursor": everything["next_cursor"]},
                            headers=api.auth("province")).json()
    assert [s["partner"] for s in everything["items"] + second["items"]] == ["viettel-post", "vna-cargo"]


def test_kpis_and_report(api):
    fill(api)
    job = planned(api)
    kpis = api.client.get(f"/v1/plans/{job}/kpis", headers=api.auth("coop-a")).json()
    assert kpis["kpis"]["orders_total"] == 3 and kpis["kpis"]["lots_total"] == 3
    page = api.client.get(f"/v1/plans/{job}/report", headers=api.auth("province"))
    assert page.headers["content-type"].startswith("text/html") and "<h1>3 routes</h1>" in page.text


def test_replan_keeps_the_dispatched_routes(api):
    fill(api)
    job = planned(api)
    r = api.client.post(f"/v1/plans/{job}/replan", json={"dispatched": ["moto#1"]}, headers=api.auth("coop-a"))
    assert r.status_code == 202 and r.json()["replan_of"] == job
    again = wait_for(api, r.json()["id"])
    doc = api.client.get(f"/v1/plans/{again['id']}/plan.json", headers=api.auth("province")).json()
    assert doc["params"]["fixed"] == ["moto#1"]
    assert api.client.post(f"/v1/plans/{job}/replan", json={}, headers=api.auth("coop-b")).status_code == 403


def test_results_of_an_unfinished_plan_are_a_conflict(make_api):
    api = make_api(workers=0)
    job = api.client.post("/v1/plans", json={}, headers=api.auth("province")).json()["id"]
    r = api.client.get(f"/v1/plans/{job}/shipments", headers=api.auth("viettel-post"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "plan_not_ready"
    assert api.client.get(f"/v1/plans/{'0' * 32}/routes", headers=api.auth("province")).status_code == 404
    assert api.client.get("/v1/plans/nope/routes", headers=api.auth("province")).status_code == 422
