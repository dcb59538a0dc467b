"""The one module of the page that re-times and checks edited routes.

An edit changes one or two routes. Only those are re-timed (the checkers'
one re-timer, ``planner.routing.check.retime``) and checked
(``planner.assembly.check.check_routes``: every routing rule on those
routes, and the packing-house intake with the other routes' deliveries as
the plan has them), in milliseconds.

Besides the checker's own lines (kept as ``checker``), each broken rule is
given as a ``Finding``: a kind and its values (clock times as ISO text,
kg, hours) that the page words in the user's language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from planner.assembly.check import check_routes
from planner.assembly.plan_reader import planned_routes
from planner.domain import Case, HarvestLot
from planner.domain.units import HOUR, parse_datetime, to_datetime, to_seconds
from planner.routing import LotDelivery, Route
from planner.routing.check import consumed, retime
from planner.travel import GreatCircleProvider, TravelTimeProvider

SLOT_S = HOUR


@dataclass(frozen=True)
class Finding:
    """One broken rule: ``kind`` (late_pickup, over_capacity, over_boxes,
    after_shift, before_shift, freshness, closed, intake, not_allowed,
    route) and what the page needs to say it."""

    kind: str
    vehicle: str = ""
    lot: str = ""
    site: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Recheck:
    routes: dict[str, dict[str, Any]]  # vehicle id -> re-timed route document (absent: no route any more)
    deliveries: dict[str, dict[str, Any]]  # lot id -> delivery entry of plan.json
    findings: list[Finding]
    checker: list[str]  # the engine checker's own lines

    @property
    def ok(self) -> bool:
        return not self.findings and not self.checker


def seconds(case: Case, text: str) -> int:
    return to_seconds(parse_datetime(text, case.settings.timezone), case.settings.epoch)


def iso(case: Case, t: float) -> str:
    return to_datetime(int(t), case.settings.epoch, case.settings.timezone).isoformat(timespec="seconds")


def travel_of(case: Case) -> TravelTimeProvider:
    """The travel times the checkers use (as ``planner check`` does)."""
    return GreatCircleProvider.from_settings(case.settings.travel)


def _route_doc(case: Case, old: dict[str, Any], route: Route) -> dict[str, Any]:
    stops = []
    for st in route.stops:
        loc = case.site_by_id[st.site].location
        stops.append({
            "site": st.site, "kind": st.kind, "lat": loc.lat, "lon": loc.lon,
            "arrival": iso(case, st.arrival), "departure": iso(case, st.departure),
            "waiting_s": int(st.waiting), "load_kg": round(st.load_kg, 1), "lot_ids": list(st.lot_ids),
        })
        if st.service_after is not None:
            stops[-1]["service_after"] = iso(case, st.service_after)
    return {**old, "distance_m": round(route.km * 1000), "duration_s": int(route.duration_s),
            "cost": round(route.cost, 0), "stops": stops}


def recheck(case: Case, document: dict[str, Any], changed: set[str], *,
            travel: TravelTimeProvider | None = None) -> tuple[dict[str, Any], Recheck]:
    """Re-time the routes of ``changed`` vehicles in ``document`` and check
    them: the document with those routes and their lots' deliveries re-timed,
    and what the check found."""
    travel = travel or travel_of(case)
    lots = {lot.id: lot for lot in case.lots}
    types = {vt.id: vt for vt in case.vehicle_types}
    routes, deliveries, findings = {}, {}, []
    new: list[LotDelivery] = []
    mine = [r for r in document["routes"] if r["vehicle_id"] in changed]
    for doc, planned in zip(mine, planned_routes(case, {"routes": mine}), strict=True):
        vt = types.get(planned.vehicle_type)
        if vt is None or any(lid not in lots for s in planned.stops for lid in s.lot_ids):
            continue  # check_routes names the unknown vehicle type or lot
        again = retime(case, vt, planned.stops, travel, lots)
        route = again.route(planned.vehicle_id, vt.id)
        for lid, (site, t) in again.delivered.items():
            picked = again.picked.get(lid, t)
            spent = consumed(case, lots[lid], vt, picked, t)
            new.append(LotDelivery(lid, site, planned.vehicle_id, picked, t,
                                   case.product_by_id[lots[lid].product].ref_shelf_life_s - spent, 0.0, lots[lid].kg))
        routes[planned.vehicle_id] = _route_doc(case, doc, route)
        findings += _route_findings(case, route, lots)
    for d in new:
        deliveries[d.lot_id] = {
            "lot_id": d.lot_id, "packing_house": d.packing_house, "vehicle_id": d.vehicle_id,
            "picked_up": iso(case, d.picked_up), "delivered": iso(case, d.delivered),
            "shelf_life_left_days": round(d.shelf_life_left_s / 86400, 5),
        }
        findings += _delivery_findings(case, d, lots[d.lot_id])
    findings += _intake_findings(case, document, new, lots)
    edited = {**document, "routes": [routes.get(r["vehicle_id"], r) for r in document["routes"]],
              "deliveries": [deliveries.get(d["lot_id"], d) for d in document["deliveries"]]}
    present = {r["vehicle_id"] for r in edited["routes"]} & changed
    report = check_routes(case, edited, sorted(present), travel=travel)
    return edited, Recheck(routes, deliveries, findings, list(report.violations))


def _route_findings(case: Case, route: Route, lots: dict[str, HarvestLot]) -> list[Finding]:
    vt = next(v for v in case.vehicle_types if v.id == route.vehicle_type)
    out = []
    first, last = route.stops[0], route.stops[-1]
    if first.departure < vt.shift.start:
        out.append(Finding("before_shift", route.vehicle_id, values={
            "start": iso(case, first.departure), "shift_start": iso(case, vt.shift.start)}))
    if last.arrival > vt.shift.end:
        out.append(Finding("after_shift", route.vehicle_id, values={
            "end": iso(case, last.arrival), "shift_end": iso(case, vt.shift.end)}))
    for st in route.stops:
        if st.load_kg > vt.capacity_kg + 1e-6:
            out.append(Finding("over_capacity", route.vehicle_id, site=st.site, values={
                "load_kg": st.load_kg, "capacity_kg": vt.capacity_kg}))
        if vt.capacity_boxes and st.load_boxes > vt.capacity_boxes:
            out.append(Finding("over_boxes", route.vehicle_id, site=st.site, values={
                "boxes": st.load_boxes, "capacity_boxes": vt.capacity_boxes}))
    return out


def _delivery_findings(case: Case, d: LotDelivery, lot: HarvestLot) -> list[Finding]:
    out = []
    if d.picked_up > lot.latest_pickup:
        out.append(Finding("late_pickup", d.vehicle_id, d.lot_id, lot.farm, {
            "picked_up": iso(case, d.picked_up), "ready": iso(case, lot.ready),
            "latest": iso(case, lot.latest_pickup), "late_s": d.picked_up - lot.latest_pickup}))
    if lot.packing_houses and d.packing_house not in lot.packing_houses:
        out.append(Finding("not_allowed", d.vehicle_id, d.lot_id, d.packing_house,
                           {"allowed": list(lot.packing_houses)}))
    if not case.site_by_id[d.packing_house].is_open(d.delivered):
        out.append(Finding("closed", d.vehicle_id, d.lot_id, d.packing_house, {"at": iso(case, d.delivered)}))
    product = case.product_by_id[lot.product]
    vt = next(v for v in case.vehicle_types if v.id == d.vehicle_id.partition("#")[0])
    spent = consumed(case, lot, vt, d.picked_up, d.delivered)
    if spent > product.precool_budget_s + 1e-3:
        out.append(Finding("freshness", d.vehicle_id, d.lot_id, d.packing_house, {
            "over_s": spent - product.precool_budget_s, "budget_s": product.precool_budget_s,
            "delivered": iso(case, d.delivered)}))
    return out


def intake_by_hour(case: Case, document: dict[str, Any], *, weighed: dict[str, float] | None = None
                   ) -> dict[str, dict[int, float]]:
    """kg delivered to each packing house in each hour slot (engine seconds of
    the slot start), with the kg weighed in the field where known."""
    lots = {lot.id: lot for lot in case.lots}
    weighed = weighed or {}
    out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for d in document["deliveries"]:
        kg = weighed.get(d["lot_id"], lots[d["lot_id"]].kg if d["lot_id"] in lots else 0.0)
        slot = seconds(case, d["delivered"]) // SLOT_S * SLOT_S
        out[d["packing_house"]][slot] += kg
    return out


def _intake_findings(case: Case, document: dict[str, Any], new: list[LotDelivery],
                     lots: dict[str, HarvestLot]) -> list[Finding]:
    moved = {d.lot_id for d in new}
    kg: dict[tuple[str, int], float] = defaultdict(float)
    for d in document["deliveries"]:
        if d["lot_id"] not in moved and d["lot_id"] in lots:
            kg[(d["packing_house"], seconds(case, d["delivered"]) // SLOT_S)] += lots[d["lot_id"]].kg
    touched = set()
    for d in new:
        key = (d.packing_house, d.delivered // SLOT_S)
        kg[key] += lots[d.lot_id].kg
        touched.add(key)
    out = []
    for ph, slot in sorted(touched):
        cap = case.site_by_id[ph].intake_kg_per_hour
        if cap is not None and kg[(ph, slot)] > cap * SLOT_S / HOUR + 1e-6:
            out.append(Finding("intake", site=ph, values={
                "slot": iso(case, slot * SLOT_S), "kg": kg[(ph, slot)], "capacity_kg_h": cap}))
    return out


def shelf_life_left_s(case: Case, lot_id: str, vehicle_id: str, picked_up: int, at: int) -> float:
    """Reference seconds of shelf life ``lot_id`` has left at ``at``, picked up at ``picked_up``."""
    lot = next(x for x in case.lots if x.id == lot_id)
    vt = next(v for v in case.vehicle_types if v.id == vehicle_id.partition("#")[0])
    product = case.product_by_id[lot.product]
    return product.ref_shelf_life_s - consumed(case, lot, vt, picked_up, max(at, picked_up))
