"""Execution of a plan (scenarios.execution, scenarios.quality) against
hand-computed figures: missed departures, reefer failures, the pre-cooling
budget, shelf life that never goes below zero."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from planner.consolidation import Supply
from planner.consolidation.results import OrderItinerary
from planner.domain import Case, Departure, HarvestLot
from planner.domain.units import DAY, HOUR
from planner.freshness import model_for
from scenarios.distributions import Distribution, parse_distribution
from scenarios.execution import execute, execute_pickups
from scenarios.quality import precool_kpis, with_precool_budget
from scenarios.spec import ExecutionSpec
from scenarios.stock import carry_stock


class Scripted:
    """A stand-in for a numpy Generator: every draw of a delay is ``delay``
    minutes, deviations are 0, ``random()`` is ``u``."""

    def __init__(self, delay: float = 0.0, u: float = 0.99) -> None:
        self.delay, self.u = delay, u

    def lognormal(self, *_: Any) -> float:
        return self.delay

    def normal(self, *_: Any) -> float:
        return 0.0

    def random(self, *_: Any) -> float:
        return self.u


LOGNORMAL = parse_distribution({"dist": "lognormal", "median": 10.0, "sigma": 1.0})
DELAYED = ExecutionSpec(route_delay_min=LOGNORMAL, leg_delay_min=LOGNORMAL,
                        temperature_deviation_c=parse_distribution({"dist": "normal", "mean": 0.0, "sd": 1.0}))


def _leg(sid: str, lane: str, dep_h: float, cut_h: float, arr_h: float, temp: float = 4.0,
         dest: str = "han") -> SimpleNamespace:
    return SimpleNamespace(id=sid, lane_id=lane, departure=round(dep_h * HOUR), cutoff=round(cut_h * HOUR),
                           arrival=round(arr_h * HOUR), temperature_c=temp, destination=dest, cost=0.0)


def _world(case: Case, deadline_h: float) -> tuple[Case, SimpleNamespace]:
    """A case with a truck lane (08:30, 16:30) to Noi Bai and a flight (13:00
    daily, cut-off 11:00), one order on both, packed fruit ready at 08:00."""
    truck = replace(case.lanes[0], id="truck", departures=(Departure(round(8.5 * HOUR), round(8.25 * HOUR)),
                                                           Departure(round(16.5 * HOUR), round(16.25 * HOUR))))
    flight = replace(case.lanes[0], id="flight", departures=tuple(
        Departure(round((13 + 24 * d) * HOUR), round((11 + 24 * d) * HOUR)) for d in range(2)))
    order = replace(case.orders[0], id="o1", market="domestic", deadline=round(deadline_h * HOUR),
                    min_shelf_life_s=0)
    world = case.replace(lanes=(truck, flight), orders=(order,))
    supply = Supply(id="a", site="ph-chu", product="lychee", grade="A", kg=10.0, available_at=8 * HOUR,
                    shelf_life_left_s=20 * DAY)
    legs = [_leg("S1", "truck", 8.5, 8.25, 10.5), _leg("S2", "flight", 13, 11, 17, temp=18.0, dest="nrt")]
    it = OrderItinerary("o1", ("S1", "S2"), round(18 * HOUR), 19 * DAY, ("a",))
    plan = SimpleNamespace(supplies=(supply,), routing=SimpleNamespace(deliveries=()),
                           consolidation=SimpleNamespace(shipments=legs, itineraries={"o1": it}))
    return world, plan


def test_a_late_truck_misses_the_flight_and_takes_the_next(tiny_luc_ngan: Case) -> None:
    """The truck leaves 2 h 30 min late (arrives 13:00, after the 11:00
    cut-off): the order waits for the next day's flight and arrives 24 h late."""
    world, plan = _world(tiny_luc_ngan, deadline_h=30)

    def streams(key: str) -> Scripted:
        return Scripted(150.0 if "truck" in key else 0.0)

    [out] = execute(world, plan, DELAYED, streams, lots={})
    assert out.missed_departures == 1 and not out.stranded
    assert out.delivered == round(18 * HOUR) + DAY
    assert not out.on_time and not out.sound
    model = model_for(world.products[0])
    lost = (out.delivered - round(18 * HOUR)) * float(model.rate(4.0))  # the day late, at the first leg's 4 C
    assert out.shelf_life_left_s == pytest.approx(19 * DAY - lost)


def test_a_small_delay_rides_the_same_flight(tiny_luc_ngan: Case) -> None:
    world, plan = _world(tiny_luc_ngan, deadline_h=30)
    [out] = execute(world, plan, DELAYED, lambda key: Scripted(20.0 if "truck" in key else 0.0), lots={})
    assert out.missed_departures == 0 and out.delivered == round(18 * HOUR) and out.sound


def test_no_later_departure_strands_the_order(tiny_luc_ngan: Case) -> None:
    world, plan = _world(tiny_luc_ngan, deadline_h=60)
    flight = replace(world.lanes[1], departures=world.lanes[1].departures[:1])  # one flight only
    world = world.replace(lanes=(world.lanes[0], flight))
    [out] = execute(world, plan, DELAYED, lambda key: Scripted(150.0 if "truck" in key else 0.0), lots={})
    assert out.stranded and not out.on_time and not out.sound


def test_a_reefer_failure_spoils_its_load(tiny_luc_ngan: Case) -> None:
    """The 36 h reefer to Ho Chi Minh City fails at its start (u = 0): the load
    rides at 35 C, 36 h x 3.3^3 = 53.9 days of reference shelf life: spoiled,
    and its shelf life left is 0, never negative."""
    order = replace(tiny_luc_ngan.orders[0], id="o1", market="domestic", deadline=3 * DAY, min_shelf_life_s=0)
    world = tiny_luc_ngan.replace(orders=(order,))
    leg = _leg("S1", "chu-hcmc-reefer", 9, 8, 45, temp=4.0, dest="hub-hcmc")
    supply = Supply(id="a", site="ph-chu", product="lychee", grade="A", kg=10.0, available_at=7 * HOUR,
                    shelf_life_left_s=20 * DAY)
    plan = SimpleNamespace(supplies=(supply,), routing=SimpleNamespace(deliveries=()), consolidation=SimpleNamespace(
        shipments=[leg], itineraries={"o1": OrderItinerary("o1", ("S1",), 46 * HOUR, 18 * DAY, ("a",))}))
    fails = ExecutionSpec(reefer_failure_probability=0.5, reefer_failure_c=Distribution.fixed(35.0))
    [out] = execute(world, plan, fails, lambda key: Scripted(0.0, u=0.0), lots={})
    assert out.reefer_failed and out.spoiled and out.shelf_life_left_s == 0.0 and not out.sound
    [ok] = execute(world, plan, fails, lambda key: Scripted(0.0, u=0.9), lots={})  # u >= p: no failure
    assert not ok.reefer_failed and ok.shelf_life_left_s == 18 * DAY
    air = SimpleNamespace(**{**vars(leg), "temperature_c": 18.0})  # not refrigerated (above reefer_below_c)
    plan.consolidation.shipments = [air]
    [warm] = execute(world, plan, fails, lambda key: Scripted(0.0, u=0.0), lots={})
    assert not warm.reefer_failed


def test_the_budget_comes_from_the_products_target(tiny_luc_ngan: Case) -> None:
    """2 h at the harvest-time ambient, in reference seconds, as the target's
    (soft) budget; 24 h there as the hard one the planner keeps."""
    product = replace(tiny_luc_ngan.products[0], precool_target_s=2 * HOUR, precool_budget_fraction=0.0)
    lot = replace(tiny_luc_ngan.lots[0], ready=6 * HOUR, latest_pickup=12 * HOUR)
    case = with_precool_budget(tiny_luc_ngan.replace(products=(product,), lots=(lot,)))
    temp = tiny_luc_ngan.settings.ambient_at(6 * HOUR)
    rate = product.q10 ** ((temp - product.ref_temp_c) / 10)
    assert case.products[0].precool_target_budget_s == pytest.approx(2 * HOUR * rate, abs=1)
    assert case.products[0].precool_budget_s == pytest.approx(24 * HOUR * rate, abs=1)
    shared = with_precool_budget(tiny_luc_ngan)  # a stated share stays the hard budget
    assert shared.products[0].precool_budget_s == tiny_luc_ngan.products[0].precool_budget_s == round(0.2 * 24 * DAY)


def test_a_lot_past_its_budget_is_downgraded(tiny_luc_ngan: Case) -> None:
    """Two lots picked at 06:00, unloaded at 07:30 as planned with 600 s of
    the 2 h target's budget left; the moto that carries lot 'late' runs 30 min
    late at ambient (more than 600 s): 'late' is downgraded, not carried as
    stock, and the order it fed is not sound; 'ok' rides a reefer on time."""
    lots = tuple(HarvestLot(i, tiny_luc_ngan.lots[0].farm, "lychee", 100.0, 6 * HOUR, 9 * HOUR)
                 for i in ("late", "ok"))
    product = replace(tiny_luc_ngan.products[0], precool_budget_fraction=0.0, precool_target_s=2 * HOUR)
    case = tiny_luc_ngan.replace(lots=lots, products=(product,))
    moto = next(v for v in case.vehicle_types if v.temperature.value == "ambient")
    left = product.precool_budget_s - product.precool_target_budget_s + 600.0  # of the hard budget, as routing says
    deliveries = [SimpleNamespace(lot_id=i, vehicle_id=f"{moto.id}#{k}", delivered=round(7.5 * HOUR),
                                  budget_left_s=left) for k, i in enumerate(("late", "ok"))]
    plan = SimpleNamespace(routing=SimpleNamespace(deliveries=deliveries))

    def streams(key: str) -> Scripted:
        return Scripted(30.0 if key.endswith("#0") else 0.0)

    out = execute_pickups(case, plan, DELAYED, streams)
    assert out["late"].downgraded and not out["ok"].downgraded
    assert out["late"].unloaded == round(8 * HOUR) and out["late"].precool_hours == 2.0
    k = precool_kpis(out.values(), target_h=1.75)
    assert k["kg_downgraded"] == 100.0 and k["precool_late_kg"] == 100.0
    assert k["precool_hours_mean"] == pytest.approx(1.75)
    supplies = tuple(Supply(id=i, site="ph-chu", product="lychee", grade="A", kg=100.0,
                            available_at=8 * HOUR, shelf_life_left_s=20 * DAY) for i in ("late", "ok"))
    stock_plan = SimpleNamespace(supplies=supplies, routing=SimpleNamespace(deliveries=deliveries),
                                 consolidation=SimpleNamespace(shipments=[], itineraries={}))
    kept = carry_stock(case, stock_plan, storage_rate={"lychee": 1.0}, lots=out)
    assert [s.id for s in kept.carried] == ["ok"]
    assert kept.kg_downgraded_sold == 100.0  # to the traditional trade: still in the ledger
    order = replace(case.orders[0], id="o1", market="domestic", deadline=3 * DAY, min_shelf_life_s=0)
    leg = _leg("S1", "chu-hanoi-reefer", 9, 8.5, 11.5, dest="hub-hanoi")
    fed = SimpleNamespace(supplies=supplies, routing=plan.routing, consolidation=SimpleNamespace(
        shipments=[leg], itineraries={"o1": OrderItinerary("o1", ("S1",), 12 * HOUR, 19 * DAY, ("late",))}))
    [o] = execute(case.replace(orders=(order,)), fed, DELAYED, streams, lots=out)
    assert o.downgraded and o.on_time and not o.sound


def test_execution_draws_depend_on_the_departure_only(tiny_luc_ngan: Case) -> None:
    world, plan = _world(tiny_luc_ngan, deadline_h=30)
    spec = ExecutionSpec(leg_delay_min=LOGNORMAL)
    from scenarios.streams import Part, keyed_streams

    a = execute(world, plan, spec, keyed_streams(1, 0, 0, Part.EXECUTION), lots={})
    b = execute(world, plan, spec, keyed_streams(1, 0, 0, Part.EXECUTION), lots={})
    assert a == b
