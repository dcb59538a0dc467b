"""One simulated day's random inputs: orders, lots, weather and disruptions.

Orders and lots come from the case generator (``planner.casegen``), scaled by
the scenario's distributions; times are shifted to the day's own frame
(engine seconds from that day's midnight)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np

from planner.casegen import generate_lots, generate_orders
from planner.domain import Case, Channel, HarvestLot, Order, Site, SiteKind
from planner.domain.units import DAY

from .spec import Disruption, DisruptionKind, ScenarioSpec
from .streams import Part, rng_for


@dataclass(frozen=True, slots=True)
class ActiveDisruption:
    """A disruption that happens on a day, with its drawn ``amount``."""

    index: int
    spec: Disruption
    amount: float
    started: int = 0  # the day it began (earlier than today when it lasts over midnight)

    @property
    def label(self) -> str:
        target = f" {self.spec.target}" if self.spec.target else ""
        return f"{self.spec.kind}{target}"


@dataclass(frozen=True, slots=True)
class DayDraw:
    """The random inputs of one day, in the day's time frame."""

    day: int
    orders: tuple[Order, ...]
    lots: tuple[HarvestLot, ...]
    ambient_c: tuple[float, ...]
    disruptions: tuple[ActiveDisruption, ...]
    demand_factor: float
    harvest_factor: float


def draw_day(base: Case, spec: ScenarioSpec, *, run: int, day: int) -> DayDraw:
    """Draw day ``day`` of replication ``run``."""
    seed = spec.seed
    orders, demand_factor = _orders(base, spec, day, rng_for(seed, run, day, Part.DEMAND))
    lots, harvest_factor = _lots(base, spec, day, rng_for(seed, run, day, Part.HARVEST))
    ambient = _ambient(base, spec, day, rng_for(seed, run, day, Part.WEATHER))
    active = []
    for i, d in enumerate(spec.disruptions):
        for first in _spill_days(d, day):  # earlier days' events that last into this day
            hit, amount = _happens(spec, d, i, run=run, day=first)
            if hit:
                left = d.start_h + d.hours - 24.0 * (day - first)
                active.append(ActiveDisruption(i, replace(d, start_h=0.0, hours=left), amount, first))
        hit, amount = _happens(spec, d, i, run=run, day=day)
        if hit:
            active.append(ActiveDisruption(i, d, amount, day))
    return DayDraw(day, orders, lots, ambient, tuple(active), demand_factor, harvest_factor)


_TIMED = (DisruptionKind.TREATMENT_OUTAGE, DisruptionKind.PACKING_HOUSE_OUTAGE,
          DisruptionKind.FLIGHT_CANCELLATION)


def _spill_days(d: Disruption, day: int) -> range:
    """The earlier days whose event of ``d`` (an outage or a cancellation
    window) would still run on ``day``."""
    if d.kind not in _TIMED:
        return range(0)
    reach = math.ceil((d.start_h + d.hours) / 24.0) - 1  # days after its first it lasts into
    return range(max(0, day - reach), day)


def _happens(spec: ScenarioSpec, d: Disruption, i: int, *, run: int, day: int) -> tuple[bool, float]:
    """Whether disruption ``i`` starts on ``day`` of run ``run``, and its amount."""
    rng = rng_for(spec.seed, run, day, Part.DISRUPTION + i)
    u, amount = rng.random(), d.amount.sample(rng)
    if d.kind is DisruptionKind.VEHICLE_BREAKDOWN:  # vehicles of the sample: round at random
        amount = float(np.floor(amount * spec.sample + rng.random()))
    return day in d.days or (not d.days and u < d.probability), amount


def _ambient(base: Case, spec: ScenarioSpec, day: int, rng: np.random.Generator) -> tuple[float, ...]:
    w = spec.weather
    offset = w.offset_c.sample(rng) + (w.by_day_c[day] if w.by_day_c else 0.0)
    noise = rng.normal(0.0, w.hourly_sd_c, 24) if w.hourly_sd_c > 0 else np.zeros(24)
    temps = np.asarray(base.settings.ambient_c) + offset + noise
    return tuple(round(float(t), 2) for t in temps)


def _stream_scales(spec: ScenarioSpec, rng: np.random.Generator) -> list[float]:
    return [s.scale.sample(rng) for s in spec.demand.streams]


def _orders(base: Case, spec: ScenarioSpec, day: int,
            rng: np.random.Generator) -> tuple[tuple[Order, ...], float]:
    d = spec.demand
    factor = max(d.scale.sample(rng), 0.0) * (d.by_day[day] if d.by_day else 1.0)
    scales = _stream_scales(spec, rng)
    oversample = max([1.0, *scales])
    n = int(rng.poisson(len(base.orders) * factor * oversample * spec.sample))
    if n == 0:
        return (), factor
    b2b = d.b2b_share if d.b2b_share is not None else _b2b_share(base)
    drawn = generate_orders(rng, base, n, day=day, b2b_share=b2b,
                            start_h=d.window_start_h, hours=d.window_h)
    keep = np.full(len(drawn), 1.0 / oversample)
    for k, stream in enumerate(d.streams):
        hit = np.array([stream.matches(o.destination.city, o.market) for o in drawn])
        keep[hit] *= scales[k]
    chosen = rng.random(len(drawn)) < keep
    shift = day * DAY
    orders = tuple(
        replace(o, ordered=o.ordered - shift, deadline=o.deadline - shift)
        for o, c in zip(drawn, chosen, strict=True) if c
    )
    return orders, factor


def _b2b_share(base: Case) -> float:
    if not base.orders:
        return 0.0
    return sum(o.channel is Channel.B2B for o in base.orders) / len(base.orders)


def _pickup_by_commune(base: Case) -> dict[str, list[Site]]:
    groups: dict[str, list[Site]] = defaultdict(list)
    for s in base.sites:
        if s.kind in (SiteKind.FARM, SiteKind.COLLECTION_POINT) and s.commune:
            groups[s.commune].append(s)
    return groups


def base_lots_by_commune(base: Case) -> dict[str, int]:
    """How many lots of the base case each commune harvests."""
    commune_of = {s.id: s.commune for s in base.sites}
    return dict(Counter(commune_of.get(lot.farm, "") for lot in base.lots))


def _lots(base: Case, spec: ScenarioSpec, day: int,
          rng: np.random.Generator) -> tuple[tuple[HarvestLot, ...], float]:
    h = spec.harvest
    factor = max(h.scale.sample(rng), 0.0) * (h.by_day[day] if h.by_day else 1.0)
    counts = base_lots_by_commune(base)
    groups = _pickup_by_commune(base)
    lots: list[HarvestLot] = []
    shift = day * DAY
    for k, commune in enumerate(sorted(groups)):
        scale = h.communes[commune].sample(rng) if commune in h.communes else 1.0
        n = int(rng.poisson(counts.get(commune, 0) * factor * max(scale, 0.0) * spec.sample))
        sites = groups[commune]
        if n == 0 or not any(s.kind is SiteKind.FARM for s in sites):
            continue
        for lot in generate_lots(rng, sites, n, day=day, prefix=f"L{k:02d}-"):
            lots.append(replace(lot, ready=lot.ready - shift, latest_pickup=lot.latest_pickup - shift))
    return tuple(lots), factor
