"""The day-by-day simulator of one replication.

Each day: the day's orders and lots arrive (drawn), the planner plans the
day's case (new orders and lots plus what the previous day left, and the
packed stock in the packing houses' cold stores), the plan is executed with
random delays and temperature deviations, and then

- orders left unserved stay open for the next day while their deadline is
  after its start (their times shifted into the next day's frame), else
  they are lost;
- lots left uncollected keep losing shelf life at ambient on the farm: a lot
  whose pre-cooling budget is spent by the next midnight is counted spoiled
  at the farm (DOMAIN.md: lychee browns within a day at ambient), the others
  are offered again the next day with their harvest time kept (so the lost
  shelf life carries over);
- packed fruit that the freight plan does not ship stays in the cold store
  and is supply again the next day with the shelf life it has left
  (:mod:`.stock`): spoiled at the packing house when none is left, sold off
  to the traditional trade when the cold store is full, and sold off (the
  least fresh first) when a full cold store would keep the day's harvest in
  the orchard (:func:`plan_or_make_room`)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from planner import Supply
from planner.domain import Case, HarvestLot, Order
from planner.domain.units import DAY, HOUR
from planner.exceptions import SolverError
from planner.freshness import model_for
from planner.io import read_case

from .daycase import capacity_totals, day_case, sampled, standing_case
from .execution import OrderOutcome, execute, execute_pickups
from .generate import DayDraw, draw_day
from .quality import downgrade_loss, precool_kpis, precool_target_hours, with_precool_budget
from .replan import replan_freight
from .spec import ScenarioSpec
from .stock import carry_stock, storage_rates
from .streams import Part, keyed_streams, planner_seed


class PlanFunction(Protocol):
    """Plans one day: ``(case, seed, stock) -> plan`` with ``kpis``,
    ``routing``, ``supplies`` and ``consolidation`` as :func:`planner.plan_day`
    returns them; ``stock`` is the packed fruit already at the packing houses."""

    def __call__(self, case: Case, seed: int, stock: Sequence[Supply] = ()) -> Any: ...


@dataclass(frozen=True, slots=True)
class DailyPlanner:
    """The real daily planner, :func:`planner.plan_day`, with ``params``
    (the scenario's ``[planner]`` table, read by ``PlanParams.from_dict``).
    Picklable, so Dask workers can run it."""

    params: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, case: Case, seed: int, stock: Sequence[Supply] = ()) -> Any:
        from planner import PlanParams, plan_day

        return plan_day(case, params=PlanParams.from_dict(dict(self.params)), seed=seed, stock=stock)


@dataclass(frozen=True, slots=True)
class RunResult:
    """One replication: run-level KPIs, one row per day, one row per market."""

    run: int
    kpis: dict[str, float]
    days: list[dict[str, Any]]
    markets: list[dict[str, Any]]
    seconds: float
    capacity: dict[str, float] = field(default_factory=dict)  # simulated / full, by kind


@lru_cache(maxsize=8)
def cached_case(folder: str) -> Case:
    """The base case, read once per worker process."""
    return read_case(Path(folder))


def simulate_run(spec: ScenarioSpec, run: int, *, planner: PlanFunction | None = None,
                 progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Simulate every day of replication ``run`` of ``spec``."""
    started = time.perf_counter()
    planner = planner or DailyPlanner(spec.planner)
    base = cached_case(str(spec.base_case))
    standing = standing_case(base, spec)
    rates = storage_rates(base, spec.planner)
    ledger = _Ledger(export_markets=frozenset(m.id for m in base.markets if m.treatment is not None),
                     markets=tuple(sorted(m.id for m in base.markets)))
    orders_open: list[Order] = []
    lots_waiting: list[HarvestLot] = []
    stock: tuple[Supply, ...] = ()
    capacity = _Capacity()
    for day in range(spec.days):
        draw = draw_day(base, spec, run=run, day=day)
        ledger.arrive(draw.orders, draw.lots)
        world = _world(standing, spec, run, day, [*lots_waiting, *draw.lots])
        capacity.add(world, standing)

        def case_known_at(hour: float, world: Case = world, draw: DayDraw = draw,
                          orders: list[Order] = orders_open, lots: list[HarvestLot] = lots_waiting) -> Case:
            return with_precool_budget(day_case(world, draw, carried_orders=orders, carried_lots=lots,
                                                announced_by_h=hour))

        case = case_known_at(0.0)
        seed = planner_seed(spec.seed, run, day)
        t0 = time.perf_counter()
        stock_in = float(sum(s.kg for s in stock))
        plan, stock, kg_room = plan_or_make_room(planner, case, seed, stock, where=f"run {run}, day {day}")
        since = 0
        for hour in announcements(draw):
            case = case_known_at(hour)
            since = round(hour * HOUR)
            plan = replan_freight(case, plan, at=since, params=spec.planner, seed=seed, storage_rate=rates)
        plan_s = time.perf_counter() - t0
        streams = keyed_streams(spec.seed, run, day, Part.EXECUTION)
        lots = execute_pickups(case, plan, spec.execution, streams)
        outcomes = execute(case, plan, spec.execution, streams, lots=lots, since=since)
        ledger.deliver(outcomes)
        served = {o.order_id for o in outcomes}
        orders_open, lost = _carry_orders(case, served, carry=spec.carry_orders)
        lots_waiting, spoiled_farm = _carry_lots(case, plan)
        kept = carry_stock(case, plan, storage_rate=rates, lots=lots)
        row = _day_row(case, draw, plan, outcomes, lost, spoiled_farm, plan_s)
        row.update(precool_kpis(lots.values(), precool_target_hours(case)),
                   downgrade_loss=downgrade_loss(case, lots.values()))
        row.update(kg_stock_in=stock_in, kg_stock_out=float(kept.kg_carried),
                   kg_spoiled_packing_house=float(kept.kg_spoiled),
                   kg_left_at_packing_houses=float(kept.kg_sold_off + kg_room),
                   plans_refused=int(kg_room > 0.0),
                   kg_downgraded_sold=float(kept.kg_downgraded_sold),
                   replans=len(announcements(draw)),
                   precool_target_hours=precool_target_hours(case))
        stock = kept.carried
        ledger.days.append(row)
        if progress:
            progress(day + 1, spec.days)
    ledger.close(orders_open, stock)
    kpis, markets = ledger.summary()
    up = 1.0 / spec.sample
    return RunResult(run, scaled_up(kpis, up), [scaled_up(d, up) for d in ledger.days],
                     [scaled_up(m, up) for m in markets], time.perf_counter() - started,
                     capacity.ratios())


def plan_or_make_room(planner: PlanFunction, case: Case, seed: int, stock: Sequence[Supply], *,
                      where: str) -> tuple[Any, tuple[Supply, ...], float]:
    """The day's plan, the stock it was made with and the kg of stock sold
    off to make room for it.

    A full cold store has two outlets in the field, and the manager takes the
    one that saves fruit: the day's harvest is worth more than stock that has
    waited, so stock goes to the traditional trade along QL31 before a lot is
    left in the orchard.

    - The planner leaves lots out because a packing house's cold store is full
      (reason ``packing_house_capacity``, a cold store named in the detail):
      that house sells its least fresh stock, as many kg as the lots left out
      there weigh (all its stock at most), and the day is planned once more
      (:func:`make_room_for_harvest`).
    - The planner refuses the plan (:class:`planner.exceptions.SolverError`, a
      rule its repair cannot undo): the packing houses the refusal names
      (every house holding stock when it names none) sell all their stock and
      the day is planned once more; a second refusal ends the run with an
      error naming the run and day."""
    try:
        plan = planner(case, seed, stock)
    except SolverError as exc:
        if not stock:
            raise SolverError(f"{where}: {exc}") from exc
        named = _houses_named(str(exc), stock)
        kept = tuple(s for s in stock if named and s.site not in named)
        try:
            plan = planner(case, seed, kept)
        except SolverError as again:
            msg = f"{where}: the planner refused the day even with the stock sold off: {again}"
            raise SolverError(msg) from again
        return plan, kept, sum(s.kg for s in stock) - sum(s.kg for s in kept)
    return make_room_for_harvest(planner, case, seed, plan, tuple(stock))


def make_room_for_harvest(planner: PlanFunction, case: Case, seed: int, plan: Any, stock: tuple[Supply, ...]
                          ) -> tuple[Any, tuple[Supply, ...], float]:
    """``plan`` re-made after the houses whose full cold store kept lots out
    sold their least fresh stock (see :func:`plan_or_make_room`); ``plan``
    itself when no lot was kept out by a cold store holding stock, or when the
    second plan is refused."""
    left_out: dict[str, float] = {}
    for u in getattr(getattr(plan, "routing", None), "unassigned", ()):
        if getattr(u.reason, "value", u.reason) == "packing_house_capacity" and "cold store" in u.detail:
            for house in _houses_named(u.detail, stock):
                left_out[house] = left_out.get(house, 0.0) + float(u.kg)
    if not left_out:
        return plan, stock, 0.0
    kept = sell_least_fresh(stock, left_out)
    try:
        again = planner(case, seed, kept)
    except SolverError:
        return plan, stock, 0.0
    return again, kept, sum(s.kg for s in stock) - sum(s.kg for s in kept)


def sell_least_fresh(stock: Sequence[Supply], kg_by_house: Mapping[str, float]) -> tuple[Supply, ...]:
    """``stock`` after each house in ``kg_by_house`` sold that many kg, the
    least shelf life left first (the last supply sold split when it covers
    more than is needed)."""
    need = dict(kg_by_house)
    kept: list[Supply] = []
    for s in sorted(stock, key=lambda x: (x.shelf_life_left_s, x.id)):
        want = need.get(s.site, 0.0)
        if want <= 0.0:
            kept.append(s)
        elif s.kg <= want:
            need[s.site] = want - s.kg
        else:
            kept.append(replace(s, kg=s.kg - want))
            need[s.site] = 0.0
    order = {s.id: i for i, s in enumerate(stock)}
    return tuple(sorted(kept, key=lambda s: order[s.id]))


def _houses_named(text: str, stock: Sequence[Supply]) -> set[str]:
    """The packing houses holding ``stock`` whose id ``text`` names."""
    return {s.site for s in stock if re.search(rf"(?<![\w-]){re.escape(s.site)}(?![\w-])", text)}


def _world(standing: Case, spec: ScenarioSpec, run: int, day: int, lots: list[HarvestLot]) -> Case:
    """The standing case at the scenario's sample scale for ``day``."""
    if spec.sample >= 1.0:
        return standing
    streams = keyed_streams(spec.seed, run, day, Part.SAMPLE)
    biggest = max((lot.kg for lot in lots), default=0.0)
    return sampled(standing, spec.sample, streams, min_intake_kg_h=biggest)


def announcements(draw: DayDraw) -> list[float]:
    """Hours of the day at which disruptions starting that day are announced
    (after the morning plan)."""
    return sorted({a.spec.announced_h for a in draw.disruptions
                   if a.started == draw.day and a.spec.announced_h})


@dataclass
class _Capacity:
    """Capacity simulated over capacity of the full world, summed over days."""

    sampled: dict[str, float] = field(default_factory=dict)
    full: dict[str, float] = field(default_factory=dict)

    def add(self, world: Case, standing: Case) -> None:
        for name, totals in (("sampled", capacity_totals(world)), ("full", capacity_totals(standing))):
            into = getattr(self, name)
            for k, v in totals.items():
                into[k] = into.get(k, 0.0) + v

    def ratios(self) -> dict[str, float]:
        return {k: self.sampled.get(k, 0.0) / v for k, v in self.full.items() if v}


_EXTENSIVE = ("kg_", "orders", "lots", "cost_total", "km", "co2e_kg", "precool_late_kg", "downgrade_loss")


def scaled_up(row: dict[str, Any], factor: float) -> dict[str, Any]:
    """``row`` with its extensive figures (kg, counts, cost, km, CO2e) times
    ``factor``; rates, shelf life and per-kg figures unchanged."""
    if factor == 1.0:
        return row
    return {k: v * factor if k.startswith(_EXTENSIVE) and isinstance(v, int | float) else v
            for k, v in row.items()}


def _carry_orders(case: Case, served: set[str], *, carry: bool) -> tuple[list[Order], list[Order]]:
    """Orders still open the next day (in its frame) and orders lost today."""
    open_next, lost = [], []
    for o in case.orders:
        if o.id in served:
            continue
        if carry and o.deadline - DAY > 0:
            open_next.append(replace(o, ordered=o.ordered - DAY, deadline=o.deadline - DAY))
        else:
            lost.append(o)
    return open_next, lost


def _carry_lots(case: Case, plan: Any) -> tuple[list[HarvestLot], list[HarvestLot]]:
    """Uncollected lots that can wait one more day (next frame), and the spoiled."""
    collected = {d.lot_id for d in plan.routing.deliveries}
    waiting, spoiled = [], []
    hours = np.arange(0, DAY, HOUR)
    ambient = np.array([case.settings.ambient_at(int(t)) for t in hours])
    for lot in case.lots:
        if lot.id in collected:
            continue
        product = case.product_by_id[lot.product]
        model = model_for(product)
        start = max(lot.ready, 0)
        spent_before = max(0, -lot.ready) * float(model.rate(float(np.mean(ambient))))
        durations = np.clip(hours + HOUR - start, 0, HOUR)
        spent = spent_before + model.consumed(durations, ambient)
        if spent >= product.precool_budget_s:
            spoiled.append(lot)
        else:
            waiting.append(replace(lot, ready=lot.ready - DAY,
                                   latest_pickup=max(lot.latest_pickup, lot.ready - DAY)))
    return waiting, spoiled


def _day_row(case: Case, draw: Any, plan: Any, outcomes: list[OrderOutcome],
             lost: list[Order], spoiled_farm: list[HarvestLot], plan_s: float) -> dict[str, Any]:
    kpis = {k: float(v) for k, v in dict(plan.kpis).items() if isinstance(v, int | float)}
    lots = {lot.id: lot for lot in case.lots}
    collected = sum(lots[d.lot_id].kg for d in plan.routing.deliveries if d.lot_id in lots)
    sound = [o for o in outcomes if o.sound]
    return {
        "day": draw.day,
        "date": case.settings.epoch.date().isoformat(),
        "ambient_mean_c": float(np.mean(case.settings.ambient_c)),
        "disruptions": "; ".join(a.label for a in draw.disruptions),
        "orders_open": len(case.orders), "orders_new": len(draw.orders),
        "kg_ordered_new": sum(o.kg for o in draw.orders),
        "lots": len(case.lots), "kg_harvested": sum(lot.kg for lot in draw.lots),
        "kg_collected": collected,
        "kg_spoiled_farm": sum(lot.kg for lot in spoiled_farm),
        "orders_served": len(outcomes), "kg_served": sum(o.kg for o in outcomes),
        "kg_delivered_sound": sum(o.kg for o in sound),
        "kg_spoiled_transit": sum(o.kg for o in outcomes if o.spoiled),
        "kg_below_min_shelf_life": sum(o.kg for o in outcomes if not o.spoiled and
                                       o.shelf_life_left_s < o.min_shelf_life_s),
        "orders_late": sum(not o.on_time for o in outcomes),
        "orders_missed_departure": sum(o.missed_departures > 0 for o in outcomes),
        "orders_stranded": sum(o.stranded for o in outcomes),
        "orders_reefer_failed": sum(o.reefer_failed for o in outcomes),
        "kg_reefer_failed": sum(o.kg for o in outcomes if o.reefer_failed),
        "orders_downgraded": sum(o.downgraded for o in outcomes),
        "orders_lost": len(lost), "kg_lost": sum(o.kg for o in lost),
        "cost_total": kpis.get("cost_total", 0.0), "km": kpis.get("km", 0.0),
        "co2e_kg": kpis.get("co2e_kg", 0.0),
        "vehicle_fill": kpis.get("vehicle_fill", 0.0), "unit_fill": kpis.get("unit_fill", 0.0),
        "plan_seconds": plan_s,
    }


@dataclass
class _Ledger:
    """Every order's and lot's fate over the run."""

    orders: dict[str, Order] = field(default_factory=dict)
    outcomes: dict[str, OrderOutcome] = field(default_factory=dict)
    kg_harvested: float = 0.0
    days: list[dict[str, Any]] = field(default_factory=list)
    still_open: int = 0
    kg_in_store_at_end: float = 0.0
    export_markets: frozenset[str] = frozenset()  # markets with a phytosanitary treatment
    markets: tuple[str, ...] = ()  # every market of the case, each reported in every run

    def arrive(self, orders: tuple[Order, ...], lots: tuple[HarvestLot, ...]) -> None:
        self.orders.update((o.id, o) for o in orders)
        self.kg_harvested += sum(lot.kg for lot in lots)

    def deliver(self, outcomes: list[OrderOutcome]) -> None:
        for o in outcomes:
            self.outcomes.setdefault(o.order_id, o)

    def close(self, still_open: list[Order], stock: Sequence[Supply]) -> None:
        self.still_open = len(still_open)
        self.kg_in_store_at_end = sum(s.kg for s in stock)

    def summary(self) -> tuple[dict[str, float], list[dict[str, Any]]]:
        out = list(self.outcomes.values())
        kg_ordered = sum(o.kg for o in self.orders.values())
        sound = [o for o in out if o.sound]
        days = self.days
        total = {k: sum(d[k] for d in days) for k in (
            "kg_spoiled_farm", "kg_spoiled_packing_house", "kg_spoiled_transit",
            "kg_below_min_shelf_life", "kg_collected", "kg_left_at_packing_houses", "cost_total",
            "km", "co2e_kg", "precool_late_kg", "kg_downgraded", "downgrade_loss", "kg_downgraded_sold",
            "orders_missed_departure",
            "orders_stranded", "orders_reefer_failed", "kg_reefer_failed", "replans", "plans_refused")}
        collected = [(d["kg_collected"], d["precool_hours_mean"]) for d in days
                     if d["kg_collected"] and not np.isnan(d["precool_hours_mean"])]
        weight = sum(kg for kg, _ in collected)
        kg_sound = sum(o.kg for o in sound)
        kpis = {
            "orders_total": float(len(self.orders)), "kg_ordered": kg_ordered,
            "orders_served": float(len(out)), "kg_served": sum(o.kg for o in out),
            "kg_delivered_sound": kg_sound,
            "service_level": kg_sound / kg_ordered if kg_ordered else 0.0,
            "on_time_rate": len(sound) / len(self.orders) if self.orders else 0.0,
            "orders_late": float(sum(not o.on_time for o in out)),
            "kg_unserved": kg_ordered - sum(o.kg for o in out),
            "kg_harvested": self.kg_harvested,
            "kg_spoiled": (total["kg_spoiled_farm"] + total["kg_spoiled_packing_house"]
                           + total["kg_spoiled_transit"]),
            "kg_in_store_at_end": self.kg_in_store_at_end,
            **total,
            "precool_hours_mean": sum(kg * h for kg, h in collected) / weight if weight else float("nan"),
            "precool_target_hours": max((d["precool_target_hours"] for d in days), default=0.0),
            "shelf_life_left_days": _mean_days(out),
            "cost_per_kg": total["cost_total"] / kg_sound if kg_sound else float("nan"),
            "vehicle_fill": float(np.mean([d["vehicle_fill"] for d in days])) if days else float("nan"),
            "unit_fill": float(np.mean([d["unit_fill"] for d in days])) if days else float("nan"),
            "orders_open_at_end": float(self.still_open),
            **self._export(out),
        }
        markets = []
        for market in sorted({*self.markets, *(o.market for o in self.orders.values())}):
            ordered = [o for o in self.orders.values() if o.market == market]
            got = [o for o in out if o.market == market]
            kg = sum(o.kg for o in ordered)
            markets.append({
                "market": market, "orders": len(ordered), "kg_ordered": kg,
                "kg_delivered_sound": sum(o.kg for o in got if o.sound),
                "service_level": sum(o.kg for o in got if o.sound) / kg if kg else float("nan"),
                "kg_spoiled_transit": sum(o.kg for o in got if o.spoiled),
                "shelf_life_left_days": _mean_days(got),
            })
        return kpis, markets


    def _export(self, out: list[OrderOutcome]) -> dict[str, float]:
        """Export orders (markets with a phytosanitary treatment) on their own."""
        ordered = [o for o in self.orders.values() if o.market in self.export_markets]
        sound = [o for o in out if o.market in self.export_markets and o.sound]
        kg = sum(o.kg for o in ordered)
        return {
            "kg_export_ordered": kg,
            "export_service_level": sum(o.kg for o in sound) / kg if kg else float("nan"),
            "orders_export_failed": float(len(ordered) - len(sound)),
        }


def _mean_days(outcomes: list[OrderOutcome]) -> float:
    kg = sum(o.kg for o in outcomes)
    if not kg:
        return float("nan")
    return sum(o.kg * o.shelf_life_left_s for o in outcomes) / kg / DAY
