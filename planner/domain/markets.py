"""Market (phytosanitary) rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .lots import HarvestLot
from .orders import Order
from .sites import Treatment


@dataclass(frozen=True, slots=True)
class MarketRule:
    """What a market demands of fruit sent to it."""

    id: str
    name: str
    countries: frozenset[str]
    treatment: Treatment | None = None
    forbidden_regions: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    min_shelf_life_s: int = 0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("market id must not be empty")
        if self.min_shelf_life_s < 0:
            msg = f"market {self.id}: min_shelf_life must be >= 0"
            raise ValueError(msg)

    def lot_eligible(self, certifications: frozenset[str]) -> bool:
        return self.certifications <= certifications


# Certification schemes growers and packing houses hold besides those market
# rules name (a lot may carry them without any market demanding them).
KNOWN_CERTIFICATIONS = frozenset({
    "VietGAP", "GlobalGAP", "GAP", "BasicGAP", "ASEAN GAP", "organic", "HACCP", "ISO 22000",
    "growing-area-code", "packing-house-code", "Rainforest Alliance", "Fairtrade",
})


def certification_key(name: str) -> str:
    """How two spellings of one certification compare: case, spaces, dots and dashes ignored."""
    return "".join(c for c in name.casefold() if c.isalnum())


def known_certifications(markets: Iterable[MarketRule]) -> dict[str, str]:
    """Comparison key -> spelling of every certification a market rule names or
    :data:`KNOWN_CERTIFICATIONS` lists (market rules' spelling first)."""
    names: dict[str, str] = {}
    for market in markets:
        for cert in sorted(market.certifications):
            names.setdefault(certification_key(cert), cert)
    for cert in sorted(KNOWN_CERTIFICATIONS):
        names.setdefault(certification_key(cert), cert)
    return names


def misspelt_certification(name: str, known: dict[str, str]) -> str:
    """The known spelling ``name`` is a variant or a near miss of ("" if none,
    or if ``name`` is spelt exactly as known)."""
    if name in known.values():
        return ""
    key = certification_key(name)
    if key in known:
        return known[key]
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.85)
    return known[close[0]] if close else ""


def order_market_problems(
    orders: Iterable[Order], markets: Iterable[MarketRule]
) -> list[tuple[str, str, str]]:
    """``(order id, field, message)`` for each order whose country is not one of
    its market's countries (a US order in market ``domestic`` would fly untreated)."""
    by_id = {m.id: m for m in markets}
    problems = []
    for order in orders:
        market = by_id.get(order.market)
        country = order.destination.country
        if market is None or not market.countries or country in market.countries:
            continue
        fits = sorted(m.id for m in by_id.values() if country in m.countries)
        hint = f"; market(s) for {country}: {', '.join(fits)}" if fits else f"; no market serves {country}"
        msg = (f"market {market.id!r} covers {', '.join(sorted(market.countries))}, "
               f"not the order's country {country}{hint}")
        problems.append((order.id, "market", msg))
    return problems


def lot_certification_problems(
    lots: Iterable[HarvestLot], markets: Iterable[MarketRule]
) -> list[tuple[str, str, str]]:
    """``(lot id, field, message)`` for each misspelt certification (``growing
    area code`` for ``growing-area-code``): a lot would silently lose a market."""
    known = known_certifications(markets)
    problems = []
    for lot in lots:
        for cert in sorted(lot.certifications):
            meant = misspelt_certification(cert, known)
            if meant:
                problems.append((lot.id, "certifications", f"{cert!r} is not a known certification; did you mean {meant!r}?"))
    return problems
