"""After a move, the freight that depends on it: the shipments whose
manifests load a lot whose delivery to the packing house was re-timed,
with every leg of the orders they carry, checked by the project's
consolidation checker (``planner.consolidation.checker``) before and after
the move. What the move breaks is what the checker finds after and not
before (the same shipments, so problems elsewhere in the day never show).

Only those shipments are read: milliseconds on a 2,000-lot day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planner.assembly.params import PlanParams
from planner.assembly.plan_reader import consolidation_of, stock_supplies
from planner.assembly.supplies import supplies_from_deliveries
from planner.consolidation.checker import check_result
from planner.consolidation.params import ConsolidationParams
from planner.domain import Case
from planner.domain.units import DAY
from planner.routing import LotDelivery

from .recheck import Finding, iso, seconds

# The checker compares the shelf life a plan reports with its own; a move
# changes it by design, and falling below an order's minimum is its own problem.
REPORTED_SHELF_LIFE = "reported shelf life"
LATE = re.compile(r"supply (\S+) not at \S+ by the cut-off")  # the checker's line for a lot ready too late
NOT_IN_PART = "neither served nor unserved"  # the checker's line for each order outside the part re-checked


@dataclass(frozen=True)
class FreightCheck:
    shipments: list[dict[str, Any]]  # the shipments re-checked: id, partner, departure, lots (of the move)
    findings: list[Finding]  # what the move breaks in them


def affected(document: dict[str, Any], lots: set[str]) -> list[dict[str, Any]]:
    """Shipments of ``document`` loading one of ``lots`` (manifest supply ids are lot ids)."""
    out = []
    for s in document.get("shipments", []):
        mine = sorted({m.get("supply_id") for m in s["manifest"]} & lots)
        if mine:
            out.append({"id": s["id"], "partner": s.get("partner") or "", "departure": s["departure"],
                        "origin": s["origin"], "lots": mine})
    return out


def recheck_freight(case: Case, before: dict[str, Any], after: dict[str, Any], lots: set[str]) -> FreightCheck:
    """The shipments depending on the re-timed ``lots`` and what the move
    breaks in them: one finding per shipment and kind of problem, with the
    number of orders it hits and the checker's line for the first."""
    hit = affected(before, lots) + affected(after, lots)
    if not hit:
        return FreightCheck([], [])
    ids = {s["id"] for s in hit}
    orders = {m["order_id"] for doc in (before, after) for s in doc["shipments"] if s["id"] in ids
              for m in s["manifest"] if m.get("supply_id") in lots}
    was = set(_problems(case, before, orders)[0])
    lines, supplies, cutoffs = _problems(case, after, orders)
    new = [p for p in lines if p not in was]
    shown = {s["id"]: s for s in affected(after, lots)}
    legs_of: dict[str, list[str]] = {}
    for s in after["shipments"]:
        if s["id"] in shown:
            for m in s["manifest"]:
                legs_of.setdefault(m["order_id"], []).append(s["id"])
    grouped: dict[tuple[str, str], list[str]] = {}
    for p in new:
        oid, what = _split(p)
        sid = next((x for x in shown if x in p), None) or (legs_of.get(oid) or sorted(shown))[0]
        grouped.setdefault((sid, what), []).append(p)
    findings = []
    for (sid, _), said in grouped.items():
        values: dict[str, Any] = {"text": said[0], "orders": len(said), "shipments": [sid],
                                  "lots": shown[sid]["lots"] if sid in shown else []}
        late = LATE.search(said[0])
        kind = "freight"
        supply = supplies.get(late.group(1)) if late else None
        if late and supply is not None and sid in shown and sid in cutoffs:  # the usual cases, in the user's words
            ready, site = supply
            values.update(lot=late.group(1), ready=iso(case, ready), cutoff=iso(case, cutoffs[sid]),
                          departure=shown[sid]["departure"], at=site, origin=shown[sid]["origin"])
            kind = "freight_elsewhere" if site != shown[sid]["origin"] else "freight_late"
        findings.append(Finding(kind, lot=values.get("lot", ""), site=shown[sid]["origin"] if sid in shown else "",
                                values=values))
    return FreightCheck(sorted(shown.values(), key=lambda s: (s["departure"], s["id"])), findings)


def _split(problem: str) -> tuple[str, str]:
    """(order id, the rest) of a checker line ``order ID: ...`` (("", line) for others)."""
    if problem.startswith("order ") and ": " in problem:
        oid = problem[len("order "):problem.index(": ")]
        return oid, problem[problem.index(": ") + 2:]
    return "", problem


def _problems(case: Case, doc: dict[str, Any], orders: set[str]
              ) -> tuple[list[str], dict[str, tuple[int, str]], dict[str, int]]:
    """The consolidation checker's findings on the orders ``orders`` and every
    leg they take (their manifest lines only: the rest of a shipment does not
    depend on when these lots arrive, and is the same before and after);
    with when and where each supply is ready and each shipment's cut-off (engine s)."""
    legs = {sid for o in doc["orders"] if o["order_id"] in orders for sid in o["shipments"]}
    part = {**doc, "shipments": [{**s, "manifest": [m for m in s["manifest"] if m["order_id"] in orders]}
                                 for s in doc["shipments"] if s["id"] in legs],
            "orders": [o for o in doc["orders"] if o["order_id"] in orders], "unserved_orders": []}
    params = PlanParams.from_dict(doc.get("params") or {})
    cparams = ConsolidationParams.from_dict(dict(params.consolidation))
    used = {m["supply_id"] for s in part["shipments"] for m in s["manifest"]}
    deliveries = [LotDelivery(d["lot_id"], d["packing_house"], d["vehicle_id"], seconds(case, d["picked_up"]),
                              seconds(case, d["delivered"]), d["shelf_life_left_days"] * DAY, 0.0, 0.0)
                  for d in doc["deliveries"] if d["lot_id"] in used]
    supplies = [s for s in stock_supplies(case, doc) if s.id in used]
    supplies += supplies_from_deliveries(case, deliveries, precool_s=params.precool_s)
    freight = consolidation_of(case, part, handling_per_kg=cparams.handling_cost_per_kg, penalty=0.0)
    elsewhere = {f"order {o.id}: {NOT_IN_PART}" for o in case.orders if o.id not in orders}
    lines = [p for p in check_result(case, supplies, freight, params=cparams)
             if p not in elsewhere and REPORTED_SHELF_LIFE not in p]
    return lines, {x.id: (x.available_at, x.site) for x in supplies}, {x.id: x.cutoff for x in freight.shipments}
