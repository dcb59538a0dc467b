"""The frozen planning case and its cross-reference checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..exceptions import CaseError
from .fleet import TemperatureClass, VehicleType
from .lanes import Lane
from .lots import HarvestLot
from .markets import MarketRule, lot_certification_problems, order_market_problems
from .orders import Order
from .people import Driver
from .products import ProductProfile
from .settings import CaseSettings
from .sites import PICKUP_KINDS, Site, SiteKind


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a case: the kind and id of the object, the field, why.

    ``ref_kind``/``ref`` name the object a broken reference points to (``site``,
    ``farm-9``), so a reader can leave out references to objects it already
    reported as invalid."""

    kind: str
    id: str
    field: str
    message: str
    ref_kind: str = ""
    ref: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.id}, {self.field}: {self.message}"


@dataclass(frozen=True)
class Case:
    """Everything one planning run needs, validated and indexed by id."""

    settings: CaseSettings
    sites: tuple[Site, ...]
    products: tuple[ProductProfile, ...]
    markets: tuple[MarketRule, ...]
    vehicle_types: tuple[VehicleType, ...] = ()
    lanes: tuple[Lane, ...] = ()
    lots: tuple[HarvestLot, ...] = ()
    orders: tuple[Order, ...] = ()
    drivers: tuple[Driver, ...] = ()
    site_by_id: Mapping[str, Site] = field(init=False, repr=False, compare=False)
    product_by_id: Mapping[str, ProductProfile] = field(init=False, repr=False, compare=False)
    market_by_id: Mapping[str, MarketRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = case_problems(self)
        if problems:
            raise CaseError([str(p) for p in problems])
        index: dict[str, dict[str, object]] = {
            "site_by_id": {s.id: s for s in self.sites},
            "product_by_id": {p.id: p for p in self.products},
            "market_by_id": {m.id: m for m in self.markets},
        }
        for name, mapping in index.items():
            object.__setattr__(self, name, MappingProxyType(mapping))

    def sites_of(self, *kinds: SiteKind) -> tuple[Site, ...]:
        return tuple(s for s in self.sites if s.kind in kinds)

    def temperature_of(self, vehicle: VehicleType, t: int) -> float:
        """Temperature fruit rides at in ``vehicle`` at time ``t``."""
        if vehicle.temperature is TemperatureClass.REEFER:
            assert vehicle.setpoint_c is not None
            return vehicle.setpoint_c
        if vehicle.temperature is TemperatureClass.ICED:
            return min(self.settings.iced_c, self.settings.ambient_at(t))
        return self.settings.ambient_at(t)

    def replace(self, **changes: object) -> Case:
        """A new case with some collections replaced (validated again)."""
        fields = {
            name: getattr(self, name)
            for name in (
                "settings", "sites", "products", "markets",
                "vehicle_types", "lanes", "lots", "orders", "drivers",
            )
        }
        fields.update(changes)
        return Case(**fields)  # type: ignore[arg-type]


def _duplicates(kind: str, ids: list[str]) -> list[Problem]:
    counts = Counter(ids)
    return [Problem(kind, i, "id", f"duplicate id ({n} times)") for i, n in counts.items() if n > 1]


def case_problems(case: Case) -> list[Problem]:
    """Every cross-reference problem of ``case`` (unknown or duplicate ids,
    wrong site kinds, unknown markets and products)."""
    problems: list[Problem] = []
    drivers: tuple[Driver, ...] = getattr(case, "drivers", ())  # optional in partial cases
    for kind, items in (
        ("site", case.sites), ("product", case.products), ("market", case.markets),
        ("vehicle type", case.vehicle_types), ("lane", case.lanes),
        ("lot", case.lots), ("order", case.orders), ("driver", drivers),
    ):
        problems += _duplicates(kind, [x.id for x in items])  # type: ignore[attr-defined]
    sites = {s.id: s for s in case.sites}
    products = {p.id for p in case.products}
    markets = {m.id for m in case.markets}
    problems += _lot_problems(case.lots, sites, products)
    for order in case.orders:
        if order.market not in markets:
            problems.append(Problem("order", order.id, "market", f"unknown market {order.market!r}",
                                    "market", order.market))
        if order.product not in products:
            problems.append(Problem("order", order.id, "product", f"unknown product {order.product!r}",
                                    "product", order.product))
        if order.destination.hub not in sites:
            hub = order.destination.hub
            problems.append(Problem("order", order.id, "hub", f"unknown site {hub!r}", "site", hub))
    for vt in case.vehicle_types:
        for fld, sid in (("home", vt.home), ("end", vt.end_site)):
            if sid not in sites:
                problems.append(Problem("vehicle type", vt.id, fld, f"unknown site {sid!r}", "site", sid))
        if vt.profile not in dict(case.settings.travel.speeds_kmh):
            msg = f"no speed for profile {vt.profile!r} in settings.travel.speeds_kmh"
            problems.append(Problem("vehicle type", vt.id, "profile", msg))
    for lane in case.lanes:
        for fld, sid in (("origin", lane.origin), ("destination", lane.destination)):
            if sid not in sites:
                problems.append(Problem("lane", lane.id, fld, f"unknown site {sid!r}", "site", sid))
    problems += _driver_problems(drivers, case.vehicle_types, sites)
    for market in case.markets:
        if market.treatment and not any(s.treatment == market.treatment for s in case.sites):
            msg = f"no site offers treatment {market.treatment}"
            problems.append(Problem("market", market.id, "treatment", msg, "site"))
    problems += [Problem("order", i, f, m) for i, f, m in order_market_problems(case.orders, case.markets)]
    problems += [Problem("lot", i, f, m) for i, f, m in lot_certification_problems(case.lots, case.markets)]
    return problems


def _lot_problems(
    lots: tuple[HarvestLot, ...], sites: dict[str, Site], products: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    for lot in lots:
        farm = sites.get(lot.farm)
        if farm is None:
            problems.append(Problem("lot", lot.id, "farm", f"unknown site {lot.farm!r}", "site", lot.farm))
        elif farm.kind not in PICKUP_KINDS:
            msg = f"site {lot.farm!r} is a {farm.kind}, not a farm or collection point"
            problems.append(Problem("lot", lot.id, "farm", msg))
        if lot.product not in products:
            msg = f"unknown product {lot.product!r}"
            problems.append(Problem("lot", lot.id, "product", msg, "product", lot.product))
        for ph in lot.packing_houses:
            site = sites.get(ph)
            if site is None or site.kind is not SiteKind.PACKING_HOUSE:
                msg = f"{ph!r} is not a packing house"
                problems.append(Problem("lot", lot.id, "packing_houses", msg, "site", ph))
    return problems


def _driver_problems(
    drivers: tuple[Driver, ...], vehicle_types: tuple[VehicleType, ...], sites: dict[str, Site]
) -> list[Problem]:
    problems: list[Problem] = []
    types = {vt.id for vt in vehicle_types}
    for driver in drivers:  # drivers beyond a type's count are on standby, not a problem
        if driver.vehicle_type not in types:
            msg = f"unknown vehicle type {driver.vehicle_type!r}"
            problems.append(Problem("driver", driver.id, "vehicle_type", msg))
        if driver.home and driver.home not in sites:
            msg = f"unknown site {driver.home!r}"
            problems.append(Problem("driver", driver.id, "home", msg, "site", driver.home))
    return problems
