"""What the plan page shows, built from the newest version of a plan: routes
with their colour and numbered stops (a dispatcher's own lots only), the
vehicles free for a move, the packing houses' intake by hour, the pending
edit worded in the user's language, and the stops done in the field."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict, defaultdict
from typing import Any

from planner.domain import Case, SiteKind, drivers_by_vehicle

from ..auth import Principal
from ..services.results import split_id
from . import recheck, wording
from .dayplan import Current, lot_key, own, visible_vehicles
from .editing import vehicle_ids
from .i18n import Words
from .models import StopDone

# Colour-blind-safe first (Okabe-Ito), then Tableau 20; repeats past 28 routes.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#9B870C", "#000000",
           "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
           "#e6550d", "#31a354", "#756bb1", "#636363")


def lot_label(who: Principal, engine_id: str) -> str:
    return split_id(engine_id)[1] if own(who, engine_id) else "—"


def scrub(who: Principal, text: str, case: Case) -> str:
    """``text`` without other cooperatives' lot ids (dispatchers): engine ids are
    ``org:id``; another organisation's become "—", the caller's lose the prefix."""
    if who.is_planner:
        return text
    return _ids_pattern(case).sub(lambda m: "—" if m.group(1) != who.org else m.group(2), text)


_PATTERNS: dict[int, tuple[Case, re.Pattern[str]]] = {}


def _ids_pattern(case: Case) -> re.Pattern[str]:
    """The engine ids of ``case``'s lots (built once per case object)."""
    hit = _PATTERNS.get(id(case))
    if hit is not None and hit[0] is case:
        return hit[1]
    orgs = sorted({split_id(lot.id)[0] for lot in case.lots} - {""}, key=len, reverse=True)
    alternatives = "|".join(re.escape(o) for o in orgs) or "(?!)"
    pattern = re.compile(rf"(?<![\w.-])({alternatives}):([A-Za-z0-9][\w.~-]*)")
    if len(_PATTERNS) > 32:
        _PATTERNS.clear()
    _PATTERNS[id(case)] = (case, pattern)
    return pattern


def weighed_by_lot(done: list[StopDone], case: Case) -> dict[str, float]:
    """Weighed kg of each lot of a done pickup (a stop's kg shared in proportion to the lots' planned kg)."""
    kg_of = {lot.id: lot.kg for lot in case.lots}
    out = {}
    for d in done:
        if d.kind != "pickup":
            continue
        planned = sum(kg_of.get(x, 0.0) for x in d.lot_ids) or 1.0
        for x in d.lot_ids:
            out[x] = d.weighed_kg * kg_of.get(x, 0.0) / planned
    return out


def plan_view(case: Case, who: Principal, now: Current, done: list[StopDone], w: Words,
              *, draft: bool = False) -> dict[str, Any]:
    doc = now.draft.document if draft and now.draft is not None else now.document
    seen = visible_vehicles(who, doc)
    lots = {lot.id: lot for lot in case.lots}
    delivery = {d["lot_id"]: d for d in doc["deliveries"]}
    done_at = {(d.kind, d.lot_key): d for d in done}
    weighed = weighed_by_lot(done, case)
    changed = set(now.draft.change.get("changed", [])) if now.draft is not None else set()
    fleet = {v: k for k, v in enumerate(vehicle_ids(case))}  # a route keeps its colour through edits
    routes = []
    for r in doc["routes"]:
        if r["vehicle_id"] not in seen:
            continue
        n = fleet.get(r["vehicle_id"], len(fleet))
        marks = [done_at.get((s["kind"], lot_key(s["lot_ids"]))) if s["lot_ids"] else None for s in r["stops"]]
        ids = [lot_id for s in r["stops"] for lot_id in s["lot_ids"]]
        key = _route_key(w, who, n, r, [delivery.get(x) for x in ids], [weighed.get(x) for x in ids], marks)
        view = ROUTE_VIEWS.get(key)
        if view is None:
            view = _route_view(case, who, w, n, r, marks, lots, delivery, weighed)
            ROUTE_VIEWS.put(key, view)
        routes.append({**view, "changed": r["vehicle_id"] in changed})
    used = {r["vehicle_id"] for r in doc["routes"]}
    findings = worded(case, who, now.draft.findings, w) if now.draft is not None else []
    intake = intake_view(case, doc, weighed, w)
    own_lots = sorted((lid for lid in delivery if own(who, lid)), key=lambda x: lot_label(who, x))
    unassigned = [{"label": lot_label(who, u["lot_id"]), "reason": u["reason"], "detail": scrub(who, u["detail"], case)}
                  for u in doc["unassigned_lots"] if own(who, u["lot_id"])]
    return {
        "routes": routes, "findings": findings, "intake": intake,
        "free_vehicles": [v for v in vehicle_ids(case) if v not in used],
        "movable_vehicles": [r["vehicle_id"] for r in routes] + [v for v in vehicle_ids(case) if v not in used],
        "fleet": fleet_view(case, routes, used),
        "own_lots": [{"id": lid, "label": lot_label(who, lid)} for lid in own_lots],
        "unassigned": unassigned,
        "packing_houses": [{"id": s.id, "name": s.name, "lat": s.location.lat, "lon": s.location.lon}
                           for s in case.sites_of(SiteKind.PACKING_HOUSE)],
    }


def fleet_view(case: Case, routes: list[dict[str, Any]], used: set[str]) -> list[dict[str, Any]]:
    """The vehicles a re-plan can mark on the road or broken: those with a
    route the caller sees, then those without a route (with their drivers' names)."""
    drivers = drivers_by_vehicle(case.drivers)
    shown = {r["vehicle_id"]: r for r in routes}

    return [{"id": v, "driver": drivers[v].name if v in drivers else "", "used": v in shown,
             "color": shown[v]["color"] if v in shown else ""}
            for v in vehicle_ids(case) if v in shown or v not in used]


class RouteViews:
    """Each route's view, kept by what it is made of (the route, its lots'
    deliveries and weighed kg, its stops done, the reader and the language):
    a plan page re-builds only the routes an edit or a report from the field
    changed. Bounded; safe across threads."""

    def __init__(self, size: int = 20_000) -> None:
        self._lock = threading.Lock()
        self._views: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._size = size

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            view = self._views.get(key)
            if view is not None:
                self._views.move_to_end(key)
            return view

    def put(self, key: str, view: dict[str, Any]) -> None:
        with self._lock:
            self._views[key] = view
            while len(self._views) > self._size:
                self._views.popitem(last=False)


ROUTE_VIEWS = RouteViews()


def _route_key(w: Words, who: Principal, n: int, route: dict[str, Any], deliveries: list[Any],
               weighed: list[float | None], marks: list[StopDone | None]) -> str:
    done = [None if m is None else (m.weighed_kg, m.done_at.isoformat()) for m in marks]
    text = json.dumps([w.lang, w.tz, w.currency, who.org, who.is_planner, n, route, deliveries, weighed, done],
                      default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _route_view(case: Case, who: Principal, w: Words, n: int, r: dict[str, Any], marks: list[StopDone | None],
                lots: dict[str, Any], delivery: dict[str, dict[str, Any]], weighed: dict[str, float]) -> dict[str, Any]:
    """One route as the page shows it: its colour, times, and numbered stops with their lots."""
    sites = case.site_by_id
    stops = []
    for k, (s, mark) in enumerate(zip(r["stops"], marks, strict=True)):
        lot_rows = []
        for lot_id in s["lot_ids"]:
            lot = lots.get(lot_id)
            row = {"id": lot_id, "label": lot_label(who, lot_id), "own": own(who, lot_id),
                   "kg": lot.kg if lot else 0.0, "weighed_kg": weighed.get(lot_id)}
            d = delivery.get(lot_id)
            if d is not None and s["kind"] == "pickup":
                row["shelf_life_days"] = d["shelf_life_left_days"]
                if mark is not None and lot is not None:
                    t = recheck.seconds(case, mark.done_at.isoformat())
                    row["shelf_life_days"] = round(recheck.shelf_life_left_s(
                        case, lot_id, r["vehicle_id"], t, t) / 86400, 2)
            row["title"] = w.kg(row["kg"]) + (f" · {w.days(row['shelf_life_days'])}" if "shelf_life_days" in row else "")
            lot_rows.append(row)
        stops.append({
            "index": k, "n": k, "site": s["site"], "name": sites[s["site"]].name if s["site"] in sites else s["site"],
            "kind": s["kind"], "lat": s["lat"], "lon": s["lon"], "arrival": w.hour(s["arrival"]),
            "departure": w.hour(s["departure"]), "waiting": w.duration(s["waiting_s"]) if s["waiting_s"] else "",
            "load": w.kg(s["load_kg"]), "lots": lot_rows,
            "done": None if mark is None else {"kg": w.kg(mark.weighed_kg), "at": w.clock(mark.done_at)},
        })
    names = {d.id: d.name for d in case.drivers}
    return {
        "vehicle_id": r["vehicle_id"], "type": r["vehicle_type"], "color": PALETTE[n % len(PALETTE)],
        "km": w.number(r["distance_m"] / 1000, 1), "duration": w.duration(r["duration_s"]),
        "cost": w.money(r["cost"]), "start": w.hour(r["stops"][0]["departure"]),
        "end": w.hour(r["stops"][-1]["arrival"]), "stops": stops,
        "lots": sum(len(s["lot_ids"]) for s in r["stops"] if s["kind"] == "pickup"),
        "driver": names.get(r.get("driver_id") or "", ""),
    }


def worded(case: Case, who: Principal, findings: list[dict[str, Any]], w: Words) -> list[dict[str, str]]:
    """Each finding of a re-check in the user's words, without other cooperatives' lot ids."""
    sites = case.site_by_id
    out = []
    for f in findings:
        text = wording.say(w, f, site_name=lambda s: sites[s].name if s in sites else s,
                           lot_name=lambda x: lot_label(who, x))
        out.append({"kind": f["kind"], "text": scrub(who, text, case)})
    return out


def intake_view(case: Case, doc: dict[str, Any], weighed: dict[str, float], w: Words) -> list[dict[str, Any]]:
    """Each packing house's kg by hour against its intake per hour."""
    by_hour = recheck.intake_by_hour(case, doc, weighed=weighed)
    out = []
    for ph in case.sites_of(SiteKind.PACKING_HOUSE):
        hours = by_hour.get(ph.id, {})
        cap = ph.intake_kg_per_hour
        peak = max([*hours.values(), cap or 0.0, 1.0])
        rows = [{"hour": w.hour(recheck.iso(case, slot)), "kg": w.kg(kg), "share": round(100 * kg / peak, 1),
                 "over": cap is not None and kg > cap + 1e-6}
                for slot, kg in sorted(hours.items())]
        out.append({"id": ph.id, "name": ph.name, "capacity": w.kg(cap) if cap is not None else "",
                    "cap_share": round(100 * cap / peak, 1) if cap else None, "rows": rows,
                    "total": w.kg(sum(hours.values()))})
    return out


def map_data(view: dict[str, Any]) -> dict[str, Any]:
    """What the map script draws (no other organisation's lot ids: built from the view)."""
    return {
        "routes": [{"vehicle_id": r["vehicle_id"], "color": r["color"], "stops": [
            {"n": s["n"], "lat": s["lat"], "lon": s["lon"], "kind": s["kind"], "name": s["name"],
             "arrival": s["arrival"], "lots": [x["label"] for x in s["lots"]], "done": bool(s["done"])}
            for s in r["stops"]]} for r in view["routes"]],
        "packing_houses": view["packing_houses"],
    }


def group_by_day(items: list[Any], key: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return dict(out)
