"""One daily plan: route the pickups, then consolidate the freight from what
the pickup plan delivers.

The two stages run in sequence rather than jointly: freight can only use
fruit that has reached a packing house and been pre-cooled, so routing goes
first and its deliveries (with the shelf life each lot has left) become the
supply the consolidation allocates first-expired-first-out. This keeps the
joint plan consistent by construction (no departure uses fruit that arrives
after it), keeps each model at a size its solver proves good bounds on, and
leaves one clear place for each constraint. What it gives up is the feedback
from freight to pickups (collecting export-certified lots first when export
orders are short of them); routing weighs lots by their value instead."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..consolidation import ConsolidationParams, ConsolidationResult, Supply, consolidate
from ..domain import Case, SiteKind
from ..routing import FixedRoute, RoutingParams, RoutingResult, route_pickups
from ..routing.engine import PartMapper
from ..travel import TravelTimeProvider
from .guarantee import guaranteed
from .kpis import compute_kpis
from .params import PlanParams
from .supplies import supplies_from_deliveries

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DailyPlan:
    """The result of :func:`plan_day`."""

    case: Case
    params: PlanParams
    seed: int
    routing: RoutingResult
    supplies: tuple[Supply, ...]
    consolidation: ConsolidationResult
    kpis: dict[str, Any] = field(default_factory=dict)
    stock: tuple[Supply, ...] = ()  # packed fruit the plan started from (part of ``supplies``)

    def to_json(self) -> dict[str, Any]:
        """The plan.json document (schema ``planner/assembly/plan.schema.json``)."""
        from .serialize import plan_document

        return plan_document(self)

    def summary(self) -> str:
        k = self.kpis
        cur = self.case.settings.currency
        lines = [
            f"{self.case.settings.name}",
            f"orders served {k['orders_served']:,}/{k['orders_total']:,} "
            f"(on time {_rate(k['orders_on_time_rate'])} %), kg served {k['kg_served']:,.0f} "
            f"of {k['kg_ordered']:,.0f}, at risk {k['kg_at_risk']:,.0f} kg",
            f"lots routed {k['lots_routed']}/{k['lots_total']} ({k['kg_picked']:,.0f} kg picked, "
            f"{k['kg_lots_unpicked']:,.0f} kg left at farms)",
            f"cost {k['cost_total']:,.0f} {cur} ({k['cost_per_kg'] or 0:,.0f} {cur}/kg served), "
            f"{k['km']:,.0f} km of pickup routes, {k['co2e_kg']:,.0f} kg CO2e",
            f"vehicle fill {100 * k['vehicle_fill']:.0f} %, unit fill {100 * k['unit_fill']:.0f} %, "
            "consolidation gap " + ("unknown" if k["consolidation_gap_pct"] is None
                                    else f"{k['consolidation_gap_pct']:.1f} %"),
        ]
        for reason, kg in k.get("kg_lots_unpicked_by_reason", {}).items():
            lines.append(f"  left at farms {reason}: {kg:,.0f} kg")
        for reason, kg in k["kg_unserved_by_reason"].items():
            lines.append(f"  unserved {reason}: {kg:,.0f} kg")
        if "search_limit" in k.get("kg_lots_unpicked_by_reason", {}) or "search_limit" in k["kg_unserved_by_reason"]:
            lines.append(f"the time limit ({self.params.time_limit_s:g} s) ended before the search reached "
                         "everything (search_limit above): a longer time limit may plan more")
        lines.append(f"shelf life spent by freight {k.get('shelf_life_used_kg_days', 0):,.0f} kg-days, "
                     f"worth {k.get('shelf_life_used_value', 0):,.0f} {cur}")
        lines += [f"consolidation: {line}" for line in k.get("consolidation_outcome", [])]
        checked = k.get("plan_check")
        if checked:
            taken = checked["lots_taken_out"] + checked["orders_taken_out"]
            lines.append("checked: no rule broken" + (
                f" (the check took out {checked['lots_taken_out']} lot(s) and {checked['orders_taken_out']} "
                "order(s) the solvers had planned against a rule; see their reasons)" if taken else ""))
        return "\n".join(lines)


def _rate(value: float) -> str:
    """A rate in per cent with one decimal, never shown as 100.0 (or 0.0) when it is not."""
    pct = 100.0 * value
    if 0.0 < pct < 100.0:
        pct = min(max(round(pct, 1), 0.1), 99.9)
    return f"{pct:.1f}"


def _stage(progress: Progress | None, lo: float, hi: float) -> Progress:
    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(lo + (hi - lo) * min(max(fraction, 0.0), 1.0), message)
    return report


def _check_stock(case: Case, supplies: Sequence[Supply]) -> None:
    """Stock must sit at packing houses of the case and not share an id."""
    houses = {s.id for s in case.sites if s.kind is SiteKind.PACKING_HOUSE}
    seen: set[str] = set()
    for s in supplies:
        if s.id in seen:
            msg = f"stock {s.id}: a supply with this id is already planned (lot ids must be unique)"
            raise ValueError(msg)
        seen.add(s.id)
        if s.site not in houses:
            msg = f"stock {s.id}: site must be a packing house of the case, got {s.site!r}"
            raise ValueError(msg)


def plan_day(
    case: Case,
    params: PlanParams | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    travel: TravelTimeProvider | None = None,
    fixed: Sequence[FixedRoute] = (),
    now: int | None = None,
    stock: Sequence[Supply] = (),
    mapper: PartMapper | None = None,
) -> DailyPlan:
    """Plan one day of ``case``: pickup routes, then freight, then the
    guarantee (:mod:`.guarantee`): the independent checkers run on the plan
    and whatever they reject leaves it with its reason, so the plan returned
    passes ``planner check`` (SolverError when it cannot be made to). ``fixed`` keeps
    dispatched routes' committed stops (re-planning during a livestream);
    ``now`` is the earliest time anything new may start; ``stock`` is packed,
    pre-cooled fruit already at the packing houses (supply for freight next to
    what the pickups deliver, each with the shelf life it has left). ``mapper``
    solves the routing's catchments in parallel (:mod:`planner.routing.parallel`)."""
    params = params or PlanParams()
    share = params.routing_share
    routing = route_pickups(
        case, params=RoutingParams.from_dict(
            {**dict(params.routing), "time_limit_s": params.routing_time_s}),
        seed=seed, fixed=fixed, progress=_stage(progress, 0.0, share), travel=travel, now=now, mapper=mapper,
    )
    supplies = tuple(stock) + tuple(
        supplies_from_deliveries(case, routing.deliveries, precool_s=params.precool_s))
    _check_stock(case, supplies)
    consolidation = consolidate(
        case, supplies, params=ConsolidationParams.from_dict(
            {**dict(params.consolidation), "time_limit_s": params.consolidation_time_s}),
        seed=seed, progress=None if progress is None else _stage(progress, share, 0.98),
    )
    kpis = compute_kpis(case, routing, supplies, consolidation, params)
    plan = DailyPlan(case, params, seed, routing, supplies, consolidation, kpis, tuple(stock))
    report = _stage(progress, 0.98, 1.0)
    report(0.0, "checking the plan")

    def rebuild(routing: RoutingResult, freight: ConsolidationResult) -> DailyPlan:
        report(0.5, "repairing what the check rejected")
        made = tuple(stock) + tuple(supplies_from_deliveries(case, routing.deliveries, precool_s=params.precool_s))
        kpis = compute_kpis(case, routing, made, freight, params)
        return DailyPlan(case, params, seed, routing, made, freight, kpis, tuple(stock))

    plan = guaranteed(plan, rebuild, travel=travel)
    report(1.0, "plan ready")
    return plan
