"""Take lots out of a finished pickup plan, keeping every other stop's times.

Used when a check of the whole plan finds a rule a lot's pickup breaks: the
lot leaves its route with its reason, and the route is rebuilt by
:func:`.schedule.build_route` with every remaining stop held at the time it
had (``service_after``), so nothing else moves: intake slots, freshness and
pickup windows stay as they were checked, and the route only gets shorter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..domain import Case
from ..travel import GreatCircleProvider, TravelTimeProvider
from .freshness import FreshnessTable
from .network import Network, build_network, expand_fleet
from .reasons import Reason
from .result import LotDelivery, Route, RoutingResult, UnassignedLot
from .schedule import Visits, build_route


def without_lots(case: Case, result: RoutingResult, drops: Mapping[str, tuple[Reason, str]], *,
                 travel: TravelTimeProvider | None = None) -> RoutingResult:
    """``result`` with the lots in ``drops`` (lot id -> reason, detail)
    unassigned and their routes rebuilt; routes left empty are removed."""
    routed = {d.lot_id: d for d in result.deliveries}
    drops = {lot_id: why for lot_id, why in drops.items() if lot_id in routed}
    if not drops:
        return result
    travel = travel or GreatCircleProvider.from_settings(case.settings.travel)
    lot_by_id = {lot.id: lot for lot in case.lots}
    kept = [lot_by_id[d.lot_id] for d in result.deliveries if d.lot_id not in drops]
    net = build_network(case, kept, travel=travel, max_packing_houses=1,
                        forced={lot.id: {routed[lot.id].packing_house} for lot in kept})
    table = FreshnessTable(case)
    index = {v.id: k for k, v in enumerate(expand_fleet(case))}
    routes: list[Route] = []
    deliveries: list[LotDelivery] = []
    for route in result.routes:
        visits = _held_visits(net, route, routed, drops)
        if not visits:
            continue
        new_route, ds = build_route(net, table, index[route.vehicle_id], route.stops[0].departure, visits)
        routes.append(new_route)
        deliveries += ds
    order = {d.lot_id: k for k, d in enumerate(result.deliveries)}
    unassigned = list(result.unassigned) + [
        UnassignedLot(lot_id, reason, detail, lot_by_id[lot_id].kg) for lot_id, (reason, detail) in drops.items()]
    return replace(result, routes=routes, deliveries=sorted(deliveries, key=lambda d: order[d.lot_id]),
                   unassigned=unassigned)


def _held_visits(net: Network, route: Route, routed: dict[str, LotDelivery],
                 drops: Mapping[str, object]) -> Visits:
    """The route's remaining visits, each stop held at its service start."""
    visits: Visits = []
    for stop in route.stops:
        lots = [lot_id for lot_id in stop.lot_ids if lot_id not in drops]
        if stop.kind not in ("pickup", "delivery") or not lots:
            continue
        first = routed[lots[0]]
        hold = first.picked_up if stop.kind == "pickup" else first.delivered
        for lot_id in lots:
            node = net.pickup[lot_id] if stop.kind == "pickup" else net.delivery[lot_id][routed[lot_id].packing_house]
            visits.append((node, hold))
    return visits
