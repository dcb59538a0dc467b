"""Values that are legal but implausible: warnings (``planner validate`` exits 0
and lists them apart; ``planner plan`` repeats them), each naming file, row and
field. Typical causes: a longitude that lost its sign, a date with day and
month swapped, the kg of a lot typed into its boxes column."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain import Case, MarketRule, Order, SiteKind
from ..domain.clock import clock
from ..domain.markets import certification_key, known_certifications
from ..domain.units import DAY, to_datetime
from ..geo.countries import haversine_m, outside
from ..geo.regions import region_of, subdivisions

Place = Callable[[str, str], str]  # (kind, id) -> "lots.csv row 5"

# Kinds whose sites cluster in one growing area: one far from all others is suspect.
CLUSTERED_KINDS = (SiteKind.FARM, SiteKind.COLLECTION_POINT, SiteKind.PACKING_HOUSE)
# Kinds a vehicle may start its shift from (a depot or a packing house).
HOME_KINDS = frozenset({SiteKind.PACKING_HOUSE, SiteKind.COLD_STORE, SiteKind.CITY_HUB})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where legal turns implausible."""

    far_site_km: float = 50.0  # from the nearest other site of the same kind
    far_date_days: float = 7.0  # before the epoch or after the horizon's end
    kg_per_box: tuple[float, float] = (0.05, 2.0)  # times the product's kg_per_box
    outside_country_km: float = 10.0  # beyond the country's outline (coasts are coarse)


def case_warnings(case: Case, where: Mapping[str, Mapping[str, str]], limits: Thresholds = Thresholds()) -> list[str]:
    """Every warning of ``case``; ``where[kind][id]`` places a row ("lots.csv row 5")."""

    def at(kind: str, ident: str) -> str:
        return where.get(kind, {}).get(ident) or f"{kind} {ident}"

    out: list[str] = []
    out += _far_sites(case, at, limits)
    out += _far_dates(case, at, limits)
    out += _kg_per_box(case, at, limits)
    out += _vehicle_homes(case, at)
    out += _outside_country(case, at, limits)
    out += _certifications(case, at)
    out += _unchecked_regions(case, at)
    return out


def _far_sites(case: Case, at: Place, limits: Thresholds) -> list[str]:
    import numpy as np  # here, not at import: reading a case that has problems never needs it

    out = []
    for kind in CLUSTERED_KINDS:
        sites = case.sites_of(kind)
        if len(sites) < 3:
            continue
        lat = np.array([s.location.lat for s in sites])
        lon = np.array([s.location.lon for s in sites])
        dist = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
        np.fill_diagonal(dist, np.inf)
        nearest = dist.argmin(axis=1)
        for i, site in enumerate(sites):
            km = dist[i, nearest[i]] / 1000
            if km > limits.far_site_km:
                other = sites[int(nearest[i])]
                out.append(
                    f"{at('site', site.id)}, lat/lon: {site.location.lat}, {site.location.lon} is "
                    f"{km:,.0f} km from the nearest other {kind} ({other.id}), more than "
                    f"{limits.far_site_km:g} km: a lost minus sign or lat and lon swapped?"
                )
    return out


def _swapped(moment: datetime, first: datetime, last: datetime) -> str:
    if moment.day > 12 or moment.day == moment.month:
        return ""
    try:
        other = moment.replace(month=moment.day, day=moment.month)
    except ValueError:
        return ""
    return f" (day and month swapped? {other:%Y-%m-%d} is within the case)" if first <= other <= last else ""


def _far_dates(case: Case, at: Place, limits: Thresholds) -> list[str]:
    s = case.settings
    slack = limits.far_date_days * DAY
    lo, hi = -slack, s.horizon_s + slack
    first = to_datetime(lo, s.epoch, s.timezone)
    last = to_datetime(hi, s.epoch, s.timezone)
    items: list[tuple[str, str, str, int]] = []
    items += [("lot", lot.id, "ready", lot.ready) for lot in case.lots if not lo <= lot.ready <= hi]
    items += [("order", o.id, "deadline", o.deadline) for o in case.orders if not lo <= o.deadline <= hi]
    items += [("order", o.id, "ordered", o.ordered) for o in case.orders if not lo <= o.ordered <= hi]
    items += [("vehicle type", v.id, "shift_start", v.shift.start) for v in case.vehicle_types
              if not lo <= v.shift.start <= hi]
    out = []
    reported: set[tuple[str, str]] = set()
    for kind, ident, field, t in items:
        if (kind, ident) in reported:
            continue
        reported.add((kind, ident))
        days = (-t if t < 0 else t - s.horizon_s) / DAY
        side = "before the case's first day" if t < 0 else "after the case's last day"
        moment = s.epoch + timedelta(seconds=t)
        out.append(
            f"{at(kind, ident)}, {field}: {moment.astimezone(first.tzinfo):%Y-%m-%d} "
            f"{clock(t, s.epoch, s.timezone)[:5]} is {days:,.0f} days {side} "
            f"({s.epoch:%Y-%m-%d}, {s.horizon_days} day(s)){_swapped(moment, first, last)}"
        )
    return out


def _kg_per_box(case: Case, at: Place, limits: Thresholds) -> list[str]:
    low, high = limits.kg_per_box
    out = []
    things = [("lot", x.id, x.product, x.kg, x.boxes) for x in case.lots]
    things += [("order", x.id, x.product, x.kg, x.boxes) for x in case.orders]
    for kind, ident, pid, kg, boxes in things:
        product = case.product_by_id.get(pid)
        if product is None or boxes <= 0:
            continue
        per_box = kg / boxes
        if not low * product.kg_per_box <= per_box <= high * product.kg_per_box:
            out.append(
                f"{at(kind, ident)}, boxes: {kg:,.1f} kg in {boxes} box(es) is {per_box:,.2f} kg a box; "
                f"{pid} is packed {product.kg_per_box:g} kg a box (expected "
                f"{low * product.kg_per_box:g}-{high * product.kg_per_box:g}): kg or boxes mistyped?"
            )
    return out


def _vehicle_homes(case: Case, at: Place) -> list[str]:
    out = []
    for vt in case.vehicle_types:
        for field, sid in (("home", vt.home), ("end", vt.end)):
            site = case.site_by_id.get(sid)
            if site is not None and site.kind not in HOME_KINDS:
                out.append(
                    f"{at('vehicle type', vt.id)}, {field}: {sid} is a {site.kind}, not a depot or "
                    f"packing house ({', '.join(sorted(HOME_KINDS))}): is the site id right?"
                )
    return out


def _outside_country(case: Case, at: Place, limits: Thresholds) -> list[str]:
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, order in enumerate(case.orders):
        by_country[order.destination.country].append(i)
    out = []
    for country, indices in sorted(by_country.items()):
        lats = [case.orders[i].destination.location.lat for i in indices]
        lons = [case.orders[i].destination.location.lon for i in indices]
        for k, metres in outside(country, lats, lons, tolerance_m=limits.outside_country_km * 1000):
            order = case.orders[indices[k]]
            out.append(
                f"{at('order', order.id)}, lat/lon: {lats[k]}, {lons[k]} is {metres / 1000:,.0f} km "
                f"outside {country}, the order's country: coordinates or country wrong?"
            )
    return out


def _certifications(case: Case, at: Place) -> list[str]:
    named = {certification_key(c) for m in case.markets for c in m.certifications}
    known = known_certifications(case.markets)
    out = []
    for lot in case.lots:
        for cert in sorted(lot.certifications):
            key = certification_key(cert)
            if key not in named and key not in known:
                out.append(
                    f"{at('lot', lot.id)}, certifications: {cert!r} is named by no market rule "
                    f"and is no known scheme (market rules name: {', '.join(sorted({known[k] for k in named})) or 'none'})"
                )
    return out


def _unchecked_regions(case: Case, at: Place) -> list[str]:
    """An order without a region, for a market that forbids regions of its country."""
    out = []
    for order in case.orders:
        market = case.market_by_id.get(order.market)
        if market is None or not market.forbidden_regions or order.destination.region:
            continue
        if subdivisions(order.destination.country):
            out.append(
                f"{at('order', order.id)}, region: empty, but market {market.id} forbids "
                f"{', '.join(sorted(market.forbidden_regions))}: the rule cannot be checked"
            )
    return out


def region_problems(
    orders: Iterable[Order], markets: Iterable[MarketRule], where: Mapping[str, Mapping[str, str]],
) -> list[str]:
    """Errors: a region that is no ISO 3166-2 subdivision of the order's country,
    for a market that forbids regions (the rule could be bypassed)."""
    by_id = {m.id: m for m in markets}
    out = _merged_forbidden_regions(by_id.values())
    for order in orders:
        market = by_id.get(order.market)
        region, country = order.destination.region, order.destination.country
        if market is None or not market.forbidden_regions or not region or not subdivisions(country):
            continue
        if region_of(country, region) is None:
            place = where.get("order", {}).get(order.id) or f"order {order.id}"
            example = ", ".join(sorted(market.forbidden_regions))
            out.append(
                f"{place}, region: {region!r} is no ISO 3166-2 subdivision of {country}; market "
                f"{market.id} forbids {example}: write the code (e.g. {next(iter(sorted(subdivisions(country))))})"
            )
    return out


def _merged_forbidden_regions(markets: Iterable[MarketRule]) -> list[str]:
    """Errors: a market rule that forbids a Vietnamese province merged into another
    on 1 July 2025 (orders there are stored under the 2025 province's code, so
    the rule would no longer match them)."""
    out = []
    for market in markets:
        if "VN" not in {c.upper() for c in market.countries}:
            continue
        for region in sorted(market.forbidden_regions):
            found = region_of("VN", region)
            if found is not None and found.former:
                out.append(
                    f"markets.toml [{market.id}], forbidden_regions: {region!r} is {found.former}, merged into "
                    f"{found.name} on 1 July 2025, whose orders are stored as {found.code}: write {found.code} "
                    f"(forbids all of {found.name}) or remove it"
                )
    return out
