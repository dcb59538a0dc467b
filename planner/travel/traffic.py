"""Time-dependent travel: free-flow times slowed in rush hours.

The model is Ichoua, Gendreau and Potvin's (2003): the speed on an arc is
piecewise constant over the day and a trip's duration integrates it, so a
vehicle that leaves later never arrives earlier (FIFO). An arc's free-flow
seconds come from any :class:`~.provider.TravelTimeProvider`; the share of
the arc that runs inside each corridor (its straight segment against the
corridor's polyline buffered with round ends, measured exactly in a local
metric projection: :func:`inside_share`) is slowed
by that corridor's periods, and ``*`` periods slow the whole arc.

Engine units throughout: seconds from the epoch (local midnight), so the time
of day is ``t % DAY``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np
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
        cx, cy = _project(np.array([q.lat for q in corridor.points]),
                          np.array([q.lon for q in corridor.points]), lat0)
        share = np.zeros(len(a))
        step = max(1, CHUNK_CELLS // max(1, len(cx) - 1))  # pairs at once: a long polyline has many edges
        for k in range(0, len(a), step):
            s, e = a[k:k + step], b[k:k + step]
            share[k:k + step] = inside_share(x[s], y[s], x[e], y[e], cx, cy, float(corridor.width_m))
        out[c, i, j] = share
        out[c, j, i] = share
    return out


CHUNK_CELLS = 500_000  # (pair, corridor edge) cells whose boxes are tested at once (the measured ones: fewer)
Floats = NDArray[np.float64]


def inside_share(px: Floats, py: Floats, qx: Floats, qy: Floats, cx: Floats, cy: Floats, width: float) -> Floats:
    """The share of each segment p -> q (metres) inside the polyline (cx, cy)
    buffered by ``width`` with round caps and joins: the union of one capsule
    per edge, measured exactly. A line meets a capsule in one interval (a
    capsule is convex): the hull of where it meets the edge's rectangle and
    the edge's two end discs. The segment's share is the length of the union
    of those intervals over the edges, within the segment; only the (segment,
    edge) pairs whose boxes meet (the edge's grown by ``width``) are measured.
    Cutting each segment that crosses the corridor's edge with shapely's
    buffered polygon took 3.45 of the 2,000-lot generated day's 3.8 CPU s
    network (1,096 sites, a corridor of 5 edges); this, 0.49 s. The same
    lengths but for the polygon's chords of the round parts (within 5 cm of a
    512-chord polygon's)."""
    ax, ay = (cx, cy) if len(cx) < 2 else (cx[:-1], cy[:-1])
    bx, by = (cx, cy) if len(cx) < 2 else (cx[1:], cy[1:])
    near = ((np.minimum(px, qx)[:, None] <= np.maximum(ax, bx)[None, :] + width)
            & (np.maximum(px, qx)[:, None] >= np.minimum(ax, bx)[None, :] - width)
            & (np.minimum(py, qy)[:, None] <= np.maximum(ay, by)[None, :] + width)
            & (np.maximum(py, qy)[:, None] >= np.minimum(ay, by)[None, :] - width))
    pair, edge = np.nonzero(near)  # (row-major: by segment, then edge)
    x0, y0 = px[pair], py[pair]
    dx, dy = qx[pair] - x0, qy[pair] - y0
    aa = dx * dx + dy * dy
    moving = aa > 0
    aa = np.where(moving, aa, 1.0)
    lo, hi = np.full(len(pair), np.inf), np.full(len(pair), -np.inf)
    for ex, ey in ((ax[edge], ay[edge]), (bx[edge], by[edge])):  # the discs: |p + t d - e| <= width
        ox, oy = x0 - ex, y0 - ey
        half = dx * ox + dy * oy
        disc = half * half - aa * (ox * ox + oy * oy - width * width)
        root = np.sqrt(np.maximum(disc, 0.0))
        met = moving & (disc >= 0)
        lo = np.where(met, np.minimum(lo, (-half - root) / aa), lo)
        hi = np.where(met, np.maximum(hi, (-half + root) / aa), hi)
    ux, uy = bx[edge] - ax[edge], by[edge] - ay[edge]  # the rectangles: 0 <= along <= length, |across| <= width
    span = np.hypot(ux, uy)
    long = span > 0
    ux, uy = np.where(long, ux / np.where(long, span, 1.0), 0.0), np.where(long, uy / np.where(long, span, 1.0), 0.0)
    ox, oy = x0 - ax[edge], y0 - ay[edge]
    start, end = np.full(len(pair), -np.inf), np.full(len(pair), np.inf)
    for c0, c1, bottom, top in ((ox * ux + oy * uy, dx * ux + dy * uy, 0.0, span),
                                (ox * -uy + oy * ux, dx * -uy + dy * ux, -width, width)):
        flat = np.abs(c1) < 1e-12
        step = np.where(flat, 1.0, c1)
        t1, t2 = (bottom - c0) / step, (top - c0) / step
        inside = (c0 >= bottom) & (c0 <= top)
        start = np.maximum(start, np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t1, t2)))
        end = np.minimum(end, np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t1, t2)))
    met = moving & long & (start <= end)
    lo, hi = np.where(met, np.minimum(lo, start), lo), np.where(met, np.maximum(hi, end), hi)
    lo, hi = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
    kept = hi > lo
    pair, lo, hi = pair[kept], lo[kept], hi[kept]
    order = np.lexsort((hi, lo, pair))  # by segment, then where its intervals start
    pair, lo, hi = pair[order], lo[order], hi[order]
    first = np.r_[True, pair[1:] != pair[:-1]] if len(pair) else np.zeros(0, dtype=bool)
    rank = np.arange(len(pair)) - np.flatnonzero(first)[np.cumsum(first) - 1]  # place among its segment's
    total, reach = np.zeros(len(px)), np.zeros(len(px))  # reach: where the union so far ends
    for k in range(int(rank.max()) + 1 if len(rank) else 0):  # each interval adds what it reaches beyond
        at = rank == k
        seg = pair[at]
        total[seg] += np.maximum(0.0, hi[at] - np.maximum(lo[at], reach[seg]))
        reach[seg] = np.maximum(reach[seg], hi[at])
    return total


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


@numba.njit(cache=True)
def travel_seconds(free_flow_s: int, slowness: NDArray[np.float64], starts: NDArray[np.int64], depart: int) -> int:
    """Seconds to cover ``free_flow_s`` leaving at engine time ``depart``, the
    day's ``slowness`` applying per segment starting at ``starts`` (IGP
    integration, rounded up). Compiled (Numba): the re-timer asks for every
    leg it has not timed before, and the pickup search's places kernel
    (:mod:`planner.routing.places_kernel`) drives its legs with it."""
    if free_flow_s <= 0:
        return 0
    remaining = float(free_flow_s)
    t = float(depart)
    day0 = math.floor(t / DAY) * DAY
    k = int(np.searchsorted(starts, t - day0, side="right")) - 1
    while True:
        end = day0 + (starts[k + 1] if k + 1 < len(starts) else DAY)
        rate = 1.0 / slowness[k]  # free-flow seconds covered per real second
        if remaining <= (end - t) * rate:
            return math.ceil(t + remaining / rate - depart - 1e-9)  # type: ignore[no-any-return]
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
            found = self._memo[key] = int(travel_seconds(int(self.base[i, j]), self.slowness[i, j], self.profile.starts,
                                                         depart))
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
