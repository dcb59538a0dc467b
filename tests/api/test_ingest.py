"""Bulk ingest of orders and lots: JSON and CSV, idempotent by the caller's
id, every problem listed by row and field with nothing stored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from apitest import BOTH_BACKENDS, lot, order

pytestmark = BOTH_BACKENDS

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def test_json_orders_are_stored_once_and_a_retry_changes_nothing(api):
    body = {"orders": [order("O1"), order("O2", kg=7.5)]}
    first = api.client.post("/v1/orders", json=body, headers=api.auth("viettel-post"))
    assert first.status_code == 200, first.text
    assert first.json() | {} == {"case": "default", "received": 2, "created": 2, "updated": 0, "unchanged": 0}
    again = api.client.post("/v1/orders", json=body, headers=api.auth("viettel-post"))
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 2
    changed = api.client.post("/v1/orders", json={"orders": [order("O2", kg=8)]}, headers=api.auth("viettel-post"))
    assert changed.json()["updated"] == 1
    page = api.client.get("/v1/orders", headers=api.auth("viettel-post")).json()
    assert [(o["id"], o["kg"]) for o in page["items"]] == [("O1", 5.0), ("O2", 8.0)]
    assert page["items"][0]["ordered"].startswith("2025-06-12T02:00")  # 09:00 in Vietnam, stored in UTC


def test_csv_file_of_the_tiny_case_is_accepted_as_is(api):
    data = (TINY / "orders.csv").read_bytes()
    r = api.client.post("/v1/orders", content=data, headers={**api.auth("viettel-post"), "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == len(pd.read_csv(TINY / "orders.csv"))
    lots = (TINY / "lots.csv").read_bytes()
    r = api.client.post("/v1/lots", content=lots, headers={**api.auth("coop-a"), "Content-Type": "text/csv"})
    assert r.json()["created"] == 2


def test_bad_rows_are_all_reported_and_nothing_is_stored(api):
    rows = [order("O1"), order("O2", kg=-3), order("O3", market="Mars", hub="nowhere"), order("O1")]
    r = api.client.post("/v1/orders", json={"orders": rows}, headers=api.auth("viettel-post"))
    assert r.status_code == 422
    problems = r.json()["error"]["problems"]
    assert "orders row 2, kg: must be > 0, got -3" in problems
    assert "orders row 3, market: unknown market 'Mars'" in problems
    assert "orders row 3, hub: unknown site 'nowhere'" in problems
    assert any(p.startswith("orders row 1, id: duplicate id") for p in problems)
    assert api.client.get("/v1/orders", headers=api.auth("viettel-post")).json()["items"] == []


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(api):
    csv = ("id,farm,product,kg,ready,latest_pickup\nL1,farm-a,lychee,150,04:00,10:00\n"
           "L2,farm-a,lychee,0,04:00,10:00\nL3,ph-chu,lychee,5,04:00,10:00\nL4,farm-b,lychee,5,04:00,03:00\n")
    r = api.client.post("/v1/lots", content=csv, headers={**api.auth("coop-a"), "Content-Type": "text/csv"})
    assert r.status_code == 422
    problems = r.json()["error"]["problems"]
    assert "lots.csv row 3, kg: must be > 0, got 0" in problems
    assert "lots.csv row 4, farm: site 'ph-chu' is a packing_house, not a farm or collection point" in problems
    assert any(p.startswith("lots.csv row 5") and "latest_pickup" in p for p in problems)
    assert len(problems) == 3, problems


def test_csv_without_required_columns_and_unknown_media_type(api):
    r = api.client.post("/v1/lots", content="id,farm\nL1,farm-a\n",
                        headers={**api.auth("coop-a"), "Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["error"]["problems"] == [
        f"lots.csv, {c}: missing column" for c in ("product", "kg", "ready", "latest_pickup")]
    r = api.client.post("/v1/lots", content="<lots/>", headers={**api.auth("coop-a"), "Content-Type": "application/xml"})
    assert r.status_code == 415


def test_hh_mm_times_are_stored_as_moments_of_the_case_day(api):
    r = api.client.post("/v1/lots", json={"lots": [lot("L9", ready="04:00", latest_pickup="10:00")]},
                        headers=api.auth("coop-a"))
    assert r.status_code == 200, r.text
    item = api.client.get("/v1/lots/L9", headers=api.auth("coop-a")).json()
    assert item["fields"]["ready"] == "2025-06-12T04:00:00+07:00"


def test_list_filters_and_pages(api):
    rows = [order(f"O{i:02d}", market="US" if i % 3 == 0 else "domestic", hub="lax" if i % 3 == 0 else "hub-hn",
                  country="US" if i % 3 == 0 else "VN", region="CA" if i % 3 == 0 else "")
            for i in range(25)]
    assert api.client.post("/v1/orders", json={"orders": rows}, headers=api.auth("viettel-post")).status_code == 200
    seen, cursor = [], None
    while True:
        params = {"limit": 10, "market": "domestic"} | ({"cursor": cursor} if cursor else {})
        page = api.client.get("/v1/orders", params=params, headers=api.auth("viettel-post")).json()
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"O{i:02d}" for i in range(25) if i % 3]
    r = api.client.get("/v1/orders", params={"ordered_from": "2025-06-12T09:30+07:00"}, headers=api.auth("viettel-post"))
    assert r.json()["items"] == []


def test_withdrawn_order_is_gone(api):
    api.client.post("/v1/orders", json={"orders": [order("O1")]}, headers=api.auth("viettel-post"))
    assert api.client.delete("/v1/orders/O1", headers=api.auth("viettel-post")).status_code == 204
    assert api.client.get("/v1/orders/O1", headers=api.auth("viettel-post")).status_code == 404
