"""Why a lot the plan leaves out is out, when no search round said so.

The OR-Tools rounds learn why a lot is refused from the exact checks of a
plan that carried it (:func:`.engine._solve_and_repair`); a plan built by the
exact insertion (the ``insertion`` backend) never carries a lot it cannot
place, so for a lot left out without a reason this module asks the exact
checks about a trip of the lot's own: refused alone, the rule that refuses
it (a house that does not pre-cool, the freshness budget); clean alone but
refused beside the plan, the packing house's capacity; clean beside it too,
the fleet went to other lots.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..domain import HarvestLot
from .freshness import FreshnessTable
from .network import Network, lot_boxes
from .reasons import Reason
from .result import LotDelivery
from .schedule import build_route

Check = Callable[[list[LotDelivery]], Mapping[str, tuple[Reason, str, object]]]  # the exact checks' refusals


def why_left_out(net: Network, table: FreshnessTable, lot: HarvestLot, plan: Sequence[LotDelivery],
                 check: Check, *, now: int) -> tuple[Reason, str] | None:
    """The reason ``lot`` is out of the plan whose deliveries are ``plan``,
    by a trip of its own on the first vehicle of each type big enough for
    it, leaving when its shift starts (or ``now``), picked up when the lot
    is ready and driven to each allowed packing house, timed by the one
    re-timer (:func:`.schedule.build_route`) and kept only if it keeps the
    pickup window and the shift. When every such trip is refused by
    ``check`` alone, the first refusal's reason and detail; when one is clean
    alone but refused beside ``plan`` at every house (intake or cold store
    taken by lots of higher value), that refusal; when one is clean beside
    ``plan`` too, None: the lot could go, the fleet went to other lots
    (``fleet_exhausted``). Lots no vehicle can serve alone at all got their
    reasons before the search (:func:`.precheck.precheck`)."""
    alone: tuple[Reason, str] | None = None
    beside: tuple[Reason, str] | None = None
    boxes = lot_boxes(net.case, lot)
    seen: set[str] = set()
    pickup = (net.pickup[lot.id], max(lot.ready, now))
    for v, vehicle in enumerate(net.vehicles):
        vt = vehicle.type
        if vt.id in seen or vt.capacity_kg < lot.kg or (vt.capacity_boxes and vt.capacity_boxes < boxes):
            continue
        seen.add(vt.id)
        for node in net.delivery[lot.id].values():
            route, trip = build_route(net, table, v, max(vt.shift.start, now), [pickup, (node, 0)])
            if not trip or trip[0].picked_up > lot.latest_pickup or route.stops[-1].arrival > vt.shift.end:
                continue
            refused = check(trip).get(lot.id)
            if refused is not None:
                alone = alone or (refused[0], refused[1])
                continue
            refused = check([*plan, *trip]).get(lot.id)
            if refused is None:
                return None
            beside = beside or (refused[0], refused[1])
    return beside or alone
