"""Lots no plan can serve, found before the search, each with its reason."""

from __future__ import annotations

from ..domain import Case, HarvestLot, next_open
from ..domain.clock import clock, duration
from .freshness import FreshnessTable
from .network import Network, lot_boxes
from .reasons import Reason
from .result import UnassignedLot


def at(case: Case, t: int) -> str:
    """Engine seconds as the case's local clock time (``09:44 12 Jun``)."""
    return clock(t, case.settings.epoch, case.settings.timezone)


def precheck(net: Network, table: FreshnessTable, lot: HarvestLot, *, now: int) -> UnassignedLot | None:
    """Try every vehicle going straight home -> farm -> packing house -> end.
    None when one of them could serve the lot; otherwise the reason of the
    attempt that got furthest: no vehicle large enough; outside every shift
    (the farm cannot be reached within the pickup window, or the lot is
    ready after the shift ends, or the vehicle cannot unload and get back
    before it ends); every allowed packing house closed while a vehicle
    could be there; the freshness budget spent on the best direct trip."""
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
            detail = detail or (f"{vt.id} reaches the farm at {at(case, p)}, after the latest pickup "
                                f"{at(case, lot.latest_pickup)}")
            continue
        if p > vt.shift.end:
            detail = detail or (f"ready at {at(case, lot.ready)}, after {vt.id}'s shift ends "
                                f"({at(case, vt.shift.end)})")
            continue
        for ph, d_node in net.delivery[lot.id].items():
            arrive = p + net.transit(vt.profile, pickup, d_node)
            opening = case.site_by_id[ph].opening
            start = next_open(opening, arrive) if opening else arrive
            if arrive > vt.shift.end:
                if stage < 1:
                    stage, detail = 1, (f"{vt.id} could reach {ph} at {at(case, arrive)}, after its shift "
                                        f"ends ({at(case, vt.shift.end)})")
                continue
            if start is None or start > vt.shift.end:
                if stage < 2:
                    stage, detail = 2, (f"{ph} is closed from {at(case, arrive)} until the end of {vt.id}'s "
                                        f"shift ({at(case, vt.shift.end)})")
                continue
            back = start + net.transit(vt.profile, d_node, 2 * v + 1)
            if back > vt.shift.end:
                if stage < 1:
                    stage, detail = 1, (f"{vt.id} cannot unload at {ph} ({at(case, start)}) and return "
                                        f"before its shift ends ({at(case, vt.shift.end)})")
                continue
            spent = table.consumed(lot, vt, p, start)
            budget = table.budget(lot.product)
            if spent > budget:
                if stage < 3:
                    ref = case.product_by_id[lot.product].ref_temp_c
                    stage, detail = 3, (f"best direct trip ({vt.id}, picked up {at(case, p)}, at {ph} "
                                        f"{at(case, start)}) spends {duration(spent)} of a "
                                        f"{duration(budget)} pre-cooling budget (reference time at {ref:g} °C)")
                continue
            return None
    reason = {0: Reason.OUTSIDE_SHIFTS, 1: Reason.OUTSIDE_SHIFTS, 2: Reason.PACKING_HOUSE_CLOSED,
              3: Reason.SPOILS_BEFORE_REACHING}[stage]
    return UnassignedLot(lot.id, reason, detail or "no vehicle shift covers the pickup window", lot.kg)
