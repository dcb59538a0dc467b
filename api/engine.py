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
    of vehicles already dispatched (kept as they are in a re-plan)."""

    day: date
    time_limit_s: float
    seed: int = 0
    fixed_routes: tuple[dict[str, Any], ...] = ()


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
    """The engine's daily plan for ``case`` (already moved to ``options.day``)."""
    import planner
    from planner.assembly.params import PlanParams

    plan_day = getattr(planner, "plan_day", None)
    if plan_day is None:
        msg = "the daily planner (planner.plan_day) is not available in this installation"
        raise ImportError(msg)
    kwargs: dict[str, Any] = {}
    if options.fixed_routes:
        kwargs["fixed"] = fixed_routes(options.fixed_routes)
    plan = plan_day(case, params=PlanParams(time_limit_s=options.time_limit_s), seed=options.seed,
                    progress=progress, **kwargs)
    return PlanOutput(
        document=plan.to_json(), kpis=dict(plan.kpis), summary=plan.summary(), report_html=report_html(plan),
    )


def fixed_routes(routes: tuple[dict[str, Any], ...]) -> tuple[Any, ...]:
    """plan.json route documents as the router's fixed routes."""
    from planner.routing import FixedRoute  # type: ignore[attr-defined]

    return tuple(FixedRoute.from_json(r) for r in routes)


def report_html(plan: Any) -> str:
    """The engine's self-contained report page for ``plan``, if it offers one."""
    try:
        from planner.assembly import report  # type: ignore[attr-defined]
    except ImportError:
        return ""
    render = getattr(report, "render_html", None)
    return str(render(plan)) if render is not None else ""


def check_plan(case: Case, document: dict[str, Any]) -> Any:
    """Violations of an edited plan document against ``case`` (the engine's plan checker)."""
    from .errors import ApiError
    from .schemas import CheckOut

    try:
        from planner.assembly.check import check_document  # type: ignore[import-not-found]
    except ImportError:
        raise ApiError(503, "engine_unavailable", "the engine's plan checker is not available") from None
    violations = [v if isinstance(v, dict) else {"message": str(v)} for v in check_document(case, document)]
    return CheckOut(valid=not violations, violations=violations)
