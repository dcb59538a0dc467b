"""Read a plan.json (perhaps edited by hand) back into engine objects: the
route sequences are kept as written and re-timed from the case, shipments
and itineraries are taken as written (their costs recomputed from the lanes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

from ..consolidation import (
    ConsolidationResult,
    ManifestLine,
    OrderItinerary,
    Shipment,
    Supply,
    TreatmentStep,
    Unit,
    UnservedOrder,
)
from ..consolidation import Reason as OrderReason
from ..domain import Case
from ..domain.units import DAY, to_seconds
from ..exceptions import PlanCheckError
from ..routing import Reason as LotReason
from ..routing import UnassignedLot
from .serialize import plan_schema


@dataclass(frozen=True, slots=True)
class PlannedStop:
    site: str
    kind: str
    lot_ids: tuple[str, ...]
    departure: int  # as written (used for the start stop)
    service_after: int | None = None  # a planned wait: service starts at max(arrival, this)


@dataclass(frozen=True, slots=True)
class PlannedRoute:
    vehicle_id: str
    vehicle_type: str
    stops: tuple[PlannedStop, ...]


def load_plan(path: str | Path) -> dict[str, Any]:
    """Read and schema-check a plan.json; PlanCheckError says what is wrong and where."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read a JSON plan ({exc})"
        raise PlanCheckError(msg) from None
    validate_plan(doc, source=str(path))
    return doc


@cache
def _fast_validator() -> Any:
    return jsonschema_rs.validator_for(plan_schema())


def validate_plan(doc: object, *, source: str = "plan") -> None:
    """Raise PlanCheckError naming the first place ``doc`` breaks the plan schema
    (1.1; documents of 1.0 are read as they are, see docs/plan-json.md). The
    compiled validator answers for valid plans (a 5 MB plan in well under a
    second instead of 12 s); the reference one names the first place of a break."""
    if _fast_validator().is_valid(doc):
        return
    errors = sorted(jsonschema.Draft202012Validator(plan_schema()).iter_errors(doc),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        msg = f"{source}: does not match plan schema 1.1 at {where}: {first.message}"
        raise PlanCheckError(msg)


def _seconds(case: Case, text: str) -> int:
    return to_seconds(datetime.fromisoformat(text), case.settings.epoch)


def planned_routes(case: Case, doc: dict[str, Any]) -> list[PlannedRoute]:
    return [
        PlannedRoute(r["vehicle_id"], r["vehicle_type"], tuple(
            PlannedStop(s["site"], s["kind"], tuple(s["lot_ids"]), _seconds(case, s["departure"]),
                        _seconds(case, s["service_after"]) if "service_after" in s else None)
            for s in r["stops"]))
        for r in doc["routes"]
    ]


def stock_supplies(case: Case, doc: dict[str, Any]) -> list[Supply]:
    """The packed stock a plan started from (its ``stock`` section)."""
    return [Supply(id=s["id"], site=s["site"], product=s["product"], grade=s["grade"], kg=s["kg"],
                   available_at=_seconds(case, s["available_at"]),
                   shelf_life_left_s=round(s["shelf_life_left_days"] * DAY),
                   certifications=frozenset(s["certifications"]),
                   cooled=bool(s.get("cooled", True))) for s in doc.get("stock", ())]


def unassigned_lots(doc: dict[str, Any]) -> list[UnassignedLot]:
    out = []
    for u in doc["unassigned_lots"]:
        try:
            out.append(UnassignedLot(u["lot_id"], LotReason(u["reason"]), u["detail"] or ""))
        except ValueError:
            msg = f"unassigned lot {u['lot_id']}: unknown reason {u['reason']!r}"
            raise PlanCheckError(msg) from None
    return out


def _shipment(case: Case, s: dict[str, Any], handling_per_kg: float) -> Shipment:
    lane = next((x for x in case.lanes if x.id == s["lane_id"]), None)
    if lane is None:
        msg = f"shipment {s['id']}: unknown lane {s['lane_id']!r}"
        raise PlanCheckError(msg)
    departure = _seconds(case, s["departure"])
    scheduled = next((d for d in lane.departures if d.time == departure), None)
    cutoff = scheduled.cutoff if scheduled else departure - (0 if lane.departures else lane.handling_s)
    units = tuple(Unit(u["index"], u["kg"], u["boxes"], u["fill"], lane.unit_cost(u["kg"])) for u in s["units"])
    manifest = tuple(ManifestLine(m["order_id"], m["kg"], m["boxes"], m.get("supply_id") or "",
                                  round(m["shelf_life_left_days"] * DAY), m["unit"]) for m in s["manifest"])
    markets = case.market_by_id
    orders = {o.id: o for o in case.orders}
    treatments = []
    for t in s["treatments"]:  # the step's orders as written; a plan written before they were (schema 1.0,
        # early 1.1): every order on the manifest whose market needs the step's treatment (so two steps on
        # one shipment each took every such order, and the check found each order treated twice)
        ids = tuple(t["order_ids"]) if "order_ids" in t else tuple(dict.fromkeys(
            m.order_id for m in manifest if m.order_id in orders
            and str(markets[orders[m.order_id].market].treatment) == t["treatment"]))
        kg = sum(m.kg for m in manifest if m.order_id in ids)
        facility = case.site_by_id.get(t["facility"])
        rate = facility.treatment_cost_per_kg if facility else 0.0
        treatments.append(TreatmentStep(t["facility"], t["treatment"], _seconds(case, t["start"]),
                                        _seconds(case, t["end"]), kg, ids, kg * rate))
    kg = sum(u.kg for u in units)
    return Shipment(
        s["id"], s["lane_id"], s["mode"], s["partner"] or "", s["origin"], s["destination"], departure,
        cutoff, _seconds(case, s["arrival"]), s["temperature_c"], lane.unit_name, units, manifest,
        tuple(treatments), sum(u.cost for u in units), handling_per_kg * kg,
    )


def consolidation_of(case: Case, doc: dict[str, Any], *, handling_per_kg: float,
                     penalty: float) -> ConsolidationResult:
    """The freight part of a plan as written, costs recomputed from the lanes."""
    shipments = [_shipment(case, s, handling_per_kg) for s in doc["shipments"]]
    supplies_of: dict[str, list[str]] = {}
    for sh in shipments:
        for m in sh.manifest:
            supplies_of.setdefault(m.order_id, []).append(m.supply_id)
    itineraries = {
        o["order_id"]: OrderItinerary(
            o["order_id"], tuple(o["shipments"]), _seconds(case, o["delivered"]),
            round(o["shelf_life_left_days"] * DAY), tuple(dict.fromkeys(supplies_of.get(o["order_id"], []))))
        for o in doc["orders"]
    }
    unserved = []
    for u in doc["unserved_orders"]:
        try:
            unserved.append(UnservedOrder(u["order_id"], OrderReason(u["reason"]), u["detail"] or ""))
        except ValueError:
            msg = f"unserved order {u['order_id']}: unknown reason {u['reason']!r}"
            raise PlanCheckError(msg) from None
    treatment = sum(t.cost for s in shipments for t in s.treatments)
    return ConsolidationResult(
        method="plan.json", shipments=shipments, itineraries=itineraries, unserved=unserved,
        freight_cost=sum(s.freight_cost for s in shipments),
        handling_cost=sum(s.handling_cost for s in shipments), treatment_cost=treatment,
        penalty=penalty, gap=float("nan"), seconds=0.0,
    )
