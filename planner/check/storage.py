"""Fruit at a packing house, and the shelf life an order has left, recomputed
from the harvest by the checkers (independent of the supply conversion and
the freight model).

A lot delivered to packing house P when unloading starts at ``d``:

* is weighed and packed for the case's ``packing_service_s`` at ambient
  temperature (hourly pieces, the ambient changes on the hour);
* when P pre-cools (``precooling = true``) it is pre-cooled for the plan's
  ``precool_s``, counted at the reference rate, then waits in P's cold store
  at ``storage_temp_c`` until the freight that takes it departs. The cold
  store holds at most ``cold_storage_kg`` (empty: no limit) at any moment:
  beyond it fruit cannot wait. Fruit no shipment takes stays in the store;
* when P does not pre-cool, it is available after packing and waits at
  ambient temperature (hourly pieces) until its freight departs;
* packed stock the plan started from (its ``stock`` section) is taken as
  the plan states it: pre-cooled, waiting in the cold store;
* after the first departure it rides each leg at the leg's temperature,
  waits between legs at ``transfer_temp_c`` and is treated at
  ``treatment_temp_c`` (as the consolidation checker counts it).

Every order's shelf life at its hub and every manifest line's shelf life at
its leg's arrival are compared with what the plan reports; more than a
minute of reference life apart is a violation. Messages give clock times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..consolidation.params import ConsolidationParams
from ..consolidation.results import ConsolidationResult, ManifestLine, Shipment
from ..consolidation.supply import Supply
from ..domain import Case, Order
from ..domain.clock import clock
from ..domain.units import DAY
from ..freshness import model_for
from ..routing.check import TOL_SHELF_S, hourly_legs
from ..routing.result import LotDelivery

TOL_KG = 1e-6


@dataclass(frozen=True, slots=True)
class AtHouse:
    """A lot at its packing house: when it is available for freight and the
    reference seconds it has left then; ``cooled`` when it was pre-cooled."""

    lot_id: str
    house: str
    kg: float
    available_at: int
    left_s: float
    cooled: bool


def _ambient(case: Case, product: str, start: int, end: int) -> float:
    legs = hourly_legs(start, end, case.settings.ambient_at)
    if not legs:
        return 0.0
    durations, temps = zip(*legs, strict=True)
    return model_for(case.product_by_id[product]).consumed(durations, temps)


def at_houses(case: Case, deliveries: Iterable[LotDelivery], *, precool_s: int) -> dict[str, AtHouse]:
    """Every delivered lot once packed (and pre-cooled where the house does)."""
    lots = {lot.id: lot for lot in case.lots}
    service = case.settings.packing_service_s
    out = {}
    for d in deliveries:
        lot, site = lots[d.lot_id], case.site_by_id[d.packing_house]
        left = d.shelf_life_left_s - _ambient(case, lot.product, d.delivered, d.delivered + service)
        ready = d.delivered + service
        if site.precooling:
            left -= precool_s  # at the reference temperature: one reference second a second
            ready += precool_s
        out[d.lot_id] = AtHouse(d.lot_id, d.packing_house, lot.kg, ready, left, site.precooling)
    return out


def left_at_departure(case: Case, fruit: AtHouse, product: str, departure: int, storage_temp_c: float) -> float:
    """Reference seconds ``fruit`` has left when its first leg departs."""
    if departure <= fruit.available_at:
        return fruit.left_s
    if fruit.cooled:
        rate = float(model_for(case.product_by_id[product]).rate(storage_temp_c))
        return fruit.left_s - rate * (departure - fruit.available_at)
    return fruit.left_s - _ambient(case, product, fruit.available_at, departure)


def _leg_consumption(case: Case, order: Order, legs: list[Shipment], params: ConsolidationParams,
                     memo: dict[tuple[object, ...], list[float]]) -> list[float]:
    """Reference seconds consumed from the first departure to each leg's
    arrival (``memo``: orders on the same legs and treatment share it)."""
    segs: list[list[tuple[int, float]]] = [[(legs[0].arrival - legs[0].departure, legs[0].temperature_c)]]
    for k in range(1, len(legs)):
        ready, leg = legs[k - 1].arrival, []
        for step in legs[k].treatments:
            if order.id in step.order_ids:
                leg += [(max(0, step.start - ready), params.transfer_temp_c),
                        (step.end - step.start, params.treatment_temp_c)]
                ready = step.end
        leg += [(max(0, legs[k].departure - ready), params.transfer_temp_c),
                (legs[k].arrival - legs[k].departure, legs[k].temperature_c)]
        segs.append(leg)
    key = (order.product, *(tuple(leg) for leg in segs))
    if key not in memo:
        model = model_for(case.product_by_id[order.product])
        total, out = 0.0, []
        for leg in segs:
            durations, temps = zip(*leg, strict=True)
            total += model.consumed(durations, temps)
            out.append(total)
        memo[key] = out
    return memo[key]


def check_storage(case: Case, deliveries: Iterable[LotDelivery], freight: ConsolidationResult, *,
                  precool_s: int, params: ConsolidationParams, stock: Iterable[Supply] = ()) -> list[str]:
    """Violations of the packing-house rules and of the reported shelf life.
    ``stock`` is packed fruit the plan started from, as the plan states it."""
    def at(t: float) -> str:
        return clock(t, case.settings.epoch, case.settings.timezone)

    fruit = at_houses(case, deliveries, precool_s=precool_s)
    fruit |= {s.id: AtHouse(s.id, s.site, s.kg, s.available_at, s.shelf_life_left_s, s.cooled) for s in stock}
    ships = {s.id: s for s in freight.shipments}
    lines_of: dict[tuple[str, str], list[ManifestLine]] = defaultdict(list)
    for ship in freight.shipments:
        for line in ship.manifest:
            lines_of[(ship.id, line.order_id)].append(line)
    orders = {o.id: o for o in case.orders}
    problems: list[str] = []
    leaves: list[tuple[str, int, float]] = []  # (lot, departure, kg) of first legs
    memo: dict[tuple[object, ...], list[float]] = {}
    for oid, itinerary in sorted(freight.itineraries.items()):
        order = orders.get(oid)
        legs = [ships[s] for s in itinerary.shipments if s in ships]
        if order is None or not legs or len(legs) != len(itinerary.shipments):
            continue  # the consolidation checker names what is unknown
        consumed = _leg_consumption(case, order, legs, params, memo)
        worst, lines_off = None, []
        for j, leg in enumerate(legs):
            for line in lines_of[(leg.id, oid)]:
                f = fruit.get(line.supply_id)
                if f is None:
                    continue
                if j == 0:
                    leaves.append((f.lot_id, leg.departure, line.kg))
                    if f.available_at > leg.cutoff:
                        problems.append(f"order {oid}: lot {f.lot_id} is packed{' and pre-cooled' if f.cooled else ''}"
                                        f" at {f.house} at {at(f.available_at)}, after the cut-off "
                                        f"{at(leg.cutoff)} of {leg.id}")
                left = left_at_departure(case, f, order.product, legs[0].departure, params.storage_temp_c)
                left -= consumed[j]
                if abs(left - line.shelf_life_left_at_arrival_s) > TOL_SHELF_S:
                    lines_off.append((abs(left - line.shelf_life_left_at_arrival_s), leg, f.lot_id,
                                      line.shelf_life_left_at_arrival_s, left))
                if j == len(legs) - 1:
                    worst = left if worst is None else min(worst, left)
        if worst is not None and abs(worst - itinerary.shelf_life_left_s) > TOL_SHELF_S:
            problems.append(f"order {oid}: reports {itinerary.shelf_life_left_s / DAY:.2f} days of shelf life at "
                            f"{at(legs[-1].arrival)}, recomputed from the harvest {worst / DAY:.2f} days "
                            f"({itinerary.shelf_life_left_s - worst:+.0f} reference s)")
        if lines_off:
            _, leg, lot_id, said, left = max(lines_off, key=lambda x: x[0])
            problems.append(f"order {oid}: {len(lines_off)} manifest line(s) report shelf life off by more than "
                            f"a minute, the most lot {lot_id} on {leg.id}: {said / DAY:.2f} days at "
                            f"{at(leg.arrival)}, recomputed {left / DAY:.2f} days ({said - left:+.0f} reference s)")
    problems += _cold_store(case, fruit, leaves, at)
    return problems


def _cold_store(case: Case, fruit: dict[str, AtHouse], leaves: list[tuple[str, int, float]],
                at: Callable[[float], str]) -> list[str]:
    """Pre-cooled kg waiting at each house never above its ``cold_storage_kg``."""
    events: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for f in fruit.values():
        if f.cooled:
            events[f.house].append((f.available_at, f.kg))
    for lot_id, departure, kg in leaves:
        f = fruit[lot_id]
        if f.cooled:
            events[f.house].append((max(departure, f.available_at), -kg))
    problems = []
    for house, items in sorted(events.items()):
        cap = case.site_by_id[house].cold_storage_kg
        if cap is None:
            continue
        held, peak, when = 0.0, 0.0, 0
        for t, kg in sorted(items):  # at one instant departures (negative) come first
            held += kg
            if held > peak:
                peak, when = held, t
        if peak > cap + TOL_KG:
            problems.append(f"{house}: {peak:,.1f} kg of pre-cooled fruit waiting in the cold store at "
                            f"{at(when)} > cold_storage_kg {cap:,.0f} (beyond it fruit cannot wait)")
    return problems

