"""After a move, the freight depending on it is re-checked with the
consolidation checker: a lot that now reaches the packing house after its
shipment's cut-off is named with the shipment; a move that re-times no lot
a shipment loads re-checks nothing."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from webtest import Server, fill, start_plan

from api.web import dayplan, freight


def planned(server: Server) -> tuple[str, dict]:  # type: ignore[type-arg]
    fill(server)
    job = start_plan(server.browser("coop-a"))
    doc = server.client.get(f"/v1/plans/{job}/plan.json", headers=server.bearer("province")).json()
    return job, doc


def test_a_lot_arriving_after_its_shipment_leaves_is_a_freight_finding(server: Server) -> None:
    job, doc = planned(server)
    case = dayplan.CASES.get(server.state, job)
    first = min(doc["shipments"], key=lambda s: s["departure"])
    lot = first["manifest"][0]["supply_id"]
    assert freight.recheck_freight(case, doc, copy.deepcopy(doc), {lot}).findings == []  # nothing moved
    late = copy.deepcopy(doc)
    d = next(x for x in late["deliveries"] if x["lot_id"] == lot)
    leaves = datetime.fromisoformat(first["departure"])
    d["delivered"] = (leaves - timedelta(minutes=5)).isoformat()  # unloading ends after the cut-off
    result = freight.recheck_freight(case, doc, late, {lot})
    assert first["id"] in {s["id"] for s in result.shipments}
    assert {s["id"] for s in result.shipments} == {s["id"] for s in doc["shipments"]
                                                   if lot in {m["supply_id"] for m in s["manifest"]}}
    assert result.findings, "a lot ready after its shipment's departure must be found"
    assert all(f.kind in ("freight", "freight_late", "freight_elsewhere") and lot in f.values["lots"] for f in result.findings)
    late = [f for f in result.findings if f.kind == "freight_late"]
    assert late and late[0].lot == lot and late[0].values["ready"] > late[0].values["cutoff"]
    assert all(f.values["shipments"] == [first["id"]] for f in result.findings)


def test_a_lot_no_shipment_loads_rechecks_no_freight(server: Server) -> None:
    job, doc = planned(server)
    case = dayplan.CASES.get(server.state, job)
    loaded = {m["supply_id"] for s in doc["shipments"] for m in s["manifest"]}
    free = next(d["lot_id"] for d in doc["deliveries"] if d["lot_id"] not in loaded)
    result = freight.recheck_freight(case, doc, doc, {free})
    assert (result.shipments, result.findings) == ([], [])


def test_the_page_names_the_shipments_it_rechecked_after_a_move(server: Server) -> None:
    job, doc = planned(server)
    loaded = {m["supply_id"] for s in doc["shipments"] for m in s["manifest"]}
    lot = sorted(x for x in loaded if x.startswith("coop-a:"))[0]
    carrier = next(d["vehicle_id"] for d in doc["deliveries"] if d["lot_id"] == lot)
    others = {d["vehicle_id"] for d in doc["deliveries"] if not d["lot_id"].startswith("coop-a:")}
    target = next(v for v in ("reefer#1", "moto#1", "moto#2") if v not in {carrier} | others)
    b = server.browser("coop-a")
    r = b.client.post(f"/dispatch/plans/{job}/move", data={"csrf_token": b.csrf, "lot": lot.split(":")[1],
                                                          "vehicle": target}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    page = b.get(f"/dispatch/plans/{job}").text
    assert 'id="freight-checked"' in page
    rechecked = [s["id"] for s in doc["shipments"] if lot in {m["supply_id"] for m in s["manifest"]}]
    assert all(sid in page.split('id="freight-checked"')[1].split("</p>")[0] for sid in rechecked)


def test_freight_findings_are_said_in_vietnamese_with_clock_times() -> None:
    from api.web import wording
    from api.web.i18n import Words

    w = Words("vi")
    late = {"kind": "freight_late", "lot": "coop-a:A-L2", "site": "ph-chu", "values": {
        "orders": 2, "shipments": ["chu-hn-reefer@07h00-12.06"], "ready": "2025-06-12T07:35:00+07:00",
        "cutoff": "2025-06-12T06:00:00+07:00", "departure": "2025-06-12T07:00:00+07:00"}}
    assert wording.say(w, late, site_name=lambda s: "Chu packing house", lot_name=lambda x: x.split(":")[1]) == (
        "Lô A-L2 sẽ sẵn sàng ở Chu packing house lúc 07:35 12/06, sau giờ chốt 06:00 12/06 của chuyến "
        "chu-hn-reefer@07h00-12.06 (khởi hành 07:00 12/06): 2 đơn trên chuyến sẽ lỡ chuyến.")
    elsewhere = {**late, "kind": "freight_elsewhere", "values": {**late["values"], "at": "ph-kim", "origin": "ph-chu"}}
    said = wording.say(w, elsewhere, site_name={"ph-kim": "Kim", "ph-chu": "Chũ"}.get, lot_name=lambda x: x)
    assert said.startswith("Lô coop-a:A-L2 nay sẽ về Kim, không phải Chũ nơi chuyến chu-hn-reefer@07h00-12.06"), said
