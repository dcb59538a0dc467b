"""The OR-Tools adapter of the class model (MathOpt, SCIP or HiGHS).

Why a MIP solver and not CP-SAT: the model is a flow problem with continuous
kg on (class, itinerary, pool) options and a few hundred integer unit counts
per departure; its LP relaxation is strong, and a MIP solver proves the
relative gap from that relaxation. SCIP is the default (its primal heuristics find a good
plan within a second on the livestream day, where HiGHS needed over ten);
HiGHS is the alternative backend. Both are deterministic for a seed.

Variables: ``x[o]`` kg of option o; ``u[c]`` kg of class c unserved;
``n[d]`` integer units opened on departure d; ``f[d]`` its freight cost;
``s[p,k]`` stock of pool p after its k-th cut-off.
Constraints: class demand ``sum x + u = kg``; departure kg and boxes within
``n[d]`` units; ``f[d] >= cost_per_unit n + cost_per_kg kg`` and
``f[d] >= min_charge n`` (exact for loads balanced over the units);
treatment kg per facility and day; supply released over time per pool.
Objective: freight + handling + treatment (+ a FEFO tie-break) + the
unserved penalty per kg of each class.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta

from ortools.math_opt.python import mathopt
from ortools.util.python.solve_interrupter import SolveInterrupter

from ..domain import Lane
from ..exceptions import SolverError
from .params import ConsolidationParams
from .problem import ClassProblem
from .stderr_filter import filtered_stderr

_SOLVERS = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP}
# The model always has a solution (everything unserved), so these mean a solver fault.
_BROKEN = {mathopt.TerminationReason.INFEASIBLE, mathopt.TerminationReason.UNBOUNDED,
           mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED, mathopt.TerminationReason.NUMERICAL_ERROR,
           mathopt.TerminationReason.OTHER_ERROR}
Key = tuple[str, int]
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ClassSolution:
    flow: dict[int, float]  # option index -> kg
    units: dict[Key, int]  # departure -> units opened
    unserved_kg: dict[int, float]  # class index -> kg
    objective: float
    bound: float
    status: str
    seconds: float
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Proven relative gap of the whole objective (penalties included)."""
        if math.isinf(self.objective):
            return 1.0
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))

    @property
    def cost_gap(self) -> float:
        """The same absolute gap relative to the objective without the
        unserved penalties (what freight could still be saved, at most)."""
        if math.isinf(self.objective):
            return 1.0
        paid = self.objective - self.stats.get("model_penalty", 0)
        if paid <= 0:
            return 0.0 if self.objective == self.bound else math.inf
        return max(0.0, (self.objective - self.bound) / paid)


@dataclass
class _Vars:
    x: list[mathopt.Variable]
    u: dict[int, mathopt.Variable]
    n: dict[Key, mathopt.Variable]
    f: dict[Key, mathopt.Variable]


class _Watch:
    """Reports progress during the search from a watcher thread and stops
    the solver (its own interrupter) when ``progress`` raises, e.g. for a
    cancelled job; the exception is re-raised once the solver returned.
    SCIP stops within about three seconds (it checks the interrupt between
    nodes and rounds); HiGHS through MathOpt ignores it and runs to its time
    or node limit. OR-Tools 9.15's SCIP event handler, which both the
    interrupter and MathOpt's callbacks install, prints two harmless
    ``SCIPcatchEvent`` error lines on stderr, so it is installed only when a
    progress callback is given, and those two lines are filtered out
    (``stderr_filter``)."""

    def __init__(self, params: ConsolidationParams, progress: Progress | None) -> None:
        self.params, self.progress = params, progress
        self.interrupter = SolveInterrupter()
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Watch:
        if self.progress is not None:
            self._thread = threading.Thread(target=self._run, name="class-model-watch", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        assert self.progress is not None
        started = time.perf_counter()
        while not self._done.wait(0.25):
            fraction = min((time.perf_counter() - started) / self.params.time_limit_s, 1.0)
            try:
                self.progress(fraction, "class model: searching")
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self.error = exc
                self.interrupter.interrupt()
                return


def solve_class_model(problem: ClassProblem, *, params: ConsolidationParams,
                      seed: int, progress: Progress | None = None) -> ClassSolution:
    """Solve the class model; ``progress`` is called during the search and
    may raise to stop it (the exception propagates once the solver stopped)."""
    start = time.perf_counter()
    if not problem.classes:
        return ClassSolution({}, {}, {}, 0.0, 0.0, "empty", 0.0)
    model = mathopt.Model(name="consolidation")
    v = _variables(model, problem)
    _demand(model, problem, v)
    _departures(model, problem, v)
    _treatment(model, problem, v)
    _supply(model, problem, v)
    _objective(model, problem, v)
    quiet = filtered_stderr() if progress is not None else nullcontext()
    with quiet, _Watch(params, progress) as watch:
        result = mathopt.solve(model, _SOLVERS[params.solver], interrupter=watch.interrupter
                               if progress is not None else None,
                               params=mathopt.SolveParameters(
            time_limit=timedelta(seconds=params.time_limit_s),
            relative_gap_tolerance=params.relative_gap, node_limit=params.node_limit,
            random_seed=seed, enable_output=params.enable_output,
            threads=1 if params.solver == "scip" else None,
        ))
    if result.termination.reason in _BROKEN:
        msg = f"class model: {result.termination.reason.name} ({result.termination.detail})"
        raise SolverError(msg)
    if not result.has_primal_feasible_solution():
        # no plan within the limits: leave everything to the repair step
        unserved = {c.index: c.kg for c in problem.classes}
        dual = result.termination.objective_bounds.dual_bound  # the relaxation may be proven
        return ClassSolution({}, {}, unserved, math.inf, dual if math.isfinite(dual) else -math.inf,
                             result.termination.reason.name.lower(), time.perf_counter() - start)
    return _read(result, problem, v, time.perf_counter() - start, model)


def _variables(model: mathopt.Model, problem: ClassProblem) -> _Vars:
    x = [model.add_variable(lb=0.0, ub=min(problem.classes[o.cls].kg, problem.pools[o.pool].kg),
                            name=f"x{k}") for k, o in enumerate(problem.options)]
    u = {c.index: model.add_variable(lb=0.0, ub=c.kg, name=f"u{c.index}") for c in problem.classes}
    used = {problem.itineraries[o.itin].legs[j].key
            for o in problem.options for j in range(len(problem.itineraries[o.itin].legs))}
    lanes = problem.departures()
    n = {d: model.add_integer_variable(lb=0, ub=lanes[d].units_per_departure, name=f"n{d}")
         for d in sorted(used)}
    f = {d: model.add_variable(lb=0.0, name=f"f{d}") for d in sorted(used)}
    return _Vars(x, u, n, f)


def _demand(model: mathopt.Model, problem: ClassProblem, v: _Vars) -> None:
    terms: dict[int, list[mathopt.Variable]] = defaultdict(list)
    for k, o in enumerate(problem.options):
        terms[o.cls].append(v.x[k])
    for c in problem.classes:
        model.add_linear_constraint(mathopt.fast_sum(terms[c.index]) + v.u[c.index] == c.kg)


def _departures(model: mathopt.Model, problem: ClassProblem, v: _Vars) -> None:
    kg: dict[Key, list[mathopt.Variable]] = defaultdict(list)
    boxes: dict[Key, list[mathopt.LinearTerm]] = defaultdict(list)
    for k, o in enumerate(problem.options):
        ratio = problem.classes[o.cls].boxes_per_kg
        for leg in problem.itineraries[o.itin].legs:
            kg[leg.key].append(v.x[k])
            boxes[leg.key].append(mathopt.LinearTerm(v.x[k], ratio))
    lanes = problem.departures()
    _linking(model, problem, v)
    _lane_totals(model, v, lanes)
    for d, n in v.n.items():
        lane: Lane = lanes[d]
        load = mathopt.fast_sum(kg[d])
        model.add_linear_constraint(load <= lane.unit_kg * n)
        if lane.unit_boxes > 0:
            model.add_linear_constraint(mathopt.fast_sum(boxes[d]) <= lane.unit_boxes * n)
        model.add_linear_constraint(v.f[d] >= lane.cost_per_unit * n + lane.cost_per_kg * load)
        if lane.min_charge > 0:
            model.add_linear_constraint(v.f[d] >= lane.min_charge * n)


def _lane_totals(model: mathopt.Model, v: _Vars, lanes: dict[Key, Lane]) -> None:
    """An integer total of units per lane: branching on it breaks the
    symmetry between interchangeable departures of the same lane."""
    by_lane: dict[str, list[mathopt.Variable]] = defaultdict(list)
    for d, n in v.n.items():
        by_lane[d[0]].append(n)
    for lane_id, ns in sorted(by_lane.items()):
        if len(ns) > 1:
            total = model.add_integer_variable(lb=0, name=f"N{lane_id}")
            model.add_linear_constraint(total == mathopt.fast_sum(ns))


def _linking(model: mathopt.Model, problem: ClassProblem, v: _Vars) -> None:
    """Strong linking: a class never puts more than its own kg (or a unit)
    per unit opened on a departure (the fixed-charge network-design cut)."""
    terms: dict[tuple[int, Key], list[mathopt.Variable]] = defaultdict(list)
    for k, o in enumerate(problem.options):
        for leg in problem.itineraries[o.itin].legs:
            terms[(o.cls, leg.key)].append(v.x[k])
    lanes = problem.departures()
    for (c, d), xs in sorted(terms.items()):
        cap = min(problem.classes[c].kg, lanes[d].unit_kg)
        model.add_linear_constraint(mathopt.fast_sum(xs) <= cap * v.n[d])


def _treatment(model: mathopt.Model, problem: ClassProblem, v: _Vars) -> None:
    terms: dict[tuple[str, int], list[mathopt.Variable]] = defaultdict(list)
    for k, o in enumerate(problem.options):
        visit = problem.itineraries[o.itin].treatment
        if visit is not None:
            terms[(visit.facility, visit.day)].append(v.x[k])
    for (facility, _day), xs in sorted(terms.items()):
        model.add_linear_constraint(mathopt.fast_sum(xs) <= problem.treatment_capacity[facility])


def _supply(model: mathopt.Model, problem: ClassProblem, v: _Vars) -> None:
    """Stock of each pool after each cut-off stays >= 0 (flows leaving by a
    cut-off only use supply available by then)."""
    out: dict[int, dict[int, list[mathopt.Variable]]] = defaultdict(lambda: defaultdict(list))
    for k, o in enumerate(problem.options):
        out[o.pool][problem.itineraries[o.itin].first.cutoff].append(v.x[k])
    for p_index, by_cutoff in sorted(out.items()):
        pool = problem.pools[p_index]
        released = 0.0
        stock: mathopt.LinearExpression | float = 0.0
        for t in sorted(by_cutoff):
            now = pool.available_by(t)
            s = model.add_variable(lb=0.0, name=f"s{p_index}_{t}")
            model.add_linear_constraint(s == stock + (now - released) - mathopt.fast_sum(by_cutoff[t]))
            stock, released = s, now


def _objective(model: mathopt.Model, problem: ClassProblem, v: _Vars) -> None:
    terms = [mathopt.LinearTerm(v.x[k], o.cost_per_kg) for k, o in enumerate(problem.options)]
    terms += [mathopt.LinearTerm(v.u[c.index], c.penalty_per_kg) for c in problem.classes]
    model.minimize(mathopt.fast_sum(terms) + mathopt.fast_sum(v.f.values()))


def _read(result: mathopt.SolveResult, problem: ClassProblem, v: _Vars, seconds: float,
          model: mathopt.Model) -> ClassSolution:
    xs = result.variable_values(v.x)
    flow = {k: val for k, val in enumerate(xs) if val > 1e-6}
    units = {d: round(val) for d, val in zip(v.n, result.variable_values(list(v.n.values())),
                                             strict=True) if round(val) > 0}
    unserved = {c: val for c, val in zip(v.u, result.variable_values(list(v.u.values())),
                                         strict=True) if val > 1e-6}
    bounds = result.termination.objective_bounds
    bound = bounds.dual_bound if math.isfinite(bounds.dual_bound) else -math.inf
    penalty = sum(kg * problem.classes[c].penalty_per_kg for c, kg in unserved.items())
    stats = {"model_penalty": round(penalty), "variables": len(list(model.variables())),
             "constraints": len(list(model.linear_constraints())),
             "integer_variables": len(v.n), "options": len(problem.options)}
    return ClassSolution(flow, units, unserved, result.objective_value(), bound,
                         result.termination.reason.name.lower(), seconds, stats)
