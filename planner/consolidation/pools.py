"""Supply pools: supplies aggregated for the class model.

Supplies of one packing house, product, grade and certification set are
split into ``shelf_tiers`` freshness tiers (by expiry, about equal kg). A
pool is as fresh as its least fresh supply (so any of its supplies fits an
itinerary the pool fits) and releases kg over time as its supplies become
available.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from .keeping import Keeping
from .supply import Supply


@dataclass(frozen=True, slots=True)
class SupplyPool:
    index: int
    site: str
    product: str
    grade: str
    certifications: frozenset[str]
    tier: int
    cooled: bool  # kept in a cold store (else at ambient)
    potential: float  # the least fresh member's (see keeping.py)
    supplies: tuple[Supply, ...]  # sorted by available_at
    times: tuple[int, ...]  # available_at of each member
    cumulative: tuple[float, ...]  # kg available by each member's time
    kg_times: tuple[float, ...]  # sum of kg * available_at by each member's time

    @property
    def kg(self) -> float:
        return self.cumulative[-1]

    @property
    def earliest(self) -> int:
        return self.times[0]

    def available_by(self, t: int) -> float:
        k = bisect.bisect_right(self.times, t)
        return self.cumulative[k - 1] if k else 0.0

    def mean_available_by(self, t: int) -> float:
        """kg-weighted mean time the supply available by ``t`` became available."""
        k = bisect.bisect_right(self.times, t)
        return self.kg_times[k - 1] / self.cumulative[k - 1] if k else float(t)


def build_pools(supplies: list[Supply], *, keeping: Keeping, tiers: int) -> list[SupplyPool]:
    """Pools of ``supplies``."""
    groups: dict[tuple[str, str, str, tuple[str, ...], bool], list[Supply]] = defaultdict(list)
    for s in supplies:
        groups[(s.site, s.product, s.grade, tuple(sorted(s.certifications)), s.cooled)].append(s)
    pools: list[SupplyPool] = []
    for key in sorted(groups):
        site, product, grade, certs, cooled = key
        members = sorted(groups[key], key=lambda s: (keeping.potential(s), s.id))
        for tier, chunk in enumerate(_tiers(members, tiers)):
            chunk.sort(key=lambda s: (s.available_at, s.id))
            pools.append(SupplyPool(
                index=len(pools), site=site, product=product, grade=grade,
                certifications=frozenset(certs), tier=tier, cooled=cooled,
                potential=min(keeping.potential(s) for s in chunk), supplies=tuple(chunk),
                times=tuple(s.available_at for s in chunk),
                cumulative=tuple(accumulate(s.kg for s in chunk)),
                kg_times=tuple(accumulate(s.kg * s.available_at for s in chunk)),
            ))
    return pools


def _tiers(members: list[Supply], tiers: int) -> list[list[Supply]]:
    """Split (sorted by expiry) into up to ``tiers`` runs of about equal kg."""
    total = sum(s.kg for s in members)
    out: list[list[Supply]] = [[]]
    done = 0.0
    for s in members:
        if out[-1] and done >= total * len(out) / tiers and len(out) < tiers:
            out.append([])
        out[-1].append(s)
        done += s.kg
    return out
