"""An independent checker of a consolidation result.

It re-derives everything from the case, the supplies and the shipments
(not from the solver's itineraries): every order served exactly once or
unserved with a known reason; lanes, departures, cut-offs and transit times;
units within capacity and count; manifests adding up to the orders; legs
chained with treatment where the market demands it, the batch inside one
opening window of the facility (it ends before the facility closes), daily
capacity respected; freight loaded (cut-off to departure) while its origin
is open; market rules (region, certification, product, grade);
supply used within its kg and ready by the cut-off; deadlines; shelf life at
delivery recomputed with the freshness model; costs re-added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..domain import Case, Order, Site
from ..domain.clock import clock, clock_range, duration
from ..domain.units import DAY
from ..freshness import model_for
from .classes import penalty_of, required_shelf_s
from .params import ConsolidationParams
from .reasons import Reason
from .results import ConsolidationResult, ManifestLine, Shipment, TreatmentStep
from .supply import Supply

TOL_KG = 1e-6
TOL_COST = 1e-3


def check_result(
    case: Case, supplies: Sequence[Supply], result: ConsolidationResult, *,
    params: ConsolidationParams | None = None,
) -> list[str]:
    """Every violation found in ``result`` (empty: the plan is valid)."""
    params = params or ConsolidationParams()
    problems: list[str] = []
    orders = {o.id: o for o in case.orders}
    ships = {s.id: s for s in result.shipments}
    problems += _coverage(orders, result)
    for s in result.shipments:
        problems += _shipment(case, s, params)
    supply = {s.id: s for s in supplies}
    used: dict[str, float] = defaultdict(float)
    lines_of: dict[tuple[str, str], list[ManifestLine]] = defaultdict(list)
    for s in result.shipments:
        for line in s.manifest:
            lines_of[(s.id, line.order_id)].append(line)
    for oid, route in result.itineraries.items():
        if oid in orders and all(sid in ships for sid in route.shipments):
            legs = [ships[s] for s in route.shipments]
            lines = [lines_of[(s.id, oid)] for s in legs]
            problems += _order(case, orders[oid], legs, lines, supply, used,
                               params, route.delivered, route.shelf_life_left_s)
        else:
            problems.append(f"order {oid}: unknown order or shipment in its itinerary")
    for sid, kg in used.items():
        if kg > supply[sid].kg + TOL_KG:
            problems.append(f"supply {sid}: {kg:.3f} kg used of {supply[sid].kg:.3f}")
    problems += _treatment_capacity(case, result)
    problems += _totals(orders, result, params)
    return problems


def _at(case: Case, t: float) -> str:
    return clock(t, case.settings.epoch, case.settings.timezone)


def _span(case: Case, start: float, end: float) -> str:
    return clock_range(start, end, case.settings.epoch, case.settings.timezone)


def _open_for(site: Site, start: int, end: int) -> bool:
    """The site is open the whole of ``[start, end]`` (one window holds it)."""
    return not site.opening or any(w.start <= start and end <= w.end for w in site.opening)


def _hours(case: Case, site: Site) -> str:
    return ", ".join(_span(case, w.start, w.end) for w in site.opening)


def _coverage(orders: dict[str, Order], result: ConsolidationResult) -> list[str]:
    problems = []
    served = set(result.itineraries)
    unserved = [u.order_id for u in result.unserved]
    if len(unserved) != len(set(unserved)):
        problems.append("an order is listed unserved more than once")
    both = served & set(unserved)
    problems += [f"order {o}: both served and unserved" for o in sorted(both)]
    missing = set(orders) - served - set(unserved)
    problems += [f"order {o}: neither served nor unserved" for o in sorted(missing)]
    codes = {r.value for r in Reason}
    problems += [f"order {u.order_id}: unknown reason {u.reason!r}" for u in result.unserved
                 if str(u.reason) not in codes or not u.detail]
    return problems


def _shipment(case: Case, s: Shipment, params: ConsolidationParams) -> list[str]:
    lane = next((x for x in case.lanes if x.id == s.lane_id), None)
    if lane is None:
        return [f"shipment {s.id}: unknown lane {s.lane_id}"]
    where = f"shipment {s.id}"
    problems = []
    if (s.origin, s.destination, s.mode, s.partner) != (lane.origin, lane.destination,
                                                        lane.mode.value, lane.partner):
        problems.append(f"{where}: origin/destination/mode/partner differ from lane {lane.id}")
    if s.arrival != s.departure + lane.transit_s:
        problems.append(f"{where}: arrival is not departure + transit")
    if lane.departures:
        dep = next((d for d in lane.departures if d.time == s.departure), None)
        if dep is None or dep.cutoff != s.cutoff:
            problems.append(f"{where}: not a scheduled departure of {lane.id} (or wrong cut-off)")
    elif s.departure != s.cutoff + lane.handling_s:
        problems.append(f"{where}: on-demand departure must be cut-off + handling")
    origin = case.site_by_id.get(lane.origin)
    if origin is not None and not _open_for(origin, s.cutoff, s.departure):
        problems.append(f"{where}: loaded {_span(case, s.cutoff, s.departure)} while {origin.id} "
                        f"is closed (open {_hours(case, origin)})")
    if len(s.units) > lane.units_per_departure:
        problems.append(f"{where}: {len(s.units)} units > {lane.units_per_departure} offered")
    on_board = {line.order_id for line in s.manifest}
    for step in s.treatments:  # a batch treats the freight this shipment carries (an edited plan may not)
        stray = [oid for oid in step.order_ids if oid not in on_board]
        if stray:
            problems.append(f"{where}: its {step.treatment} step at {step.facility} names "
                            f"{', '.join(stray)}, not on its manifest")
    by_unit: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for line in s.manifest:
        by_unit[line.unit][0] += line.kg
        by_unit[line.unit][1] += line.boxes
    if set(by_unit) != {u.index for u in s.units}:
        problems.append(f"{where}: manifest units differ from the units opened")
    freight = 0.0
    for u in s.units:
        kg, boxes = by_unit.get(u.index, [0.0, 0])
        if abs(kg - u.kg) > TOL_KG or boxes != u.boxes:
            problems.append(f"{where} unit {u.index}: kg/boxes differ from its manifest")
        if u.kg > lane.unit_kg + TOL_KG or (lane.unit_boxes and u.boxes > lane.unit_boxes):
            problems.append(f"{where} unit {u.index}: {u.kg:.1f} kg / {u.boxes} boxes over capacity")
        freight += lane.unit_cost(u.kg)
    if abs(freight - s.freight_cost) > TOL_COST or abs(
            params.handling_cost_per_kg * s.kg - s.handling_cost) > TOL_COST:
        problems.append(f"{where}: cost does not add up")
    return problems


def _order(case: Case, order: Order, legs: list[Shipment], leg_lines: list[list[ManifestLine]],
           supply: dict[str, Supply],
           used: dict[str, float], params: ConsolidationParams, delivered: int,
           reported_shelf: int) -> list[str]:
    where = f"order {order.id}"
    market = case.market_by_id[order.market]
    problems = []
    if not legs:
        return [f"{where}: served with no shipment"]
    if order.destination.region in market.forbidden_regions:
        problems.append(f"{where}: market {market.id} forbids region {order.destination.region}")
    lines_first = leg_lines[0]
    for k, (ship, lines) in enumerate(zip(legs, leg_lines, strict=True)):
        if abs(sum(x.kg for x in lines) - order.kg) > TOL_KG or sum(x.boxes for x in lines) != order.boxes:
            problems.append(f"{where}: manifest of {ship.id} does not add up to the order")
        if k and ship.origin != legs[k - 1].destination:
            problems.append(f"{where}: leg {ship.id} does not start where the previous one ends")
        if k and {x.supply_id for x in lines} != {x.supply_id for x in lines_first}:
            problems.append(f"{where}: supplies change between legs")
    if legs[-1].destination != order.destination.hub:
        problems.append(f"{where}: ends at {legs[-1].destination}, not its hub")
    if legs[-1].arrival > order.deadline or delivered != legs[-1].arrival:
        problems.append(f"{where}: delivered {_at(case, legs[-1].arrival)} after its deadline "
                        f"{_at(case, order.deadline)} (or reported at {_at(case, delivered)})")
    problems += _timing_and_shelf(case, order, legs, lines_first, supply, used, params, reported_shelf)
    return problems


def _treatment_of(order: Order, legs: list[Shipment]) -> list[tuple[int, TreatmentStep]]:
    return [(k, t) for k, s in enumerate(legs) for t in s.treatments if order.id in t.order_ids]


def _timing_and_shelf(case: Case, order: Order, legs: list[Shipment], lines: list[ManifestLine],
                      supply: dict[str, Supply],
                      used: dict[str, float], params: ConsolidationParams, reported: int) -> list[str]:
    where = f"order {order.id}"
    market = case.market_by_id[order.market]
    problems: list[str] = []
    treated = _treatment_of(order, legs)
    if market.treatment and (len(treated) != 1 or treated[0][0] == 0):
        return problems + [f"{where}: market {market.id} needs one {market.treatment} step"]
    if not market.treatment and treated:
        problems.append(f"{where}: treated though market {market.id} needs none")
    # exposures after the first departure
    segs: list[tuple[int, float]] = [(legs[0].arrival - legs[0].departure, legs[0].temperature_c)]
    for k in range(1, len(legs)):
        ready = legs[k - 1].arrival
        for leg_k, step in treated:
            if leg_k == k:
                site = case.site_by_id[step.facility]
                if (step.facility != legs[k].origin or step.treatment != str(market.treatment)
                        or step.start < ready or step.end != step.start + site.treatment_s):
                    problems.append(f"{where}: treatment step at {step.facility} is not valid")
                if not _open_for(site, step.start, step.end):
                    problems.append(
                        f"{where}: {step.treatment} {_span(case, step.start, step.end)} at "
                        f"{site.id} outside its opening hours ({_hours(case, site)})")
                segs += [(step.start - ready, params.transfer_temp_c),
                         (step.end - step.start, params.treatment_temp_c)]
                ready = step.end
        if legs[k].cutoff < ready:
            problems.append(f"{where}: ready at {_at(case, ready)}, after the cut-off "
                            f"{_at(case, legs[k].cutoff)} of {legs[k].id}")
        segs += [(legs[k].departure - ready, params.transfer_temp_c),
                 (legs[k].arrival - legs[k].departure, legs[k].temperature_c)]
    model = model_for(case.product_by_id[order.product])
    rate = float(model.rate(params.storage_temp_c))
    # an edited plan may have times out of order (reported above): never negative spans
    durations, temps = zip(*((max(0, d), c) for d, c in segs), strict=True)
    consumed = model.consumed(durations, temps)
    need = required_shelf_s(order, market)
    worst = None
    for line in lines:
        s = supply.get(line.supply_id)
        if s is None:
            problems.append(f"{where}: unknown supply {line.supply_id}")
            continue
        used[s.id] += line.kg
        if (s.product, s.grade) != (order.product, order.grade):
            problems.append(f"{where}: supply {s.id} is {s.product}/{s.grade}")
        if not market.lot_eligible(s.certifications):
            problems.append(f"{where}: supply {s.id} lacks certifications for {market.id}")
        if s.site != legs[0].origin or s.available_at > legs[0].cutoff:
            problems.append(f"{where}: supply {s.id} not at {legs[0].origin} by the cut-off "
                            f"{_at(case, legs[0].cutoff)} (at {s.site} from {_at(case, s.available_at)})")
        house = case.site_by_id.get(s.site)
        if house is not None and s.cooled and not house.precooling:
            problems.append(f"{where}: supply {s.id} is counted in a cold store at {s.site}, "
                            f"which does not pre-cool")
        waited = max(0, legs[0].departure - s.available_at)
        if s.cooled:
            kept = rate * waited
        else:  # at ambient, the temperature of each hour it waits
            hours = [(h, min(h + 3600 - h % 3600, s.available_at + waited))
                     for h in _hour_starts(s.available_at, s.available_at + waited)]
            kept = sum(model.consumed([b - a], [case.settings.ambient_at(a)]) for a, b in hours)
        left = s.shelf_life_left_s - kept - consumed
        worst = left if worst is None else min(worst, left)
        if left < need - 1.0:
            problems.append(f"{where}: {duration(left)} of shelf life left at "
                            f"{_at(case, legs[-1].arrival)} < {duration(need)} required")
    if worst is not None and abs(worst - reported) > 2.0:
        problems.append(f"{where}: reported shelf life {duration(reported)} differs from "
                        f"{duration(worst)} recomputed ({reported - worst:+.0f} reference s)")
    return problems


def _hour_starts(start: int, end: int) -> list[int]:
    """``start`` and every full hour after it before ``end``."""
    first = (start // 3600 + 1) * 3600
    return ([start] if start < end else []) + list(range(first, end, 3600))


def _treatment_capacity(case: Case, result: ConsolidationResult) -> list[str]:
    kg: dict[tuple[str, int], float] = defaultdict(float)
    for s in result.shipments:
        for t in s.treatments:
            kg[(t.facility, t.start // DAY)] += t.kg
    problems = []
    for (facility, day), total in sorted(kg.items()):
        cap = case.site_by_id[facility].treatment_kg_per_day or 0.0
        if total > cap + TOL_KG:
            problems.append(f"facility {facility} on {_at(case, day * DAY)[6:]}: {total:.1f} kg "
                            f"treated > {cap:.1f} kg a day")
    return problems


def _totals(orders: dict[str, Order], result: ConsolidationResult,
            params: ConsolidationParams) -> list[str]:
    problems = []
    if abs(result.freight_cost - sum(s.freight_cost for s in result.shipments)) > TOL_COST:
        problems.append("result: freight cost differs from the shipments")
    treat = sum(t.cost for s in result.shipments for t in s.treatments)
    if abs(result.treatment_cost - treat) > TOL_COST:
        problems.append("result: treatment cost differs from the steps")
    penalty = sum(penalty_of(orders[u.order_id], params) for u in result.unserved if u.order_id in orders)
    if abs(result.penalty - penalty) > TOL_COST:
        problems.append("result: penalty differs from the unserved orders")
    return problems
