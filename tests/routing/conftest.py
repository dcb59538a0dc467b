"""Tiny routing cases built in code: sites on an east-west line at 21.3 N
(0.01 degree of longitude is about 1.036 km), no detour, motorbikes and trucks
at 36 km/h (10 m/s), ambient 30 C all day, lychee with a budget of 6 h at 30 C."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from planner.domain import (
    Case,
    CaseSettings,
    HarvestLot,
    Location,
    ProductProfile,
    Site,
    SiteKind,
    TemperatureClass,
    TimeWindow,
    TravelSettings,
    VehicleType,
)
from planner.domain.units import HOUR
from planner.freshness import model_for
from planner.routing import RoutingParams, RoutingResult, check_result

LAT = 21.3
EPOCH = datetime(2025, 6, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def product(budget_h_at_30: float = 6.0) -> ProductProfile:
    """Lychee whose pre-cooling budget lasts ``budget_h_at_30`` hours at 30 C."""
    rate30 = 3.3 ** ((30.0 - 5.0) / 10.0)
    budget = budget_h_at_30 * HOUR * rate30
    return ProductProfile("lychee", "Lychee", 5.0, round(budget / 0.2), q10=3.3, precool_budget_fraction=0.2)


def site(sid: str, km_east: float, kind: SiteKind = SiteKind.FARM, **kw: object) -> Site:
    return Site(sid, sid, kind, Location(LAT, 106.5 + km_east / 103.6), **kw)  # type: ignore[arg-type]


def packing_house(sid: str = "ph", km_east: float = 0.0, **kw: object) -> Site:
    return site(sid, km_east, SiteKind.PACKING_HOUSE, **kw)


def vehicle(vid: str = "moto", *, kg: float = 200, count: int = 1, temp: TemperatureClass = TemperatureClass.AMBIENT,
            home: str = "ph", shift: tuple[float, float] = (3, 14), profile: str = "motorbike",
            fixed: float = 50_000, per_km: float = 2_000, per_h: float = 30_000) -> VehicleType:
    return VehicleType(
        vid, vid, profile, kg, 0, temp, home, TimeWindow(round(shift[0] * HOUR), round(shift[1] * HOUR)),
        count=count, setpoint_c=4.0 if temp is TemperatureClass.REEFER else None,
        fixed_cost=fixed, cost_per_km=per_km, cost_per_hour=per_h,
    )


def lot(lid: str, farm: str, kg: float = 100, *, ready_h: float = 4, latest_h: float = 10,
        value: float = 1_000_000, service_min: float = 5, **kw: object) -> HarvestLot:
    return HarvestLot(lid, farm, "lychee", kg, round(ready_h * HOUR), round(latest_h * HOUR),
                      value=value, service_s=round(service_min * 60), **kw)  # type: ignore[arg-type]


def make_case(sites: list[Site], vehicles: list[VehicleType], lots: list[HarvestLot], *,
              budget_h: float = 6.0, packing_service_min: float = 10) -> Case:
    settings = CaseSettings(
        name="routing test", epoch=EPOCH, horizon_days=1, ambient_c=(30.0,) * 24, iced_c=12.0,
        packing_service_s=round(packing_service_min * 60),
        travel=TravelSettings(detour_factor=1.0, speeds_kmh=(("motorbike", 36.0), ("truck", 36.0))),
    )
    return Case(settings, tuple(sites), (product(budget_h),), (), tuple(vehicles), (), tuple(lots))


def spent_h_at_30(case: Case, seconds: float) -> float:
    """Reference hours spent by ``seconds`` at 30 C."""
    return float(model_for(case.products[0]).rate(30.0)) * seconds / HOUR


FAST = RoutingParams(time_limit_s=2.0, solution_limit=200, repair_rounds=2)


@pytest.fixture
def solve_checked() -> Callable[..., RoutingResult]:
    """Solve and assert the independent checker finds nothing wrong."""
    from planner.routing import route_pickups

    def run(case: Case, **kw: object) -> RoutingResult:
        kw.setdefault("params", FAST)
        result = route_pickups(case, **kw)  # type: ignore[arg-type]
        problems = check_result(case, result)
        assert problems == [], "\n".join(map(str, problems))
        return result

    return run


def model_input(case: Case, params: RoutingParams):  # type: ignore[no-untyped-def]
    """The network (one packing house per lot), freshness table and model
    input of ``case``'s lots, as the engine builds them at time 0."""
    from planner.routing.engine import _bounds
    from planner.routing.freshness import FreshnessTable
    from planner.routing.model import ModelInput
    from planner.routing.network import build_network
    from planner.travel import GreatCircleProvider

    lots = list(case.lots)
    net = build_network(case, lots, travel=GreatCircleProvider.from_settings(case.settings.travel),
                        max_packing_houses=1)
    table = FreshnessTable(case)
    return net, table, ModelInput(lots=lots, bounds={lot.id: _bounds(net, table, lot, params, 0) for lot in lots})


def random_visits(net, lots, rng, *, unload_holds: tuple[int, ...] = (0, 0, 6 * HOUR, 7 * HOUR)):  # type: ignore[no-untyped-def]
    """A trip per few lots: their pickups (some held for a planned wait, some
    of one farm in a row), then their unloadings at one house (held at one of
    ``unload_holds``): routes for the re-timer's and the pricing's tests."""
    order = list(lots)
    rng.shuffle(order)
    visits = []
    while order:
        trip = order[:rng.randint(1, 4)]
        order = order[len(trip):]
        for lot in trip:
            visits.append((net.pickup[lot.id], lot.ready + rng.choice([0, 0, 600, 1800])))
        house = rng.choice(sorted(net.delivery[trip[0].id]))
        for lot in trip:
            visits.append((net.delivery[lot.id][house], rng.choice(unload_holds)))
    return visits


@pytest.fixture
def rk():  # type: ignore[no-untyped-def]
    """The builders above (``rk.site``, ``rk.lot``, ``rk.case``...)."""
    from types import SimpleNamespace

    return SimpleNamespace(site=site, ph=packing_house, vehicle=vehicle, lot=lot, case=make_case,
                           fast=FAST, spent_h=spent_h_at_30, T=TemperatureClass, HOUR=HOUR,
                           model_input=model_input, random_visits=random_visits)
