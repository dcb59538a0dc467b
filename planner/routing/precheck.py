"""Lots no plan can serve, found before the search, each with its reason."""

from __future__ import annotations

from ..domain import HarvestLot, next_open
from .freshness import FreshnessTable
from .network import Network, lot_boxes
from .reasons import Reason
from .result import UnassignedLot


def precheck(net: Network, table: FreshnessTable, lot: HarvestLot, *, now: int) -> UnassignedLot | None:
    """Try every vehicle going straight home -> farm -> packing house -> end.
    None when one of them could serve the lot; otherwise the reason of the
    attempt that got furthest (capacity < shift < opening < freshness)."""
    case = net.case
    boxes = lot_boxes(case, lot)
    big_enough = [v for v, veh in enumerate(net.vehicles)
                  if veh.type.capacity_kg >= lot.kg
                  and (veh.type.capacity_boxes == 0 or veh.type.capacity_boxes >= boxes)]
    if not big_enough:
        biggest = max((v.type.capacity_kg for v in net.vehicles), default=0.0)
        return UnassignedLot(lot.id, Reason.NO_VEHICLE_LARGE_ENOUGH,
                             f"{lot.kg:g} kg / {boxes} boxes; largest vehicle takes {biggest:g} kg", lot.kg)
    stage, detail = 0, ""
    seen_types: set[str] = set()
    pickup = net.pickup[lot.id]
    for v in big_enough:
        vt = net.vehicles[v].type
        if vt.id in seen_types:
            continue
        seen_types.add(vt.id)
        p = max(lot.ready, now, vt.shift.start + net.transit(vt.profile, 2 * v, pickup))
        if p > lot.latest_pickup:
            detail = detail or f"{vt.id} reaches the farm at {p} s, after latest pickup {lot.latest_pickup} s"
            continue
        for ph, d_node in net.delivery[lot.id].items():
            arrive = p + net.transit(vt.profile, pickup, d_node)
            start = next_open(case.site_by_id[ph].opening, arrive) if case.site_by_id[ph].opening else arrive
            if start is None or start > vt.shift.end:
                if stage < 2:
                    stage, detail = 2, f"{ph} is not open between {arrive} s and the end of {vt.id}'s shift"
                continue
            back = start + net.transit(vt.profile, d_node, 2 * v + 1)
            if back > vt.shift.end:
                if stage < 1:
                    stage, detail = 1, f"{vt.id} cannot deliver at {ph} and return within its shift"
                continue
            spent = table.consumed(lot, vt, p, start)
            budget = table.budget(lot.product)
            if spent > budget:
                if stage < 3:
                    stage, detail = 3, (f"best direct trip ({vt.id} to {ph}) spends {spent / 3600:.1f} "
                                        f"of {budget / 3600:.1f} reference h")
                continue
            return None
    reason = {0: Reason.OUTSIDE_SHIFTS, 1: Reason.OUTSIDE_SHIFTS, 2: Reason.PACKING_HOUSE_CLOSED,
              3: Reason.SPOILS_BEFORE_REACHING}[stage]
    return UnassignedLot(lot.id, reason, detail or "no vehicle shift covers the pickup window", lot.kg)
