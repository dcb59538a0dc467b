"""Edits of a plan document as a dispatcher makes them: move a lot's pickup
to another vehicle or another place in a route. Pure functions on the
plan.json document; re-timing and checking are ``recheck``'s."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from planner.domain import Case, SiteKind
from planner.domain.units import HOUR

from .recheck import iso


class EditError(ValueError):
    """An edit that cannot be made (unknown lot or vehicle, position out of range)."""


@dataclass(frozen=True)
class Move:
    """Put lot ``lot_id`` on ``vehicle_id`` before stop ``position`` of its
    route (1 = first stop after the start; ``None`` = last, before the end)."""

    lot_id: str
    vehicle_id: str
    position: int | None = None


def vehicle_ids(case: Case) -> list[str]:
    return [f"{vt.id}#{k}" for vt in case.vehicle_types for k in range(1, vt.count + 1)]


def _where(doc: dict[str, Any], lot_id: str) -> tuple[dict[str, Any], int, int]:
    for route in doc["routes"]:
        stops = route["stops"]
        pick = next((k for k, s in enumerate(stops) if s["kind"] == "pickup" and lot_id in s["lot_ids"]), None)
        if pick is not None:
            drop = next(k for k, s in enumerate(stops) if s["kind"] == "delivery" and lot_id in s["lot_ids"])
            return route, pick, drop
    raise EditError(f"lot {lot_id} is on no route of this plan")


def _take_out(route: dict[str, Any], lot_id: str) -> None:
    kept = []
    for s in route["stops"]:
        if s["kind"] in ("pickup", "delivery") and lot_id in s["lot_ids"]:
            s["lot_ids"] = [x for x in s["lot_ids"] if x != lot_id]
            if not s["lot_ids"]:
                continue
        kept.append(s)
    route["stops"] = kept


def _stop(case: Case, site: str, kind: str, t: int, lots: list[str]) -> dict[str, Any]:
    loc = case.site_by_id[site].location
    return {"site": site, "kind": kind, "lat": loc.lat, "lon": loc.lon, "arrival": iso(case, t),
            "departure": iso(case, t), "waiting_s": 0, "load_kg": 0.0, "lot_ids": lots}


def _new_route(case: Case, vehicle_id: str, ready: int) -> dict[str, Any]:
    vt = next((v for v in case.vehicle_types if v.id == vehicle_id.partition("#")[0]), None)
    if vt is None or vehicle_id not in vehicle_ids(case):
        raise EditError(f"{vehicle_id} is not a vehicle of this case")
    start = max(vt.shift.start, ready - HOUR)
    return {"vehicle_id": vehicle_id, "vehicle_type": vt.id, "temperature": vt.temperature.value,
            "profile": vt.profile, "distance_m": 0, "duration_s": 0, "cost": 0.0,
            "stops": [_stop(case, vt.home, "start", start, []), _stop(case, vt.end_site, "end", start, [])]}


def move(case: Case, document: dict[str, Any], m: Move) -> tuple[dict[str, Any], set[str]]:
    """The document with the move made, and the vehicles whose routes changed."""
    lot = next((x for x in case.lots if x.id == m.lot_id), None)
    if lot is None:
        raise EditError(f"lot {m.lot_id} is not in this plan's case")
    touched = {_where(document, m.lot_id)[0]["vehicle_id"], m.vehicle_id}  # only these routes are copied
    doc = {**document, "routes": [copy.deepcopy(r) if r["vehicle_id"] in touched else r for r in document["routes"]]}
    source, _, drop = _where(doc, m.lot_id)
    packing_house = source["stops"][drop]["site"]
    _take_out(source, m.lot_id)
    target = next((r for r in doc["routes"] if r["vehicle_id"] == m.vehicle_id), None)
    if target is None:
        target = _new_route(case, m.vehicle_id, lot.ready)
        doc["routes"].append(target)
    stops = target["stops"]
    last = len(stops) - 1  # the end stop
    position = last if m.position is None else m.position
    if not 1 <= position <= last:
        raise EditError(f"position must be between 1 and {last} on {m.vehicle_id}, got {position}")
    allowed = set(lot.packing_houses or (s.id for s in case.sites_of(SiteKind.PACKING_HOUSE)))
    stops.insert(position, _stop(case, lot.farm, "pickup", lot.ready, [m.lot_id]))
    after = next((k for k in range(position + 1, len(stops) - 1)
                  if stops[k]["kind"] == "delivery" and stops[k]["site"] in allowed), None)
    if after is not None:
        stops[after]["lot_ids"].append(m.lot_id)
    else:
        ph = packing_house if packing_house in allowed else sorted(allowed)[0]
        stops.insert(len(stops) - 1, _stop(case, ph, "delivery", lot.ready, [m.lot_id]))
    changed = {source["vehicle_id"], m.vehicle_id}
    doc["routes"] = [r for r in doc["routes"] if any(s["kind"] == "pickup" for s in r["stops"])]
    return doc, changed
