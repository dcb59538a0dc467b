"""Time-dependent travel: free-flow times slowed in rush hours.

The model is Ichoua, Gendreau and Potvin's (2003): the speed on an arc is
piecewise constant over the day and a trip's duration integrates it, so a
vehicle that leaves later never arrives earlier (FIFO). An arc's free-flow
seconds come from any :class:`~.provider.TravelTimeProvider`; the share of
the arc that runs inside each corridor (its straight segment against the
corridor's buffered polyline, shapely in a local metric projection) is slowed
by that corridor's periods, and ``*`` periods slow the whole arc.

Engine units throughout: seconds from the epoch (local midnight), so the time
of day is ``t % DAY``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray

from ..domain.geo import Location
from ..domain.traffic import EVERY_ROAD, Corridor, SlowPeriod
from ..domain.units import DAY

EARTH_RADIUS_M = 6_371_008.8


def _project(lat: NDArray[np.float64], lon: NDArray[np.float64], lat0: float
             ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Equirectangular metres around ``lat0``: exact enough for a district."""
    k = math.pi / 180 * EARTH_RADIUS_M
    return lon * k * math.cos(math.radians(lat0)), lat * k


def corridor_shares(locations: Sequence[Location], corridors: Sequence[Corridor]) -> NDArray[np.float32]:
    """``shares[c, i, j]``: the fraction of the straight segment from location
    i to location j that lies inside corridor c (0 on the diagonal).

    A pair's share depends on its two points only (each corridor is projected
    around its own latitude and a segment is always drawn from its smaller
    point), so the planner's network and the checker's few stops agree to the
    bit on the same arc."""
    n = len(locations)
    out = np.zeros((len(corridors), n, n), dtype=np.float32)
    if not n or not corridors:
        return out
    lat = np.array([p.lat for p in locations])
    lon = np.array([p.lon for p in locations])
    i, j = np.triu_indices(n, k=1)
    swap = (lat[i] > lat[j]) | ((lat[i] == lat[j]) & (lon[i] > lon[j]))
    a, b = np.where(swap, j, i), np.where(swap, i, j)
    for c, corridor in enumerate(corridors):
        lat0 = float(np.mean([q.lat for q in corridor.points]))
        x, y = _project(lat, lon, lat0)
        coords = np.stack([np.stack([x[a], y[a]], axis=1), np.stack([x[b], y[b]], axis=1)], axis=1)
        segments = shapely.linestrings(coords)
        lengths = shapely.length(segments)
        cx, cy = _project(np.array([q.lat for q in corridor.points]),
                          np.array([q.lon for q in corridor.points]), lat0)
        area = shapely.buffer(shapely.linestrings(np.stack([cx, cy], axis=1)), corridor.width_m)
        shapely.prepare(area)
        # only the segments that cross the corridor's edge are cut (the prepared tests are cheap; cutting
        # every segment took 3.7 s of the 1,000-lot generated day's network: 43 % of its pairs cross)
        whole = shapely.contains_properly(area, segments)
        cut = shapely.intersects(area, segments) & ~whole
        inside = np.where(whole, lengths, 0.0)
        inside[cut] = shapely.length(shapely.intersection(segments[cut], area))
        share = np.divide(inside, lengths, out=np.zeros_like(inside), where=lengths > 0)
        out[c, i, j] = share
        out[c, j, i] = share
    return out


@dataclass(frozen=True)
class DayProfile:
    """Breakpoints of the day and, between them, the speed factor of every
    road (``everywhere``) and of each corridor (``on_corridor[c]``)."""

    starts: NDArray[np.int64]  # segment k runs from starts[k] to starts[k + 1] (or DAY)
    everywhere: NDArray[np.float64]  # (K,)
    on_corridor: NDArray[np.float64]  # (C, K)

    @classmethod
    def build(cls, corridors: Sequence[Corridor], periods: Sequence[SlowPeriod], profile: str
              ) -> DayProfile:
        ids = [c.id for c in corridors]
        mine = [p for p in periods if p.applies_to(profile)]
        for p in mine:
            if p.corridor != EVERY_ROAD and p.corridor not in ids:
                msg = f"slow period names unknown corridor {p.corridor!r} (known: {ids})"
                raise ValueError(msg)
        cuts = sorted({0} | {a for p in mine for a, b in p.intervals()}
                      | {b for p in mine for a, b in p.intervals()} - {DAY})
        starts = np.array(cuts, dtype=np.int64)
        ends = np.append(starts[1:], DAY)
        everywhere = np.ones(len(starts))
        on_corridor = np.ones((len(corridors), len(starts)))
        for p in mine:
            for a, b in p.intervals():
                hit = (starts >= a) & (ends <= b)
                row = everywhere if p.corridor == EVERY_ROAD else on_corridor[ids.index(p.corridor)]
                row[hit] = np.minimum(row[hit], p.speed_factor) if p.speed_factor <= 1 else np.maximum(
                    row[hit], p.speed_factor)
        return cls(starts, everywhere, on_corridor)

    @property
    def flat(self) -> bool:
        return bool(np.all(self.everywhere == 1.0) and np.all(self.on_corridor == 1.0))

    def slowness(self, shares: NDArray[np.float64]) -> NDArray[np.float64]:
        """Real seconds per free-flow second in each segment of the day, for an
        arc with ``shares[c]`` of its length in corridor c."""
        off = max(0.0, 1.0 - float(np.sum(shares)))
        on = shares @ (1.0 / self.on_corridor) if len(shares) else np.zeros(len(self.starts))
        return (off + on) / self.everywhere


def travel_seconds(free_flow_s: int, slowness: Sequence[float], starts: Sequence[int], depart: int) -> int:
    """Seconds to cover ``free_flow_s`` leaving at engine time ``depart``, the
    day's ``slowness`` applying per segment (IGP integration, rounded up).
    Python lists are quickest here (a NumPy scalar's indexing and arithmetic
    cost more than the float's); arrays give the same seconds."""
    if free_flow_s <= 0:
        return 0
    remaining = float(free_flow_s)
    t = float(depart)
    day0 = math.floor(t / DAY) * DAY
    k = bisect_right(starts, t - day0) - 1
    while True:
        end = day0 + (starts[k + 1] if k + 1 < len(starts) else DAY)
        rate = 1.0 / slowness[k]  # free-flow seconds covered per real second
        if remaining <= (end - t) * rate:
            return math.ceil(t + remaining / rate - depart - 1e-9)
        remaining -= (end - t) * rate
        t = end
        k += 1
        if k == len(starts):
            k, day0 = 0, day0 + DAY


MEMO_MAX = 250_000  # remembered legs per matrix (about 50 MB at most)


@dataclass(frozen=True)
class TimeDependentTimes:
    """Travel seconds between a fixed set of locations for one vehicle
    profile, by departure time. ``base`` is the provider's free-flow matrix."""

    base: NDArray[np.int64]
    profile: DayProfile
    slowness: NDArray[np.float64]  # (n, n, K)
    _memo: dict[tuple[int, int, int], int] = field(default_factory=dict, compare=False, repr=False)
    _rows: dict[tuple[int, int], list[float]] = field(default_factory=dict, compare=False, repr=False)
    _starts: list[int] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def build(cls, base: NDArray[np.int64], locations: Sequence[Location],
              corridors: Sequence[Corridor], periods: Sequence[SlowPeriod], profile: str,
              shares: NDArray[np.float64] | None = None) -> TimeDependentTimes:
        """``shares``: :func:`corridor_shares` of ``locations`` (as float64), when
        already computed (they do not depend on the profile)."""
        day = DayProfile.build(corridors, periods, profile)
        if shares is None:
            shares = corridor_shares(locations, corridors).astype(np.float64)
        off = np.clip(1.0 - shares.sum(axis=0), 0.0, None)  # (n, n)
        inv = 1.0 / day.on_corridor  # (C, K)
        slowness = (off[:, :, None] + np.einsum("cij,ck->ijk", shares, inv)) / day.everywhere
        return cls(base, day, slowness)

    def seconds(self, i: int, j: int, depart: int) -> int:
        """Seconds from location i to location j leaving at ``depart``
        (remembered: the re-timer and the extra trips re-time the same legs
        of a route many times; exact, the memo emptied past ``MEMO_MAX``)."""
        key = (i, j, depart)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_MAX:
                self._memo.clear()
            row = self._rows.get((i, j))
            if row is None:
                row = self._rows[(i, j)] = [float(x) for x in self.slowness[i, j]]
            if not self._starts:
                self._starts.extend(int(x) for x in self.profile.starts)
            found = self._memo[key] = travel_seconds(int(self.base[i, j]), row, self._starts, depart)
        return found

    def at(self, depart: int) -> NDArray[np.int64]:
        """The whole matrix for a departure at ``depart`` (vectorised IGP)."""
        starts = self.profile.starts
        remaining = self.base.astype(np.float64)
        elapsed = np.zeros_like(remaining)
        t, day0 = float(depart), math.floor(depart / DAY) * DAY
        k = int(np.searchsorted(starts, t - day0, side="right")) - 1
        while np.any(remaining > 0):
            end = day0 + (starts[k + 1] if k + 1 < len(starts) else DAY)
            rate = 1.0 / self.slowness[:, :, k]
            span = (end - t) * rate
            done = remaining <= span
            elapsed += np.where(done, remaining / rate, end - t) * (remaining > 0)
            remaining = np.where(done, 0.0, remaining - span)
            t, k = end, k + 1
            if k == len(starts):
                k, day0 = 0, day0 + DAY
        return np.ceil(elapsed - 1e-9).astype(np.int64)

    def worst(self, start: int, end: int) -> NDArray[np.int64]:
        """An upper bound on every arc's time for a departure within
        ``[start, end]``: free-flow time times the arc's largest slowness over
        the segments such a trip can touch. For a search that cannot model
        time-dependent travel: a route timed exactly is never later than the
        search assumed."""
        starts = self.profile.starts
        ends = np.append(starts[1:], DAY)
        peak = float(self.slowness.max()) if self.slowness.size else 1.0
        last = end + int(self.base.max(initial=0) * peak) + 1
        touched = np.zeros(len(starts), dtype=bool)
        for day in range(math.floor(start / DAY), math.floor(last / DAY) + 1):
            touched |= (day * DAY + ends > start) & (day * DAY + starts < last)
        slow = self.slowness[:, :, touched].max(axis=2, initial=1.0)
        return np.ceil(self.base * slow - 1e-9).astype(np.int64)
