"""The one module of the API that calls the planning engine.

A plan function has the signature ``fn(case, *, options, progress) -> PlanOutput``;
the job runner takes any such function (``Settings.plan_function`` names it,
``create_app(plan_function=...)`` overrides it), and ``run_plan_day`` is the
default: the engine's daily plan (planner.plan_day)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from planner.domain import Case

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What a plan job asks for. ``fixed_routes`` are plan.json route documents
    of vehicles already dispatched (kept as they are in a re-plan); ``now``
    the time of the re-plan (engine seconds); ``unavailable`` vehicle ids
    (``moto#2``) broken or otherwise out: they take nothing new (see
    :func:`without_vehicles`); ``cores`` the processes the plan's search may
    run at once (None: every core this process may use; the job runner
    shares the machine's cores among the jobs it runs at once)."""

    day: date
    time_limit_s: float
    seed: int = 0
    fixed_routes: tuple[dict[str, Any], ...] = ()
    now: int | None = None  # engine seconds: nothing new starts earlier (re-plans)
    unavailable: tuple[str, ...] = ()
    cores: int | None = None


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

    fleet = without_vehicles(case, options)
    routing = (("workers", options.cores),) if options.cores else ()
    plan = plan_day(fleet.case, PlanParams(time_limit_s=options.time_limit_s, routing=routing), seed=options.seed,
                    progress=progress, fixed=fleet.fixed, now=options.now)
    document = fleet.renamed(plan.to_json(), case)
    return PlanOutput(document=document, kpis=dict(plan.kpis), summary=fleet.renamed_text(plan.summary()),
                      report_html=render_report(document, case))


OUT_MARGIN_S = 60  # a broken vehicle's shift ends this long after it is home from its last kept stop


@dataclass(frozen=True, slots=True)
class Fleet:
    """The case a re-plan solves when vehicles are out: each type with its
    available vehicles only, numbered ``type#1..n`` for the router, and
    ``names`` from those ids (and type ids) back to the case's own."""

    case: Case
    fixed: tuple[Any, ...]
    names: dict[str, str]  # router vehicle id -> the case's vehicle id
    types: dict[str, str]  # router vehicle type -> the case's vehicle type

    def renamed(self, document: dict[str, Any], case: Case) -> dict[str, Any]:
        """``document`` with the case's own vehicle ids, types and drivers."""
        if not self.names:
            return document
        from planner.domain import drivers_by_vehicle

        drivers = drivers_by_vehicle(case.drivers)
        routes = []
        for r in document["routes"]:
            vid = self.names.get(r["vehicle_id"], r["vehicle_id"])
            driver = drivers[vid].id if vid in drivers else None
            routes.append({**r, "vehicle_id": vid, "vehicle_type": self.types.get(r["vehicle_type"], r["vehicle_type"]),
                           **({"driver_id": driver} if "driver_id" in r else {})})
        deliveries = [{**d, "vehicle_id": self.names.get(d["vehicle_id"], d["vehicle_id"])}
                      for d in document["deliveries"]]
        return {**document, "routes": routes, "deliveries": deliveries}

    def renamed_text(self, text: str) -> str:
        if not self.names:
            return text
        import re

        return re.sub(r"[\w.-]+#\d+", lambda m: self.names.get(m.group(0), m.group(0)), text)


def without_vehicles(case: Case, options: PlanOptions) -> Fleet:
    """The fleet of a re-plan without ``options.unavailable``. A vehicle out
    that was also dispatched keeps only the stops it finished before
    ``options.now`` whose lots it both picked up and delivered by then (one
    vehicle of its own type whose shift ends once it is home from them);
    its other stops are planned again on the vehicles still available."""
    fixed = fixed_routes(case, options)
    out = set(options.unavailable)
    if not out:
        return Fleet(case, fixed, {}, {})
    known = {f"{vt.id}#{k}" for vt in case.vehicle_types for k in range(1, vt.count + 1)}
    unknown = sorted(out - known)
    if unknown:
        msg = f"unavailable: unknown vehicle {unknown[0]!r} (known: {', '.join(sorted(known))})"
        raise ValueError(msg)
    kept = {r.vehicle_id: _finished_part(r) for r in fixed if r.vehicle_id in out}
    docs = {r["vehicle_id"]: r for r in options.fixed_routes}
    names: dict[str, str] = {}
    types: dict[str, str] = {}
    fleet = []
    for vt in case.vehicle_types:
        available = [k for k in range(1, vt.count + 1) if f"{vt.id}#{k}" not in out]
        fleet.append(replace(vt, count=len(available)))
        names.update({f"{vt.id}#{i}": f"{vt.id}#{k}" for i, k in enumerate(available, start=1)})
        for k in range(1, vt.count + 1):
            vid = f"{vt.id}#{k}"
            if kept.get(vid):
                type_id = f"{vt.id}-out{k}"
                end = _home_by(case, vt, docs[vid], kept[vid])
                fleet.append(replace(vt, id=type_id, count=1, shift=replace(vt.shift, end=max(end, vt.shift.start))))
                names[f"{type_id}#1"], types[type_id] = vid, vt.id
    back = {v: k for k, v in names.items()}
    new_fixed = tuple(replace(r, vehicle_id=back[r.vehicle_id], stops=kept.get(r.vehicle_id, r.stops))
                      for r in fixed if r.vehicle_id not in out or kept.get(r.vehicle_id))
    return Fleet(case.replace(vehicle_types=tuple(fleet)), new_fixed, names, types)


def _finished_part(route: Any) -> tuple[Any, ...]:
    """The stops done (with a time) of lots both picked up and delivered among them."""
    done = [s for s in route.stops if s.time is not None]
    delivered = {s.lot_id for s in done if s.kind == "delivery"}
    return tuple(s for s in done if s.lot_id in delivered)


def _home_by(case: Case, vt: Any, doc: dict[str, Any], kept: tuple[Any, ...]) -> int:
    """When the vehicle is home from the last of ``kept`` (as the plan timed it), plus a margin."""
    from planner.domain.units import parse_datetime, to_seconds
    from planner.travel import GreatCircleProvider

    last = kept[-1]
    stop = next(s for s in doc["stops"] if s["kind"] == last.kind and last.lot_id in s["lot_ids"])
    left = to_seconds(parse_datetime(stop["departure"], case.settings.timezone), case.settings.epoch)
    travel = GreatCircleProvider.from_settings(case.settings.travel)
    here, home = case.site_by_id[stop["site"]].location, case.site_by_id[vt.end_site].location
    return left + int(travel.matrix([here], [home], vt.profile).seconds[0, 0]) + OUT_MARGIN_S


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
