"""The one module of the API that calls the planning engine.

A plan function has the signature ``fn(case, *, options, progress) -> PlanOutput``;
the job runner takes any such function (``Settings.plan_function`` names it,
``create_app(plan_function=...)`` overrides it), and ``run_plan_day`` is the
default: the engine's daily plan (planner.plan_day)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from planner.domain import Case

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What a plan job asks for. ``fixed_routes`` are plan.json route documents
    of vehicles already dispatched (kept as they are in a re-plan); ``now``
    the time of the re-plan (engine seconds)."""

    day: date
    time_limit_s: float
    seed: int = 0
    fixed_routes: tuple[dict[str, Any], ...] = ()
    now: int | None = None  # engine seconds: nothing new starts earlier (re-plans)


@dataclass(frozen=True, slots=True)
class PlanOutput:
    """A finished plan as the API stores it: the plan.json document (schema
    planner/assembly/plan.schema.json), its KPIs, a text summary and the report page."""

    document: dict[str, Any]
    kpis: dict[str, Any]
    summary: str = ""
    report_html: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class PlanFunction(Protocol):
    def __call__(self, case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput: ...


def load_plan_function(path: str) -> PlanFunction:
    """The function named ``module:name``; ImportError with the name if missing."""
    module_name, _, name = path.partition(":")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, name)  # type: ignore[no-any-return]
    except AttributeError:
        msg = f"plan function {path!r}: module {module_name} has no {name!r}"
        raise ImportError(msg) from None


def run_plan_day(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """The engine's daily plan for ``case`` (already moved to ``options.day``),
    its plan.json document and its self-contained report page."""
    from planner import PlanParams, plan_day
    from planner.outputs import render_report

    plan = plan_day(case, PlanParams(time_limit_s=options.time_limit_s), seed=options.seed, progress=progress,
                    fixed=fixed_routes(case, options), now=options.now)
    document = plan.to_json()
    return PlanOutput(document=document, kpis=dict(plan.kpis), summary=plan.summary(),
                      report_html=render_report(document, case))


def fixed_routes(case: Case, options: PlanOptions) -> tuple[Any, ...]:
    """Stored plan.json routes of dispatched vehicles as the router's fixed
    routes: every pickup and delivery stays committed; those that started
    before ``options.now`` keep their time."""
    from planner.domain.units import parse_datetime, to_seconds
    from planner.routing import FixedRoute, FixedStop

    s = case.settings
    out = []
    for route in options.fixed_routes:
        stops = []
        for stop in route["stops"]:
            if stop["kind"] not in ("pickup", "delivery"):
                continue
            start = to_seconds(parse_datetime(stop["arrival"], s.timezone), s.epoch) + int(stop.get("waiting_s", 0))
            done = options.now is not None and start <= options.now
            for lot_id in stop["lot_ids"]:
                stops.append(FixedStop(kind=stop["kind"], lot_id=lot_id, time=start if done else None,
                                       packing_house=stop["site"] if stop["kind"] == "delivery" else ""))
        out.append(FixedRoute(vehicle_id=route["vehicle_id"], stops=tuple(stops)))
    return tuple(out)


def schema_problems(document: dict[str, Any]) -> list[str]:
    """Where ``document`` breaks the plan.json schema (empty: it follows it)."""
    from jsonschema import Draft202012Validator

    from planner.assembly import plan_schema

    validator = Draft202012Validator(plan_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"plan.json {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors[:50]]


def check_plan(case: Case, document: dict[str, Any]) -> Any:
    """Every violation of an edited plan document against ``case`` (the engine's checker)."""
    from planner.assembly.check import check_plan as engine_check
    from planner.exceptions import PlanCheckError

    from .errors import ApiError
    from .schemas import CheckOut

    problems = schema_problems(document)
    if problems:
        raise ApiError(422, "invalid_plan", "the plan does not follow the plan.json schema 1.0", problems=problems)
    try:
        report = engine_check(case, document)
    except (KeyError, TypeError) as exc:  # the schema admits it, the checker cannot read it
        raise PlanCheckError(f"the plan cannot be read: {type(exc).__name__} {exc}") from exc
    return CheckOut(valid=report.ok, violations=report.violations, notes=report.notes, totals=report.totals)
