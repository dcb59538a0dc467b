"""Moves on a hand-made plan of the tiny case (moto#1 carries L1, 150 kg;
reefer#1 carries L2, 400 kg; a motorbike takes 200 kg, the packing house
takes 5,000 kg an hour), re-timed and checked by ``api.web.recheck``; each
rule found by hand and worded in both languages."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from api.web import editing, recheck, wording
from api.web.i18n import Words
from planner.domain import Case
from planner.io import read_case

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture(scope="module")
def case() -> Case:
    return read_case(TINY)


def _stop(case: Case, site: str, kind: str, lots: list[str], at: str = "2025-06-12T03:30:00+07:00") -> dict[str, Any]:
    loc = case.site_by_id[site].location
    return {"site": site, "kind": kind, "lat": loc.lat, "lon": loc.lon, "arrival": at, "departure": at,
            "waiting_s": 0, "load_kg": 0.0, "lot_ids": lots}


def _route(case: Case, vehicle: str, farm: str, lot: str) -> dict[str, Any]:
    vt = vehicle.partition("#")[0]
    return {"vehicle_id": vehicle, "vehicle_type": vt, "temperature": "ambient", "profile": "motorbike",
            "distance_m": 0, "duration_s": 0, "cost": 0.0,
            "stops": [_stop(case, "ph-chu", "start", []), _stop(case, farm, "pickup", [lot]),
                      _stop(case, "ph-chu", "delivery", [lot]), _stop(case, "ph-chu", "end", [])]}


@pytest.fixture
def plan(case: Case) -> dict[str, Any]:
    """The two routes re-timed from a 03:30 start, as the page stores a plan."""
    doc = {"routes": [_route(case, "moto#1", "farm-a", "L1"), _route(case, "reefer#1", "farm-b", "L2")],
           "deliveries": [], "unassigned_lots": []}
    timed, _ = recheck.recheck(case, doc, {"moto#1", "reefer#1"})
    return {**timed, "deliveries": [
        {"lot_id": lid, "packing_house": "ph-chu", "vehicle_id": v, "picked_up": "2025-06-12T04:00:00+07:00",
         "delivered": "2025-06-12T05:00:00+07:00", "shelf_life_left_days": 24.0}
        for lid, v in (("L1", "moto#1"), ("L2", "reefer#1"))]}


def test_move_takes_the_lot_off_its_route_and_inserts_pickup_and_delivery(case: Case, plan: dict[str, Any]) -> None:
    doc, changed = editing.move(case, plan, editing.Move("L1", "reefer#1", 1))
    assert changed == {"moto#1", "reefer#1"}
    assert [r["vehicle_id"] for r in doc["routes"]] == ["reefer#1"]  # moto#1 has nothing left: no route
    stops = [(s["kind"], s["site"], s["lot_ids"]) for s in doc["routes"][0]["stops"]]
    assert stops == [("start", "ph-chu", []), ("pickup", "farm-a", ["L1"]), ("pickup", "farm-b", ["L2"]),
                     ("delivery", "ph-chu", ["L2", "L1"]), ("end", "ph-chu", [])]
    assert [r["vehicle_id"] for r in plan["routes"]] == ["moto#1", "reefer#1"]  # the original is untouched


def test_move_to_an_unused_vehicle_starts_a_route_from_its_home(case: Case, plan: dict[str, Any]) -> None:
    doc, changed = editing.move(case, plan, editing.Move("L1", "moto#2"))
    route = next(r for r in doc["routes"] if r["vehicle_id"] == "moto#2")
    assert [(s["kind"], s["site"]) for s in route["stops"]] == [
        ("start", "ph-chu"), ("pickup", "farm-a"), ("delivery", "ph-chu"), ("end", "ph-chu")]
    assert changed == {"moto#1", "moto#2"}


@pytest.mark.parametrize(("move", "message"), [
    (editing.Move("L9", "moto#1"), "lot L9 is not in this plan's case"),
    (editing.Move("L1", "moto#7"), "moto#7 is not a vehicle of this case"),
    (editing.Move("L1", "reefer#1", 9), "position must be between 1 and 3 on reefer#1, got 9"),
])
def test_impossible_moves_say_why(case: Case, plan: dict[str, Any], move: editing.Move, message: str) -> None:
    with pytest.raises(editing.EditError, match=message.replace("(", r"\(")):
        editing.move(case, plan, move)


def test_a_valid_move_finds_nothing(case: Case, plan: dict[str, Any]) -> None:
    doc, changed = editing.move(case, plan, editing.Move("L1", "reefer#1"))
    timed, found = recheck.recheck(case, doc, changed)
    assert found.findings == [] and found.checker == []
    delivery = next(d for d in timed["deliveries"] if d["lot_id"] == "L1")
    assert delivery["vehicle_id"] == "reefer#1"


def test_over_capacity_400_kg_on_a_200_kg_motorbike(case: Case, plan: dict[str, Any]) -> None:
    doc, changed = editing.move(case, plan, editing.Move("L2", "moto#1"))
    _, found = recheck.recheck(case, doc, changed)
    over = [f for f in found.findings if f.kind == "over_capacity"]
    assert [(f.vehicle, f.site, f.values) for f in over] == [
        ("moto#1", "farm-b", {"load_kg": 400.0, "capacity_kg": 200.0})]  # L1 delivered first, then L2 alone
    assert any("400" in line and "200" in line for line in found.checker), found.checker
    f = over[0].as_dict()
    assert wording.say(Words("vi"), f) == "Xe moto#1 sẽ chở 400 kg sau điểm farm-b, vượt tải trọng 200 kg."
    assert wording.say(Words("en"), f) == "moto#1 would carry 400 kg after farm-b, more than its 200 kg."


def test_intake_counts_the_other_routes_deliveries(case: Case, plan: dict[str, Any]) -> None:
    ph = dataclasses.replace(case.site_by_id["ph-chu"], intake_kg_per_hour=500.0)
    small = case.replace(sites=tuple(ph if s.id == "ph-chu" else s for s in case.sites))
    doc, changed = editing.move(small, plan, editing.Move("L1", "reefer#1"))
    _, found = recheck.recheck(small, doc, changed)
    intake = [f for f in found.findings if f.kind == "intake"]
    assert [(f.site, f.values["kg"], f.values["capacity_kg_h"]) for f in intake] == [("ph-chu", 550.0, 500.0)]


def test_late_pickup_in_clock_times(case: Case, plan: dict[str, Any]) -> None:
    l1 = next(x for x in case.lots if x.id == "L1")
    tight = case.replace(lots=tuple(dataclasses.replace(x, latest_pickup=l1.ready + 600) if x.id == "L1" else x
                                    for x in case.lots))
    doc, changed = editing.move(tight, plan, editing.Move("L1", "reefer#1"))  # after L2, ready at 05:00
    timed, found = recheck.recheck(tight, doc, changed)
    late = [f for f in found.findings if f.kind == "late_pickup"]
    assert len(late) == 1 and late[0].lot == "L1"
    picked = next(d for d in timed["deliveries"] if d["lot_id"] == "L1")["picked_up"]
    assert late[0].values["picked_up"] == picked
    assert late[0].values["latest"].startswith("2025-06-12T04:10:00")  # ready 04:00 + 10 min
    text = wording.say(Words("en"), late[0].as_dict())
    assert text.startswith("Lot L1 would be picked up at ") and "latest pickup time 04:10 12/06" in text
