"""plan.json: the whole plan as a JSON document (schema version 1.1,
``plan.schema.json`` beside this module). Engine seconds become RFC 3339
date-times with seconds and the case's offset; shelf life becomes days at the
reference temperature; a text field with nothing to say is ``null``, never
``""``. Migration from 1.0: ``docs/plan-json.md``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import drivers_by_vehicle
from ..domain.units import DAY, to_datetime

if TYPE_CHECKING:
    from .plan import DailyPlan

SCHEMA_VERSION = "1.1"
SCHEMA_PATH = Path(__file__).resolve().parent / "plan.schema.json"


@cache
def plan_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _days(seconds: float) -> float:
    return round(seconds / DAY, 5)


def plan_document(plan: DailyPlan) -> dict[str, Any]:
    case = plan.case
    s = case.settings

    def iso(t: float) -> str:
        return to_datetime(int(t), s.epoch, s.timezone).isoformat(timespec="seconds")

    return _nulls({
        "schema_version": SCHEMA_VERSION,
        "case": {"name": s.name, "epoch": iso(0), "timezone": s.timezone, "currency": s.currency,
                 "digest": None},
        "seed": plan.seed,
        "params": plan.params.as_dict(),
        "summary": plan.kpis,
        "routes": _routes(plan, iso),
        "deliveries": [{
            "lot_id": d.lot_id, "packing_house": d.packing_house, "vehicle_id": d.vehicle_id,
            "picked_up": iso(d.picked_up), "delivered": iso(d.delivered),
            "shelf_life_left_days": _days(d.shelf_life_left_s),
        } for d in plan.routing.deliveries],
        "unassigned_lots": [
            {"lot_id": u.lot_id, "reason": u.reason.value, "detail": u.detail}
            for u in plan.routing.unassigned
        ],
        "shipments": _shipments(plan, iso),
        "orders": _orders(plan, iso),
        "unserved_orders": [
            {"order_id": u.order_id, "reason": u.reason.value, "detail": u.detail}
            for u in plan.consolidation.unserved
        ],
        **({"stock": _stock(plan, iso)} if plan.stock else {}),
    })


def _nulls(value: Any) -> Any:
    """``value`` with every empty string replaced by ``None`` (JSON null)."""
    if isinstance(value, dict):
        return {k: _nulls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nulls(v) for v in value]
    return None if value == "" else value


def _routes(plan: DailyPlan, iso: Any) -> list[dict[str, Any]]:
    case = plan.case
    vtypes = {v.id: v for v in case.vehicle_types}
    drivers = drivers_by_vehicle(case.drivers)
    out = []
    for r in plan.routing.routes:
        vt = vtypes[r.vehicle_type]
        stops = []
        for st in r.stops:
            loc = case.site_by_id[st.site].location
            stops.append({
                "site": st.site, "kind": st.kind, "lat": loc.lat, "lon": loc.lon,
                "arrival": iso(st.arrival), "departure": iso(st.departure),
                "waiting_s": int(st.waiting), "load_kg": round(st.load_kg, 1), "lot_ids": list(st.lot_ids),
            })
            if st.service_after is not None:  # a planned wait (intake slot, opening), honoured by check
                stops[-1]["service_after"] = iso(st.service_after)
        out.append({
            "vehicle_id": r.vehicle_id, "vehicle_type": r.vehicle_type,
            "temperature": vt.temperature.value, "profile": vt.profile,
            "distance_m": round(r.km * 1000), "duration_s": int(r.duration_s),
            "cost": round(r.cost, 0),
            "driver_id": drivers[r.vehicle_id].id if r.vehicle_id in drivers else None,
            "stops": stops,
        })
    return out


def _shipments(plan: DailyPlan, iso: Any) -> list[dict[str, Any]]:
    out = []
    for sh in plan.consolidation.shipments:
        out.append({
            "id": sh.id, "lane_id": sh.lane_id, "mode": sh.mode, "partner": sh.partner,
            "origin": sh.origin, "destination": sh.destination,
            "departure": iso(sh.departure), "arrival": iso(sh.arrival),
            "temperature_c": sh.temperature_c,
            "units": [{"index": u.index, "kg": round(u.kg, 1), "boxes": int(u.boxes),
                       "fill": round(min(u.fill, 1.0), 4)} for u in sh.units],
            "manifest": [{"order_id": m.order_id, "kg": round(m.kg, 2), "boxes": int(m.boxes),
                          "unit": m.unit, "supply_id": m.supply_id,
                          "shelf_life_left_days": _days(m.shelf_life_left_at_arrival_s)}
                         for m in sh.manifest],
            "treatments": [{"facility": t.facility, "treatment": t.treatment,
                            "start": iso(t.start), "end": iso(t.end), "order_ids": list(t.order_ids)}
                           for t in sh.treatments],
            "cost": round(sh.cost, 0),
        })
    return out


def _orders(plan: DailyPlan, iso: Any) -> list[dict[str, Any]]:
    orders = {o.id: o for o in plan.case.orders}
    out = []
    for oid, it in sorted(plan.consolidation.itineraries.items()):
        o = orders[oid]
        out.append({
            "order_id": oid, "partner": o.partner, "delivered": iso(it.delivered),
            "on_time": bool(it.delivered <= o.deadline),
            "shelf_life_left_days": _days(it.shelf_life_left_s), "shipments": list(it.shipments),
        })
    return out


def _stock(plan: DailyPlan, iso: Any) -> list[dict[str, Any]]:
    """Packed fruit the plan started from (``plan_day(stock=...)``): the
    checker needs it to verify the orders served from it."""
    return [{"id": s.id, "site": s.site, "product": s.product, "grade": s.grade, "kg": s.kg,
             "available_at": iso(s.available_at), "shelf_life_left_days": _days(s.shelf_life_left_s),
             "certifications": sorted(s.certifications), "cooled": s.cooled} for s in plan.stock]


def write_plan_json(plan: DailyPlan, path: Path) -> Path:
    path.write_text(json.dumps(plan.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
