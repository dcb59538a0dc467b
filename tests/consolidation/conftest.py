"""Tiny consolidation cases built in code, one rule at a time.

Sites: packing house ``ph`` (pre-cools), city hub ``hub``, far city hub ``far``,
irradiation centre ``irr`` (06:00-22:00, 2 h, 1,000 VND/kg), airport ``han``
and the importer gateway ``lax``. Lychee keeps 25 days at 5 C (Q10 3.3).
Markets: ``domestic`` (5 days left) and ``US`` (irradiation, not to FL or HI,
growing-area code, 12 days left). Lanes are given per test.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from planner.consolidation import ConsolidationParams, Supply
from planner.domain import (
    Case,
    CaseSettings,
    Channel,
    Departure,
    Destination,
    Lane,
    Location,
    MarketRule,
    Mode,
    Order,
    ProductProfile,
    Site,
    SiteKind,
    TimeWindow,
    Treatment,
)
from planner.domain.units import DAY, HOUR

EPOCH = datetime(2025, 6, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
FAST = ConsolidationParams(time_limit_s=5.0, relative_gap=0.0, handling_cost_per_kg=0.0,
                           fefo_cost_per_kg_day=0.0)


def site(sid: str, kind: SiteKind, lat: float, lon: float, **kw: object) -> Site:
    return Site(sid, sid, kind, Location(lat, lon), **kw)  # type: ignore[arg-type]


SITES = (
    site("ph", SiteKind.PACKING_HOUSE, 21.37, 106.57, precooling=True),
    site("hub", SiteKind.CITY_HUB, 21.04, 105.85),
    site("far", SiteKind.CITY_HUB, 10.87, 106.73),
    site("irr", SiteKind.TREATMENT_FACILITY, 21.05, 105.74, opening=tuple(
        TimeWindow(d * DAY + 6 * HOUR, d * DAY + 22 * HOUR) for d in range(4)),
        treatment=Treatment.IRRADIATION, treatment_kg_per_day=100.0, treatment_s=2 * HOUR,
        treatment_cost_per_kg=1000.0),
    site("han", SiteKind.AIRPORT, 21.22, 105.81),
    site("lax", SiteKind.AIRPORT, 33.94, -118.41),
)
LYCHEE = ProductProfile("lychee", "Lychee", ref_temp_c=5.0, ref_shelf_life_s=25 * DAY, q10=3.3)
MARKETS = (
    MarketRule("domestic", "Vietnam", frozenset({"VN"}), min_shelf_life_s=5 * DAY),
    MarketRule("US", "United States", frozenset({"US"}), treatment=Treatment.IRRADIATION,
               forbidden_regions=frozenset({"FL", "HI"}),
               certifications=frozenset({"growing-area-code"}), min_shelf_life_s=12 * DAY),
)


def lane(lid: str, origin: str, destination: str, *, mode: Mode = Mode.REEFER_TRUCK,
         transit_h: float = 2.0, unit_kg: float = 1000.0, unit_boxes: int = 0, units: int = 4,
         temp: float = 4.0, per_unit: float = 0.0, per_kg: float = 0.0, min_charge: float = 0.0,
         departures: tuple[tuple[float, float], ...] = (), handling_h: float = 0.0) -> Lane:
    """``departures`` as (departure hour, cut-off hour) from the epoch."""
    return Lane(lid, origin, destination, mode, "partner-" + mode.value, round(transit_h * HOUR),
                "unit", unit_kg, unit_boxes, units, temp, per_unit, per_kg, min_charge,
                tuple(Departure(round(t * HOUR), round(c * HOUR)) for t, c in departures),
                round(handling_h * HOUR))


def order(oid: str, *, kg: float = 10.0, hub: str = "hub", market: str = "domestic",
          deadline_h: float = 30.0, value: float = 100_000.0, region: str = "",
          min_days: float = 0.0, boxes: int = 1) -> Order:
    country = "US" if market == "US" else "VN"
    return Order(oid, Channel.LIVESTREAM, Destination(Location(21.0, 105.8), "City", country, hub,
                 region), market, "lychee", kg, boxes, 0, round(deadline_h * HOUR),
                 round(min_days * DAY), value)


def supply(sid: str = "S1", *, kg: float = 1000.0, at_h: float = 6.0, days_left: float = 20.0,
           certs: frozenset[str] = frozenset({"growing-area-code"})) -> Supply:
    return Supply(sid, "ph", "lychee", "A", kg, round(at_h * HOUR), round(days_left * DAY), certs)


def make_case(lanes: list[Lane], orders: list[Order]) -> Case:
    settings = CaseSettings(name="consolidation test", epoch=EPOCH, horizon_days=3)
    return Case(settings=settings, sites=SITES, products=(LYCHEE,), markets=MARKETS,
                lanes=tuple(lanes), orders=tuple(orders))


@pytest.fixture
def kit() -> SimpleNamespace:
    """The builders above, for tests (``kit.lane``, ``kit.order``, ...)."""
    return SimpleNamespace(lane=lane, order=order, supply=supply, case=make_case, fast=FAST)
