"""Itineraries: concrete lane paths with departures from a packing house to a hub.

An itinerary is a sequence of legs (a lane and one of its departures) from a
supply site to an order's destination hub, with the treatment step a market
demands. Scheduled lanes leave at their departures (cargo at the origin by the
cut-off); on-demand lanes leave ``handling_s`` after the cargo is ready, and
first legs of on-demand lanes are offered on a grid of ``on_demand_step_s``.
A site with opening hours loads freight only while open: the loading, from
the cut-off to the departure, lies inside one of its opening windows; and it
treats only batches that end before it closes.
Shelf life is consumed along the way: stored at the packing house until the
first departure, at the lane's temperature in transit, at ``transfer_temp_c``
while waiting between legs and at ``treatment_temp_c`` during treatment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..domain import Case, Lane, Site, TimeWindow, Treatment
from ..domain.units import DAY
from ..freshness import FreshnessModel
from .params import ConsolidationParams


@dataclass(frozen=True, slots=True)
class Leg:
    """One ride: ``lane`` leaving at ``departure``; cargo ready by ``cutoff``."""

    lane: Lane
    departure: int
    cutoff: int

    @property
    def arrival(self) -> int:
        return self.departure + self.lane.transit_s

    @property
    def key(self) -> tuple[str, int]:
        """Identifies the departure (shared by every itinerary riding it)."""
        return (self.lane.id, self.departure)


@dataclass(frozen=True, slots=True)
class TreatmentVisit:
    """Treatment at ``facility`` from ``start`` to ``end``, before leg ``after_leg + 1``."""

    facility: str
    treatment: Treatment
    start: int
    end: int
    after_leg: int
    cost_per_kg: float

    @property
    def day(self) -> int:
        return self.start // DAY


@dataclass(frozen=True, slots=True)
class Itinerary:
    """Legs from ``origin`` to ``hub``; ``exposure`` lists (seconds, C) from the
    first departure to the arrival at the hub."""

    index: int
    origin: str
    hub: str
    legs: tuple[Leg, ...]
    treatment: TreatmentVisit | None
    exposure: tuple[tuple[int, float], ...]
    leg_ends: tuple[int, ...]  # exposure entries up to each leg's arrival
    _consumed: dict[tuple[int, int], float] = field(default_factory=dict, compare=False, repr=False)

    @property
    def first(self) -> Leg:
        return self.legs[0]

    @property
    def arrival(self) -> int:
        return self.legs[-1].arrival

    @property
    def treatment_kind(self) -> Treatment | None:
        return self.treatment.treatment if self.treatment else None

    @property
    def modes(self) -> tuple[str, ...]:
        return tuple(leg.lane.mode.value for leg in self.legs)

    def consumed(self, model: FreshnessModel) -> float:
        """Reference seconds consumed from the first departure to the hub."""
        return self.consumed_until(model, len(self.legs) - 1)

    def consumed_until(self, model: FreshnessModel, leg: int) -> float:
        """Reference seconds consumed from the first departure to the
        arrival of leg ``leg``."""
        key = (id(model), leg)
        if key not in self._consumed:
            durations, temps = zip(*self.exposure[: self.leg_ends[leg]], strict=True)
            self._consumed[key] = model.consumed(durations, temps)
        return self._consumed[key]


@dataclass(frozen=True, slots=True)
class _State:
    site: str
    ready: int
    legs: tuple[Leg, ...]
    treatment: TreatmentVisit | None
    exposure: tuple[tuple[int, float], ...]
    leg_ends: tuple[int, ...]


def leg_exposure(leg: Leg, ready: int, temp_c: float) -> list[tuple[int, float]]:
    """Waiting from ``ready`` to the departure (at ``temp_c``), then transit."""
    parts = [(leg.departure - ready, temp_c)] if leg.departure > ready else []
    return parts + [(leg.lane.transit_s, leg.lane.temperature_c)]


def within_opening(opening: tuple[TimeWindow, ...], start: int, end: int) -> bool:
    """``[start, end]`` lies inside one opening window (no windows: always open)."""
    return not opening or any(w.start <= start and end <= w.end for w in opening)


def earliest_within(opening: tuple[TimeWindow, ...], ready: int, length: int) -> int | None:
    """Earliest ``t >= ready`` with ``[t, t + length]`` inside one opening window."""
    if not opening:
        return ready
    for w in opening:
        t = max(ready, w.start)
        if t + length <= w.end:
            return t
    return None


def next_legs(lane: Lane, ready: int, *, options: int, step: int, latest: int,
              opening: tuple[TimeWindow, ...] = ()) -> list[Leg]:
    """Up to ``options`` departures of ``lane`` cargo ready at ``ready`` can
    take, loaded while the origin (``opening``) is open."""
    if lane.departures:
        found = [Leg(lane, d.time, d.cutoff) for d in lane.departures
                 if d.cutoff >= ready and within_opening(opening, d.cutoff, d.time)]
        return found[:options]
    first = earliest_within(opening, ready, lane.handling_s)
    if first is None:
        return []
    legs = [Leg(lane, first + lane.handling_s, first)]
    slot = -(-(first + 1) // step) * step
    while len(legs) < options and slot <= latest:
        if within_opening(opening, slot, slot + lane.handling_s):
            legs.append(Leg(lane, slot + lane.handling_s, slot))
        slot += step
    return legs


def first_legs(lane: Lane, earliest: int, latest: int, step: int,
               opening: tuple[TimeWindow, ...] = ()) -> list[Leg]:
    """Every first-leg departure of ``lane`` for cargo ready from
    ``earliest``, loaded while the origin (``opening``) is open."""
    if lane.departures:
        return [Leg(lane, d.time, d.cutoff) for d in lane.departures
                if earliest <= d.cutoff <= latest and within_opening(opening, d.cutoff, d.time)]
    start = -(-earliest // step) * step
    slots = set(range(start, latest + 1, step))
    slots |= {w.start for w in opening if earliest <= w.start <= latest}  # at opening time
    return [Leg(lane, t + lane.handling_s, t) for t in sorted(slots)
            if within_opening(opening, t, t + lane.handling_s)]


def _treat(site: Site, state: _State, params: ConsolidationParams) -> _State | None:
    """State after treating at ``site`` (None if it cannot treat or already
    did): the batch starts when the site is open and ends before it closes."""
    if site.treatment is None or state.treatment is not None:
        return None
    start = earliest_within(site.opening, state.ready, site.treatment_s)
    if start is None:
        return None
    end = start + site.treatment_s
    visit = TreatmentVisit(site.id, site.treatment, start, end, len(state.legs) - 1,
                           site.treatment_cost_per_kg)
    expo = state.exposure + ((start - state.ready, params.transfer_temp_c),
                             (site.treatment_s, params.treatment_temp_c))
    return _State(state.site, end, state.legs, visit, expo, state.leg_ends)


def _extend(case: Case, state: _State, *, out: dict[str, list[Lane]],
            params: ConsolidationParams, latest: int) -> Iterator[_State]:
    if len(state.legs) >= params.max_legs:
        return
    visited = {state.legs[0].lane.origin} | {leg.lane.destination for leg in state.legs}
    for lane in out.get(state.site, []):
        if lane.destination in visited:
            continue
        for leg in next_legs(lane, state.ready, options=params.connection_options,
                             step=params.on_demand_step_s, latest=latest,
                             opening=case.site_by_id[lane.origin].opening):
            if leg.arrival > latest:
                continue
            expo = state.exposure + tuple(leg_exposure(leg, state.ready, params.transfer_temp_c))
            yield _State(lane.destination, leg.arrival, state.legs + (leg,), state.treatment, expo,
                         state.leg_ends + (len(expo),))


def _walk(case: Case, start: _State, *, out: dict[str, list[Lane]], params: ConsolidationParams,
          latest: int, wanted: dict[str, set[Treatment | None]]) -> Iterator[_State]:
    """Depth-first over lanes; yields states at hubs with a wanted treatment."""
    stack = [start]
    while stack:
        state = stack.pop()
        for s in (state, _treat(case.site_by_id[state.site], state, params)):
            if s is None:
                continue
            kind = s.treatment.treatment if s.treatment else None
            if s.site in wanted and kind in wanted[s.site]:
                yield s
            stack.extend(_extend(case, s, out=out, params=params, latest=latest))


def _key(it: _State) -> tuple[object, ...]:
    """Itineraries with the same key differ only in their first departure."""
    scheduled = [k for k, leg in enumerate(it.legs) if leg.lane.departures and k > 0]
    tail_from = scheduled[0] if scheduled else 1
    if len(it.legs) == 1:
        tail_from = 0
    treat = (it.treatment.facility, it.treatment.day) if it.treatment else None
    lanes = tuple(leg.lane.id for leg in it.legs)
    return (lanes, tuple(leg.departure for leg in it.legs[tail_from:]), treat)


def enumerate_itineraries(
    case: Case,
    *,
    earliest_at: dict[str, int],
    wanted: dict[str, set[Treatment | None]],
    latest_at: dict[str, int],
    params: ConsolidationParams,
) -> list[Itinerary]:
    """Every itinerary from the origins in ``earliest_at`` (site -> earliest
    time cargo is ready there) to the hubs in ``wanted`` (hub -> treatments
    its markets need), arriving by ``latest_at[hub]``. First departures that
    feed the same downstream connection are cut to the latest
    ``first_departure_options``."""
    out: dict[str, list[Lane]] = defaultdict(list)
    for lane in case.lanes:
        out[lane.origin].append(lane)
    # Bounded by the case, never by an order's deadline (a deadline in year 9999
    # would make the departure grid endless): first departures fall within the
    # horizon, then at most max_legs lanes, each its longest, and a day of waits.
    longest = max((ln.handling_s + ln.transit_s for ln in case.lanes), default=0)
    reach = case.settings.horizon_s + params.max_legs * longest + DAY
    latest = min(max(latest_at.values(), default=0), reach)
    groups: dict[tuple[object, ...], list[_State]] = defaultdict(list)
    for origin, earliest in sorted(earliest_at.items()):
        for lane in out.get(origin, []):
            opening = case.site_by_id[origin].opening
            for leg in first_legs(lane, earliest, latest, params.on_demand_step_s, opening):
                if leg.arrival > latest:
                    continue
                start = _State(lane.destination, leg.arrival, (leg,), None,
                               ((lane.transit_s, lane.temperature_c),), (1,))
                for s in _walk(case, start, out=out, params=params, latest=latest, wanted=wanted):
                    if s.legs[-1].arrival <= latest_at[s.site]:
                        groups[(origin, s.site, *_key(s))].append(s)
    return _number(_keep_latest(groups.values(), params.first_departure_options))


def _keep_latest(groups: Iterable[list[_State]], k: int) -> list[_State]:
    kept: list[_State] = []
    for group in groups:
        group.sort(key=lambda s: (-s.legs[0].cutoff, s.legs[-1].arrival))
        kept.extend(group[:k])
    return kept


def _number(states: list[_State]) -> list[Itinerary]:
    states.sort(key=lambda s: (s.legs[0].lane.origin, s.site, s.legs[0].cutoff,
                               tuple(leg.key for leg in s.legs)))
    return [
        Itinerary(i, s.legs[0].lane.origin, s.site, s.legs, s.treatment, s.exposure, s.leg_ends)
        for i, s in enumerate(states)
    ]
