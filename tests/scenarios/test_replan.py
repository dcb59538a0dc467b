"""A disruption announced during the day re-plans the freight that has not
left (scenarios.replan), with the real daily planner on the tiny case."""

from __future__ import annotations

from dataclasses import replace

from planner.domain import Case
from scenarios import load_scenario
from scenarios.daycase import day_case, standing_case
from scenarios.generate import ActiveDisruption, draw_day
from scenarios.quality import with_precool_budget
from scenarios.replan import PREFIX, replan_freight
from scenarios.simulator import DailyPlanner, announcements
from scenarios.spec import Disruption, DisruptionKind
from scenarios.stock import storage_rates

from .conftest import DATA


def test_a_midday_cancellation_replans_the_legs_not_yet_departed(tiny_luc_ngan: Case) -> None:
    spec = load_scenario(DATA / "tiny.toml")
    draw = draw_day(tiny_luc_ngan, spec, run=0, day=0)
    world = standing_case(tiny_luc_ngan, spec)
    morning = with_precool_budget(day_case(world, draw))
    plan = DailyPlanner(spec.planner)(morning, 1)
    lanes = {lane.id: lane for lane in morning.lanes}
    ships = {sh.id: sh for sh in plan.consolidation.shipments}
    firsts = sorted({ships[it.shipments[0]].departure for it in plan.consolidation.itineraries.values()})

    def riding(at: int) -> list[tuple[int, str]]:  # scheduled legs, the same day, of orders not yet left at ``at``
        return sorted((ships[sid].departure, ships[sid].lane_id)
                      for it in plan.consolidation.itineraries.values() if ships[it.shipments[0]].departure >= at
                      for sid in it.shipments
                      if lanes[ships[sid].lane_id].departures and at <= ships[sid].departure < 24 * 3600)

    # announced just after a departure (its orders have left, not the others) when some order not yet left
    # rides a scheduled lane later that day; else (every such order leaves on the first departure) just before
    candidates = [t + 1 for t in firsts] + [firsts[0] - 60]
    at = next((t for t in candidates if riding(t)), None)
    assert at is not None, "the tiny day should ship orders on scheduled lanes the same day"
    lane_id = riding(at)[0][1]
    hours = 24.0 - at / 3600
    told = Disruption(DisruptionKind.FLIGHT_CANCELLATION, lane_id, days=(0,), start_h=at / 3600,
                      hours=hours, announced_h=at / 3600)
    draw = replace(draw, disruptions=(*draw.disruptions, ActiveDisruption(99, told, 1.0, 0)))
    assert announcements(draw) == [at / 3600]
    assert day_case(world, draw, announced_by_h=0.0).lanes == morning.lanes  # unknown in the morning
    known = with_precool_budget(day_case(world, draw, announced_by_h=at / 3600))
    cancelled = {d.time for d in lanes[lane_id].departures if at <= d.time < 24 * 3600}  # the rest of the day
    assert all(lane.id != lane_id or not cancelled & {d.time for d in lane.departures}
               for lane in known.lanes)

    again = replan_freight(known, plan, at=at, params=spec.planner, seed=1,
                           storage_rate=storage_rates(tiny_luc_ngan, spec.planner))

    gone = {sh.id for sh in plan.consolidation.shipments if sh.departure < at}
    ids = {sh.id for sh in again.consolidation.shipments}
    assert gone <= ids  # what has left has left
    new = [sh for sh in again.consolidation.shipments if sh.id.startswith(PREFIX)]
    assert new and all(sh.departure >= at for sh in new)
    assert not any(sh.lane_id == lane_id and sh.departure in cancelled for sh in new)
    hit = {oid for oid, it in plan.consolidation.itineraries.items()
           if any(s.lane_id == lane_id and s.departure in cancelled
                  for s in plan.consolidation.shipments if s.id in it.shipments)
           and it.shipments[0] not in gone}
    assert hit, "some orders rode the cancelled departures"
    for oid in hit:  # re-planned on other departures, or left unserved
        it = again.consolidation.itineraries.get(oid)
        assert it is None or all(x.startswith(PREFIX) for x in it.shipments)
    assert again.orders_replanned == len(morning.orders) - sum(
        1 for it in plan.consolidation.itineraries.values() if it.shipments and it.shipments[0] in gone)
