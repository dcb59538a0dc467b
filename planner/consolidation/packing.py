"""From the ledger to shipments: orders packed into units per departure,
manifests with supply and predicted shelf life, treatment steps, costs.

Units: the fewest units that carry a departure's kg and boxes; orders go
largest first into the least-loaded unit they fit (balanced loads, which is
what the class model's cost assumes); an order fitting no unit whole is split
by whole boxes over the units with room.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..domain import Case, Lane, Order
from ..domain.clock import id_stamp
from ..domain.units import DAY
from .classes import penalty_of
from .ledger import EPS, Key, Ledger, Placement, units_needed
from .params import ConsolidationParams
from .problem import shelf_used
from .repair import diagnose
from .results import (
    ConsolidationResult,
    ManifestLine,
    OrderItinerary,
    Shipment,
    TreatmentStep,
    Unit,
    UnservedOrder,
)


@dataclass
class _Bin:
    kg: float = 0.0
    boxes: int = 0


def shipment_id(key: Key, case: Case) -> str:
    """The lane and its departure as people read it: ``chu-hn-reefer@07h00-12.06``
    (07:00 on 12 June, local time), never engine seconds."""
    return f"{key[0]}@{id_stamp(key[1], case.settings.epoch, case.settings.timezone)}"


def pack(lane: Lane, items: list[tuple[Order, float, int]]) -> dict[str, list[tuple[int, float, int]]] | None:
    """Pieces (unit, kg, boxes) per order id, or None if the lane's units
    cannot carry ``items`` (order, kg, boxes)."""
    n = max(1, units_needed(lane, sum(i[1] for i in items), sum(i[2] for i in items)))
    while n <= lane.units_per_departure:
        pieces = _pack_into(lane, items, n)
        if pieces is not None:
            return pieces
        n += 1
    return None


def _room(lane: Lane, b: _Bin) -> tuple[float, float]:
    boxes = lane.unit_boxes - b.boxes if lane.unit_boxes > 0 else math.inf
    return lane.unit_kg - b.kg, boxes


def _pack_into(lane: Lane, items: list[tuple[Order, float, int]],
               n: int) -> dict[str, list[tuple[int, float, int]]] | None:
    bins = [_Bin() for _ in range(n)]
    pieces: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    for order, kg, boxes in sorted(items, key=lambda i: (-i[1], i[0].id)):
        fits = [k for k, b in enumerate(bins)
                if _room(lane, b)[0] >= kg - EPS and _room(lane, b)[1] >= boxes]
        if fits:
            k = min(fits, key=lambda k: (bins[k].kg, k))
            bins[k].kg += kg
            bins[k].boxes += boxes
            pieces[order.id].append((k, kg, boxes))
            continue
        if not _split(lane, bins, pieces[order.id], kg, boxes):
            return None
    return dict(pieces)


def _split(lane: Lane, bins: list[_Bin], out: list[tuple[int, float, int]], kg: float,
           boxes: int) -> bool:
    per_box = kg / boxes if boxes else 0.0
    order = sorted(range(len(bins)), key=lambda k: (-_room(lane, bins[k])[0], k))
    for k in order:
        if kg <= EPS:
            break
        room_kg, room_boxes = _room(lane, bins[k])
        if boxes:
            take_boxes = int(min(boxes, room_boxes, math.floor(room_kg / per_box + EPS)))
            take_kg = kg if take_boxes == boxes else take_boxes * per_box
        else:
            take_boxes, take_kg = 0, min(kg, room_kg)
        if take_kg <= EPS:
            continue
        bins[k].kg += take_kg
        bins[k].boxes += take_boxes
        out.append((k, take_kg, take_boxes))
        kg -= take_kg
        boxes -= take_boxes
    return kg <= EPS


def pack_all(ledger: Ledger) -> tuple[dict[Key, dict[str, list[tuple[int, float, int]]]], list[Order]]:
    """Pack every departure; orders that cannot be packed are removed from
    the ledger and returned (then packing is redone)."""
    while True:
        riders: dict[Key, list[tuple[Order, float, int]]] = defaultdict(list)
        lanes: dict[Key, Lane] = {}
        for p in ledger.placements.values():
            for leg in p.itinerary.legs:
                riders[leg.key].append((p.order, p.order.kg, p.order.boxes))
                lanes[leg.key] = leg.lane
        packed, failed = {}, []
        for key in sorted(riders):
            pieces = pack(lanes[key], riders[key])
            if pieces is None:
                failed.append(min(riders[key], key=lambda i: (i[1], i[0].id))[0])
            else:
                packed[key] = pieces
        if not failed:
            return packed, []
        for order in failed:
            ledger.remove(order.id)
        rest = pack_all(ledger)
        return rest[0], failed + rest[1]


def _lines(p: Placement, pieces: list[tuple[int, float, int]], shelf: dict[str, int]) -> list[ManifestLine]:
    """Merge the order's supply lines with its unit pieces (two pointers)."""
    lines: list[ManifestLine] = []
    ids = [s.id for s, _ in p.lines]
    rest = [kg for _, kg in p.lines]
    i = 0
    for unit, kg, boxes in pieces:
        chunks: list[tuple[str, float]] = []
        while kg > EPS and i < len(ids):
            take = min(kg, rest[i])
            chunks.append((ids[i], take))
            kg -= take
            rest[i] -= take
            if rest[i] <= EPS:
                i += 1
        for (sid, ckg), b in zip(chunks, _spread(boxes, [c[1] for c in chunks]), strict=True):
            lines.append(ManifestLine(p.order.id, ckg, b, sid, shelf[sid], unit))
    return lines


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in integers proportional to ``weights`` (largest remainder)."""
    if not weights:
        return []
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    out = [math.floor(r) for r in raw]
    for k in sorted(range(len(raw)), key=lambda k: (out[k] - raw[k], k))[: total - sum(out)]:
        out[k] += 1
    return out


def build_result(ledger: Ledger, unserved: list[UnservedOrder], *, method: str, gap: float,
                 seconds: float, stats: dict[str, float] | None = None) -> ConsolidationResult:
    packed, failed = pack_all(ledger)
    unserved = unserved + diagnose(ledger, failed)
    ctx = ledger.ctx
    manifests: dict[Key, list[ManifestLine]] = defaultdict(list)
    treatments: dict[Key, dict[tuple[str, int, int], list[Placement]]] = defaultdict(lambda: defaultdict(list))
    itineraries: dict[str, OrderItinerary] = {}
    lanes: dict[Key, tuple[Lane, int]] = {}
    kg_days = shelf_cost = fefo = 0.0
    for p in sorted(ledger.placements.values(), key=lambda p: p.order.id):
        it, model = p.itinerary, ctx.models[p.order.product]
        at_first = {s.id: ctx.keeping.left_at(s, it.first.departure) for s, _ in p.lines}
        for s, kg in p.lines:
            spent = shelf_used(ctx.keeping, s.product, s.cooled, s.available_at, it, model)
            kg_days += kg * spent / DAY
            shelf_cost += kg * ctx.shelf_cost(p.order.product, spent)
            fefo += kg * ctx.params.fefo_cost_per_kg_day * (at_first[s.id] - it.consumed(model)) / DAY
        for j, leg in enumerate(it.legs):
            lanes[leg.key] = (leg.lane, leg.cutoff)
            shelf = {sid: int(v - it.consumed_until(model, j)) for sid, v in at_first.items()}
            manifests[leg.key] += _lines(p, packed[leg.key][p.order.id], shelf)
        if it.treatment:
            v = it.treatment
            treatments[it.legs[v.after_leg + 1].key][(v.facility, v.start, v.end)].append(p)
        itineraries[p.order.id] = OrderItinerary(
            p.order.id, tuple(shipment_id(leg.key, ctx.case) for leg in it.legs), it.arrival,
            min(shelf.values()), tuple(s.id for s, _ in p.lines))
    shipments = [_shipment(key, shipment_id(key, ctx.case), *lanes[key], manifests[key], treatments.get(key, {}),
                           ctx.params) for key in sorted(manifests)]
    orders = {o.id: o for o in ctx.case.orders}
    return ConsolidationResult(
        method=method, shipments=shipments, itineraries=itineraries,
        unserved=sorted(unserved, key=lambda u: u.order_id),
        freight_cost=sum(s.freight_cost for s in shipments),
        handling_cost=sum(s.handling_cost for s in shipments),
        treatment_cost=sum(t.cost for s in shipments for t in s.treatments),
        penalty=sum(penalty_of(orders[u.order_id], ctx.params) for u in unserved),
        gap=gap, seconds=seconds, stats={**(stats or {}), "fefo_tiebreak": fefo},
        shelf_life_used_kg_days=kg_days, shelf_life_cost=shelf_cost,
    )


def _shipment(key: Key, ident: str, lane: Lane, cutoff: int, lines: list[ManifestLine],
              treated: dict[tuple[str, int, int], list[Placement]],
              params: ConsolidationParams) -> Shipment:
    by_unit: dict[int, list[ManifestLine]] = defaultdict(list)
    for line in lines:
        by_unit[line.unit].append(line)
    units = []
    for k in sorted(by_unit):
        kg = sum(x.kg for x in by_unit[k])
        boxes = sum(x.boxes for x in by_unit[k])
        fill = max(kg / lane.unit_kg, boxes / lane.unit_boxes if lane.unit_boxes else 0.0)
        units.append(Unit(k, kg, boxes, fill, lane.unit_cost(kg)))
    steps = []
    for (facility, start, end), ps in sorted(treated.items()):
        kg = sum(p.order.kg for p in ps)
        cost = kg * (ps[0].itinerary.treatment.cost_per_kg if ps[0].itinerary.treatment else 0.0)
        site_treatment = ps[0].itinerary.treatment
        steps.append(TreatmentStep(facility, site_treatment.treatment.value if site_treatment else "",
                                   start, end, kg, tuple(p.order.id for p in ps), cost))
    kg = sum(u.kg for u in units)
    handling = params.handling_cost_per_kg * kg
    return Shipment(
        id=ident, lane_id=lane.id, mode=lane.mode.value, partner=lane.partner,
        origin=lane.origin, destination=lane.destination, departure=key[1], cutoff=cutoff,
        arrival=key[1] + lane.transit_s, temperature_c=lane.temperature_c, unit_name=lane.unit_name,
        units=tuple(units), manifest=tuple(lines), treatments=tuple(steps),
        freight_cost=sum(u.cost for u in units), handling_cost=handling,
    )
