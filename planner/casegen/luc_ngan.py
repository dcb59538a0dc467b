"""The seeded generator of the embedded Luc Ngan case.

The fixed parts (facilities, fleet, lanes, markets, product, settings) are
data in ``templates/luc-ngan``; communes, districts and the climate are in
``luc_ngan_places.toml``. This module adds the random parts for one day:
farms around the communes, harvest lots, and one livestream evening's orders
(about 54 t in about 12,000 orders over 6 hours, DOMAIN.md) plus B2B lots.
Same spec, same case: every draw comes from one ``numpy`` Generator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from ..domain import (
    Case,
    Channel,
    Destination,
    Driver,
    HarvestLot,
    Location,
    Order,
    Site,
    SiteKind,
    VehicleType,
)
from ..domain.units import DAY, HOUR, MINUTE
from ..geo import vietnam
from ..geo.regions import region_code
from ..io import read_case
from .places import People, Place, Places, luc_ngan_places

TEMPLATE = Path(__file__).resolve().parent / "templates" / "luc-ngan"
BBOX = (106.444, 21.265, 106.866, 21.609)  # W, S, E, N of Luc Ngan (DOMAIN.md)


@dataclass(frozen=True, slots=True)
class CaseSpec:
    """What to generate. Defaults give the embedded livestream day."""

    seed: int = 2025
    day: date = date(2025, 6, 12)
    n_farms: int = 180
    n_lots: int = 240
    n_orders: int = 12_000
    b2b_share: float = 0.004
    livestream_start_h: float = -6.0  # hours from the epoch: 18:00 the evening before
    livestream_hours: float = 6.0
    fleet_scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("n_farms", "n_lots", "n_orders"):
            if getattr(self, name) < 1:
                msg = f"{name} must be >= 1, got {getattr(self, name)}"
                raise ValueError(msg)
        if not 0 <= self.b2b_share < 1 or self.fleet_scale <= 0 or self.livestream_hours <= 0:
            raise ValueError("b2b_share must be in [0, 1), fleet_scale and livestream_hours > 0")


def _farms(rng: np.random.Generator, places: Places, n: int) -> list[Site]:
    weights = np.array([c.weight for c in places.communes])
    picks = rng.choice(len(places.communes), size=n, p=weights / weights.sum())
    jitter = rng.normal(0.0, 0.012, size=(n, 2))
    farms = []
    for i, (k, (dy, dx)) in enumerate(zip(picks, jitter, strict=True)):
        commune = places.communes[k]
        lat = float(np.clip(commune.lat + dy, BBOX[1], BBOX[3]))
        lon = float(np.clip(commune.lon + dx, BBOX[0], BBOX[2]))
        ward_code, province_code = vietnam.codes(commune.name, "Bac Ninh")  # as the reader stores them
        farms.append(Site(
            id=f"farm-{i + 1:04d}", name=f"Orchard {i + 1} ({commune.name})", kind=SiteKind.FARM,
            location=Location(round(lat, 5), round(lon, 5)), commune=commune.name, region="Bac Ninh",
            commune_code=ward_code, region_code=province_code,
        ))
    return farms


def person_name(rng: np.random.Generator, people: People) -> str:
    """A fictitious Vietnamese name: family, middle and given name."""
    female = bool(rng.random() < 0.45)
    middle = people.middle_female if female else people.middle_male
    given = people.given_female if female else people.given_male
    return " ".join(str(rng.choice(part)) for part in (people.families, middle, given))


def phone_number(prefix: str, n: int) -> str:
    """A fictitious ten-digit number ``0000 001 234`` (no Vietnamese number starts 0000)."""
    digits = f"{prefix}{n:06d}"[:10]
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"


def _people_at_farms(seed: int, places: Places, farms: list[Site]) -> list[Site]:
    """Farms named in Vietnamese with their owner, phone and address. Drawn
    from a generator of their own, so lots and orders do not depend on them."""
    rng = np.random.default_rng([seed, 1])
    by_name = {c.name: c for c in places.communes}
    out = []
    for i, farm in enumerate(farms):
        commune = by_name[farm.commune]
        out.append(replace(
            farm, name=f"Vườn vải số {i + 1} ({places.vietnamese(commune)})",
            contact=person_name(rng, places.people),
            phone=phone_number(places.people.phone_prefix, 1000 + i + 1),
            address=f"{places.address(commune)}, Bắc Ninh",
        ))
    return out


def generate_drivers(seed: int, places: Places, fleet: tuple[VehicleType, ...]) -> tuple[Driver, ...]:
    """One fictitious driver per vehicle of ``fleet``, with a phone and plate."""
    rng = np.random.default_rng([seed, 2])
    drivers: list[Driver] = []
    for vt in fleet:
        plate = places.people.plate_prefix.get(vt.profile, "98")
        for _ in range(vt.count):
            n = len(drivers) + 1
            drivers.append(Driver(
                id=f"drv-{n:03d}", name=person_name(rng, places.people), vehicle_type=vt.id,
                phone=phone_number(places.people.phone_prefix, 9000 + n),
                plate=f"{plate}-000.{n:02d}", home=vt.home,
            ))
    return tuple(drivers)


def _certifications(rng: np.random.Generator) -> frozenset[str]:
    u = rng.random()
    if u < 0.30:
        return frozenset({"VietGAP", "GAP", "growing-area-code"})
    if u < 0.65:
        return frozenset({"VietGAP"})
    return frozenset()


def generate_lots(
    rng: np.random.Generator, pickup_sites: list[Site], n: int, *, day: int = 0, prefix: str = "L"
) -> list[HarvestLot]:
    """``n`` lots picked on day ``day`` at farms and weighing points."""
    farms = [s for s in pickup_sites if s.kind is SiteKind.FARM]
    points = [s for s in pickup_sites if s.kind is SiteKind.COLLECTION_POINT]
    lots = []
    for i in range(n):
        at_point = bool(points) and rng.random() < 0.05
        site = points[rng.integers(len(points))] if at_point else farms[rng.integers(len(farms))]
        if at_point:  # a trader's consolidated lot at a weighing point
            kg = float(rng.uniform(600, 1500))
        elif rng.random() < 0.7:  # one motorbike load of baskets (150-200 kg at most)
            kg = float(np.clip(rng.lognormal(4.9, 0.3), 50, 180))
        else:  # a larger orchard's day
            kg = float(np.clip(rng.lognormal(6.0, 0.4), 200, 1200))
        kg = round(kg, 1)
        ready = day * DAY + int(rng.triangular(3.0, 4.5, 8.0) * HOUR) // MINUTE * MINUTE
        grade = "A" if rng.random() < 0.8 else "B"
        price = 40_000 if grade == "A" else 25_000
        lots.append(HarvestLot(
            id=f"{prefix}{day:02d}-{i + 1:05d}", farm=site.id, product="lychee", kg=kg,
            ready=ready, latest_pickup=ready + int(rng.uniform(4.0, 7.0) * HOUR) // MINUTE * MINUTE,
            grade=grade, boxes=int(np.ceil(kg / 10.0)),
            service_s=(15 if at_point else int(rng.integers(4, 11))) * MINUTE,
            certifications=_certifications(rng), value=round(kg * price),
        ))
    return lots


# (market, city, country, region, hub, share of B2B orders, kg range, deadline (day, hour), price VND/kg)
B2B_KINDS = (
    ("domestic", "Hanoi", "VN", "Hanoi", "hub-hanoi", 0.36, (150, 600), (0, 23.5), 38_000),
    ("domestic", "Ho Chi Minh City", "VN", "Ho Chi Minh City", "hub-hcmc", 0.26, (150, 600), (2, 12.0), 45_000),
    ("US", "Los Angeles", "US", "CA", "lax", 0.10, (150, 400), (2, 23.0), 120_000),
    ("US", "Miami", "US", "FL", "lax", 0.02, (100, 200), (2, 23.0), 120_000),
    ("AU", "Sydney", "AU", "NSW", "syd", 0.10, (150, 400), (2, 23.0), 110_000),
    ("JP", "Tokyo", "JP", "Tokyo", "nrt", 0.08, (150, 400), (2, 12.0), 115_000),
    ("JP", "Tokyo", "JP", "Tokyo", "tokyo-port", 0.08, (400, 900), (9, 12.0), 90_000),
)
CONSUMER_KG = (np.array([1.0, 2.0, 3.0, 5.0, 10.0]), np.array([0.15, 0.3, 0.3, 0.17, 0.08]))
CITY_SHARE = {"Hanoi": 0.62, "Ho Chi Minh City": 0.38}
CITY_HUB = {"Hanoi": ("hub-hanoi", (1, 12.0)), "Ho Chi Minh City": ("hub-hcmc", (2, 21.0))}
LAST_MILE = ("viettel-post", "ghn", "jt-express")


def _order_times(rng: np.random.Generator, n: int, start_h: float, hours: float) -> np.ndarray:
    seconds = ((start_h + hours * rng.beta(2.0, 2.5, size=n)) * HOUR).astype(np.int64)
    return seconds // MINUTE * MINUTE


def _consumer_orders(rng: np.random.Generator, places: Places, n: int, start_h: float, hours: float,
                     day: int) -> list[Order]:
    cities = list(CITY_SHARE)
    city_idx = rng.choice(len(cities), size=n, p=np.array(list(CITY_SHARE.values())))
    kgs = rng.choice(CONSUMER_KG[0], size=n, p=CONSUMER_KG[1])
    times = _order_times(rng, n, start_h, hours) + day * DAY
    partners = rng.choice(len(LAST_MILE), size=n, p=[0.5, 0.3, 0.2])
    orders = []
    for i in range(n):
        city = cities[city_idx[i]]
        districts: tuple[Place, ...] = places.districts[city]
        shares = np.array([d.weight for d in districts])
        d = districts[rng.choice(len(districts), p=shares / shares.sum())]
        hub, (dd, hh) = CITY_HUB[city]
        kg = float(kgs[i])
        orders.append(Order(
            id=f"LS{day:02d}-{i + 1:06d}", channel=Channel.LIVESTREAM,
            destination=Destination(
                Location(round(d.lat + rng.normal(0, 0.008), 5), round(d.lon + rng.normal(0, 0.008), 5)),
                city=city, country="VN", hub=hub, region=region_code("VN", d.name),
            ),
            market="domestic", product="lychee", kg=kg, boxes=max(1, int(np.ceil(kg / 10.0))),
            ordered=int(times[i]), deadline=(day + dd) * DAY + int(hh * HOUR),
            min_shelf_life_s=5 * DAY, value=round(kg * 65_000), partner=LAST_MILE[partners[i]],
        ))
    return orders


def _b2b_orders(rng: np.random.Generator, n: int, start_h: float, hours: float, day: int,
                hubs: dict[str, Site], min_life: dict[str, int]) -> list[Order]:
    shares = np.array([k[5] for k in B2B_KINDS])
    kinds = rng.choice(len(B2B_KINDS), size=n, p=shares / shares.sum())
    times = _order_times(rng, n, start_h, hours) + day * DAY
    orders = []
    for i in range(n):
        market, city, country, region, hub, _, (lo, hi), (dd, hh), price = B2B_KINDS[kinds[i]]
        kg = float(round(rng.uniform(lo, hi) / 10) * 10)
        loc = hubs[hub].location
        orders.append(Order(
            id=f"B2B{day:02d}-{i + 1:04d}", channel=Channel.B2B,
            destination=Destination(loc, city=city, country=country, hub=hub,
                                    region=region_code(country, region)),
            market=market, product="lychee", kg=kg, boxes=int(np.ceil(kg / 10.0)),
            ordered=int(times[i]), deadline=(day + dd) * DAY + int(hh * HOUR),
            min_shelf_life_s=max(min_life[market], 7 * DAY if market == "domestic" else 0),
            value=round(kg * price),
            grade="B" if market == "domestic" and rng.random() < 0.5 else "A",
        ))
    return orders


def generate_orders(rng: np.random.Generator, case: Case, n: int, *, day: int = 0,
                    b2b_share: float = 0.004, start_h: float = -6.0, hours: float = 6.0) -> list[Order]:
    """One livestream's ``n`` orders for day ``day`` (B2B share ``b2b_share``)."""
    places = luc_ngan_places()
    n_b2b = max(1, round(n * b2b_share)) if b2b_share > 0 else 0
    hubs = {s.id: s for s in case.sites}
    min_life = {m.id: m.min_shelf_life_s for m in case.markets}
    return (_consumer_orders(rng, places, n - n_b2b, start_h, hours, day)
            + _b2b_orders(rng, n_b2b, start_h, hours, day, hubs, min_life))


def _scaled_fleet(fleet: tuple[VehicleType, ...], scale: float) -> tuple[VehicleType, ...]:
    return tuple(replace(v, count=max(1, round(v.count * scale))) for v in fleet)


def generate_case(spec: CaseSpec | None = None, **overrides: object) -> Case:
    """The Luc Ngan case for ``spec`` (or ``CaseSpec(**overrides)``)."""
    spec = spec or CaseSpec(**overrides)  # type: ignore[arg-type]
    rng = np.random.default_rng(spec.seed)
    places = luc_ngan_places()
    base = read_case(TEMPLATE)
    tz = ZoneInfo(base.settings.timezone)
    settings = replace(
        base.settings, epoch=datetime.combine(spec.day, time(0), tz),
        ambient_c=places.ambient_c, iced_c=places.iced_c,
        name=f"Vải thiều Lục Ngạn, ngày livestream {spec.day:%d/%m/%Y} (seed {spec.seed})",
    )
    farms = _people_at_farms(spec.seed, places, _farms(rng, places, spec.n_farms))
    sites = base.sites + tuple(farms)
    pickup = [s for s in sites if s.kind in (SiteKind.FARM, SiteKind.COLLECTION_POINT)]
    lots = generate_lots(rng, pickup, spec.n_lots)
    fleet = _scaled_fleet(base.vehicle_types, spec.fleet_scale)
    case = base.replace(settings=settings, sites=sites, lots=tuple(lots), vehicle_types=fleet,
                        drivers=generate_drivers(spec.seed, places, fleet))
    orders = generate_orders(rng, case, spec.n_orders, b2b_share=spec.b2b_share,
                             start_h=spec.livestream_start_h, hours=spec.livestream_hours)
    return case.replace(orders=tuple(orders))
