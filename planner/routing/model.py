"""The OR-Tools adapter of the pickup problem: builds the routing model from a
:class:`~.network.Network` and reads the solution back as node sequences.

Mapping: lots are pickup-and-delivery pairs whose delivery has one alternative
node per allowed packing house (a pickup-and-delivery *set*); capacity
dimensions ``kg`` and ``boxes``; a ``time`` dimension with one transit callback
per vehicle profile (travel plus service), shifts as start/end windows, lot
pickup windows and packing-house opening hours as cumul domains; costs per km
and per driving hour as arc costs per vehicle type plus fixed costs; optional
lots through disjunctions penalised by value; freshness as one linear
constraint per (lot, delivery alternative) whose riding rate is an element of
the carrying vehicle (see :mod:`.freshness`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ortools.constraint_solver import pywrapcp

from ..domain import HarvestLot, TemperatureClass
from ..domain.units import DAY
from ..domain.windows import TimeWindow
from ..freshness import model_for
from .costs import (
    SEARCH_UNITS,
    arc_costs,
    downgrade_losses_per_kg,
    shelf_values_per_kg_day,
    span_cost_per_s,
)
from .deadline import Deadline
from .freshness import FreshnessTable, LotBounds, vehicle_rate
from .hint_budget import HintBudget
from .network import Network, Vehicle, lot_boxes, metres_matrix, transit_matrix
from .params import RoutingParams
from .search import search_parameters
from .stopping import SearchStopper

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ModelInput:
    """Everything one solve needs besides the network, frozen: a repair
    round's bans make a new input (:meth:`refused`), so the input a solve
    was given is the input it keeps (before, the rounds added their bans to
    one shared input, which every earlier solve's model then saw changed)."""

    lots: Sequence[HarvestLot]
    bounds: Mapping[str, LotBounds | None]
    mandatory: frozenset[str] = frozenset()
    banned: frozenset[str] = frozenset()
    intake_bans: Mapping[tuple[str, str], tuple[tuple[int, int], ...]] = field(default_factory=dict)
    intake_pins: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    house_bans: frozenset[tuple[str, str]] = frozenset()  # (lot, packing house) not allowed
    fixed: Mapping[int, Sequence[tuple[int, int | None]]] = field(default_factory=dict)
    now: int = 0
    enforce_freshness: bool = True
    sunk: frozenset[str] = frozenset()  # lots whose lateness the search no longer prices (engine._triage)

    def refused(self, *, lots: Iterable[str] = (), houses: Iterable[tuple[str, str]] = (),
                slots: Iterable[tuple[tuple[str, str], tuple[int, int]]] = (),
                pins: Mapping[tuple[str, str], tuple[int, int]] | None = None) -> ModelInput:
        """This input plus a repair round's refusals: ``lots`` out of the
        next solve, (lot, packing house) pairs not allowed, intake ``slots``
        forbidden per (lot, packing house), and ``pins`` (a lot kept in its
        intake slot); this input is not changed."""
        bans = {key: tuple(v) for key, v in self.intake_bans.items()}
        for key, slot in slots:
            bans[key] = (*bans.get(key, ()), slot)
        return replace(self, banned=self.banned | frozenset(lots), house_bans=self.house_bans | frozenset(houses),
                       intake_bans=bans, intake_pins={**self.intake_pins, **(pins or {})})


@dataclass(frozen=True)
class Late:
    """The search's charge for one lot's lateness: ``slope`` solver integers
    per second its unloading is past ``after`` or, when ``pickup_by`` is set
    (a lot only cool vehicles carry), its pickup past ``pickup_by`` (engine
    seconds); ``carriers`` the vehicles that can take the lot (their mean
    riding rate prices its ride)."""

    after: int
    slope: float
    carriers: list[Vehicle]
    pickup_by: int | None = None


@dataclass
class Solved:
    """Per vehicle, the visited nodes with their service start times."""

    routes: list[list[tuple[int, int]]]
    starts: list[int]
    ends: list[int]
    objective: int
    time_to_first_s: float | None


class PickupModel:
    def __init__(self, net: Network, data: ModelInput, params: RoutingParams,
                 table: FreshnessTable) -> None:
        self.net, self.data, self.params, self.table = net, data, params, table
        n_vehicles = len(net.vehicles)
        self.manager = pywrapcp.RoutingIndexManager(len(net.nodes), n_vehicles, net.starts, net.ends)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.transits = {p: transit_matrix(net, p) for p in sorted({v.type.profile for v in net.vehicles})}
        self.unit = params.cost_scale * SEARCH_UNITS  # solver integers per currency unit
        self._costs()
        self._time()
        self._shelf_life()
        self._working_rules()
        self._balance()
        self._capacities()
        self._pairs()
        if data.enforce_freshness:
            self._freshness()
        self._fixed()

    # -- helpers -------------------------------------------------------------
    def idx(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    # -- model parts ----------------------------------------------------------
    def _costs(self) -> None:
        """The objective of :mod:`.costs`: fixed cost per used vehicle, km on
        arcs, hours on the span (set in ``_time``, waiting included)."""
        net, scale = self.net, self.unit
        by_rate: dict[tuple[str, float], int] = {}
        for v, vehicle in enumerate(net.vehicles):
            vt = vehicle.type
            key = (vt.profile, vt.cost_per_km)
            if key not in by_rate:
                cost = arc_costs(vt, metres_matrix(net, vt.profile), scale=scale)
                by_rate[key] = self.routing.RegisterTransitMatrix(cost.tolist())
            self.routing.SetArcCostEvaluatorOfVehicle(by_rate[key], v)
            self.routing.SetFixedCostOfVehicle(round(vt.fixed_cost * scale), v)

    def _time(self) -> None:
        net, case = self.net, self.net.case
        horizon = case.settings.horizon_s
        by_profile = {p: self.routing.RegisterTransitMatrix(m.tolist()) for p, m in self.transits.items()}
        evaluators = [by_profile[v.type.profile] for v in net.vehicles]
        self.routing.AddDimensionWithVehicleTransits(evaluators, horizon, horizon, False, "time")
        self.time = self.routing.GetDimensionOrDie("time")
        fixed_vehicles = set(self.data.fixed)
        for v, vehicle in enumerate(net.vehicles):
            self.time.SetSpanCostCoefficientForVehicle(span_cost_per_s(vehicle.type, scale=self.unit), v)
            shift = vehicle.type.shift
            lo = shift.start if v in fixed_vehicles else max(shift.start, self.data.now)
            self.time.CumulVar(self.routing.Start(v)).SetRange(lo, max(lo, shift.end))
            self.time.CumulVar(self.routing.End(v)).SetRange(lo, max(lo, shift.end))
        done = {n for stops in self.data.fixed.values() for n, t in stops if t is not None}
        for lot in self.data.lots:
            p = net.pickup[lot.id]
            if p in done:  # what happened stands (its time is set in _fixed)
                continue
            box = self.data.bounds[lot.id] if self.data.enforce_freshness else None
            hi = min(lot.latest_pickup, box.p_hi if box else lot.latest_pickup)
            lo = max(lot.ready, self.data.now)
            self._window(p, [TimeWindow(lo, hi)] if lo <= hi else [])
        # deliveries happen before the last shift ends: clip opening hours to
        # [ready, that end] (usually one window, no holes in the cumul domain)
        last = min(horizon, max((v.type.shift.end for v in net.vehicles), default=horizon))
        for lot in self.data.lots:
            box = self.data.bounds[lot.id] if self.data.enforce_freshness else None
            end = min(last, box.deadline) if box else last
            for ph, d in net.delivery[lot.id].items():
                if (lot.id, ph) in self.data.house_bans:
                    self._window(d, [])
                    continue
                site = case.site_by_id[ph]
                windows = list(site.opening) or [TimeWindow(0, horizon)]
                windows = [TimeWindow(max(w.start, lot.ready), min(w.end, end))
                           for w in windows if w.end >= lot.ready and w.start <= end]
                pin = self.data.intake_pins.get((lot.id, ph))
                if pin is not None:
                    windows = [TimeWindow(max(w.start, pin[0]), min(w.end, pin[1]))
                               for w in windows if w.end >= pin[0] and w.start <= pin[1]]
                self._window(d, windows, self.data.intake_bans.get((lot.id, ph), ()))

    def _balance(self) -> None:
        """Fair shares: a dimension counting what each vehicle collects (kg
        or lots) whose global span (the busiest vehicle's count, since every
        vehicle starts at 0) costs ``balance_cost`` per unit."""
        params, net = self.params, self.net
        if params.balance == "none" or params.balance_cost <= 0:
            return
        counts = [0] * len(net.nodes)
        for lot in self.data.lots:
            counts[net.pickup[lot.id]] = math.ceil(lot.kg - 1e-9) if params.balance == "kg" else 1
        callback = self.routing.RegisterUnaryTransitVector(counts)
        self.routing.AddDimension(callback, 0, sum(counts) + 1, True, "balance")
        self.routing.GetDimensionOrDie("balance").SetGlobalSpanCostCoefficient(
            round(params.balance_cost * self.unit))

    def _working_rules(self) -> None:
        """A vehicle type's longest working day bounds its span; its break
        rule (a break of ``break_s`` at least every ``break_after_s``) is
        OR-Tools' break distance-duration over optional break intervals. A
        break the search places shows as waiting of at least ``break_s``
        before a stop (the re-timer holds the stop at the search's time)."""
        net, solver = self.net, self.routing.solver()
        visits: list[int] | None = None
        for v, vehicle in enumerate(net.vehicles):
            vt = vehicle.type
            if vt.max_work_s is not None:
                self.time.SetSpanUpperBoundForVehicle(vt.max_work_s, v)
            if vt.break_after_s is None:
                continue
            if visits is None:
                visits = [0] * self.routing.Size()
                for index in range(self.routing.Size()):
                    node = net.nodes[self.manager.IndexToNode(index)]
                    visits[index] = node.lot.service_s if node.kind == "pickup" and node.lot else 0
            span = min(vt.shift.end - vt.shift.start, vt.max_work_s or vt.shift.end - vt.shift.start)
            breaks = [solver.FixedDurationIntervalVar(vt.shift.start, max(vt.shift.start, vt.shift.end - vt.break_s),
                                                      vt.break_s, True, f"break {vehicle.id} {k}")
                      for k in range(span // (vt.break_after_s + vt.break_s) + 1)]
            self.time.SetBreakIntervalsOfVehicle(breaks, v, visits)
            self.time.SetBreakDistanceDurationOfVehicle(vt.break_after_s, vt.break_s, v)

    def _shelf_life(self) -> None:
        """Shelf life consumed and lateness against the pre-cooling target, as
        the model allows: OR-Tools has one soft upper bound (a linear cost
        past a time) per cumul var, so each lot gets one on its pickup and
        one on each delivery alternative. Rates are those of the ready hour:
        ``ambient`` in the orchard, ``riding`` the mean of the vehicles that
        can carry the lot (a node's cost cannot depend on the vehicle).

        A lot with no lateness to price (it cannot be on time on any
        vehicle, so its loss is sunk; a plan found it late beyond the ramp,
        ``sunk``; or it loses nothing): shelf life alone,
        ``(ambient - riding) * (pickup - ready) + riding * (delivery - ready)``.

        A lot that can be on time (:meth:`_lateness`): the exact cost of
        lateness is a step, its kg times its loss per kg once unloaded after
        the target; the model charges ``slope = loss / late_ramp_s`` per
        second past the instant it becomes late. For a lot an ambient vehicle
        can carry that is its unloading past ``after``, the instant ambient
        air spends the target's budget (exact for an ambient vehicle):
        ``ambient * (pickup - ready) + (riding + slope) * max(0, delivery -
        after)``. A lot only cool vehicles carry spends little riding, so
        its pickup decides: past ``pickup_by`` (the latest pickup from which
        the warmest of them, driving direct plus ``ride_allowance_s``, is on
        time): ``(ambient - riding + slope) * max(0, pickup - pickup_by) +
        riding * (delivery - ready)``. What the search's cost then misses
        against the exact one: the ride's shelf life before ``after``
        (ambient-carried lots; at most the target's budget's worth; the
        driver's hours still count) or the orchard wait's before
        ``pickup_by`` at ambient minus riding (cool-carried lots); for a lot
        delivered late, the riding rate per second a later pickup saves;
        that a lot ridden cool is late later than ``after`` says, or a long
        cool ride makes a lot late that ``pickup_by`` calls on time; and that
        the step stops growing: a lot late by more than the ramp is charged
        more than it loses (:meth:`_pairs` raises its drop penalty by that
        excess, so leaving it out never looks cheaper against delivering it
        late than in the exact cost).

        With a break rule in the fleet no pickup carries a cost: OR-Tools'
        timing of routes with breaks (CP-SAT) then rejected every plan of
        the vehicle (ortools 9.15; a soft bound above about 100 a second on
        a pickup, tests/routing/test_working_rules.py), and GLOP's timing
        does not keep the breaks. Deliveries carry it all, from ready on (a
        bound at ``after`` left a lot's unloading free until then, and the
        search put breaks into drives the re-timer turns into a wait at the
        next stop, too late for the break rule): ``ambient * (delivery -
        ready)`` (exact on an ambient vehicle, dearer on a cool one), plus,
        for a lot that can be on time, its loss spread from ready to
        ``after + late_ramp_s`` (the whole loss at the end of the ramp).

        The exact figures are what the result reports (:mod:`.costs`)."""
        case, vehicles = self.net.case, self.net.vehicles
        per_day = shelf_values_per_kg_day(case)
        weight = self.params.shelf_life_weight
        self.late = self._lateness()
        breaks = any(v.type.break_after_s is not None for v in vehicles)
        for lot in self.data.lots:
            rate = model_for(case.product_by_id[lot.product]).rate
            per_s = per_day[lot.product] / DAY * lot.kg * weight * self.unit
            ambient = float(rate(case.settings.ambient_at(lot.ready)))
            late = self.late.get(lot.id)
            carriers = late.carriers if late else vehicles
            riding = sum(float(rate(case.temperature_of(v.type, lot.ready))) for v in carriers) / len(carriers)
            pickup = self.idx(self.net.pickup[lot.id])
            deliveries = [self.idx(d) for d in self.net.delivery[lot.id].values()]
            if breaks:
                ramp = 0.0 if late is None else late.slope * self.params.late_ramp_s / (
                    late.after - lot.ready + self.params.late_ramp_s)
                for d in deliveries:
                    self.time.SetCumulVarSoftUpperBound(d, lot.ready, round(per_s * ambient + ramp))
            elif late is None and weight > 0:
                self.time.SetCumulVarSoftUpperBound(pickup, lot.ready, round(per_s * max(0.0, ambient - riding)))
                for d in deliveries:
                    self.time.SetCumulVarSoftUpperBound(d, lot.ready, round(per_s * riding))
            elif late is not None and late.pickup_by is not None:
                self.time.SetCumulVarSoftUpperBound(pickup, late.pickup_by,
                                                    round(per_s * max(0.0, ambient - riding) + late.slope))
                for d in deliveries:
                    self.time.SetCumulVarSoftUpperBound(d, lot.ready, round(per_s * riding))
            elif late is not None:
                self.time.SetCumulVarSoftUpperBound(pickup, lot.ready, round(per_s * ambient))
                for d in deliveries:
                    self.time.SetCumulVarSoftUpperBound(d, late.after, round(per_s * riding + late.slope))

    def _lateness(self) -> dict[str, Late]:
        return self.lateness(self.net, self.table, self.data, self.params)

    @staticmethod
    def lateness(net: Network, table: FreshnessTable, data: ModelInput, params: RoutingParams) -> dict[str, Late]:
        """Per lot that can still be on time, is not ``sunk`` and loses
        something when late: where and from when the search charges
        lateness (see :meth:`_shelf_life`), in solver integers per second."""
        case, unit = net.case, params.cost_scale * SEARCH_UNITS
        loss = downgrade_losses_per_kg(case)
        out: dict[str, Late] = {}
        if params.precool_late_weight <= 0:
            return out
        first_of_type: dict[str, int] = {}
        for v, vehicle in enumerate(net.vehicles):
            first_of_type.setdefault(vehicle.type.id, v)
        for lot in data.lots:
            if lot.id in data.sunk:
                continue
            money = loss[lot.product] * lot.kg * params.precool_late_weight
            box = data.bounds.get(lot.id) if data.enforce_freshness else None
            boxes = lot_boxes(case, lot)
            able = [v for v in first_of_type.values()
                    if net.vehicles[v].type.capacity_kg >= lot.kg
                    and (not net.vehicles[v].type.capacity_boxes or net.vehicles[v].type.capacity_boxes >= boxes)
                    and (box is None or box.vehicle_types is None or net.vehicles[v].type.id in box.vehicle_types)]
            if money <= 0 or not able:
                continue
            target = case.product_by_id[lot.product].precool_target_budget_s
            ambient = table.ambient(lot.product)
            houses = list(net.delivery[lot.id].values())
            on_time = False
            for v in able:
                vt = net.vehicles[v].type
                direct = min(net.transit(vt.profile, net.pickup[lot.id], d) for d in houses)
                earliest = max(lot.ready, data.now, vt.shift.start + net.transit(vt.profile, 2 * v,
                                                                                      net.pickup[lot.id]))
                spent = ambient.between(lot.ready, earliest) + table.riding(lot.product, vt).between(
                    earliest, earliest + direct)
                on_time = on_time or spent <= target
            if not on_time:
                continue
            carriers = [w for w in net.vehicles if w.type.id in {net.vehicles[v].type.id for v in able}]
            slope = money * unit / params.late_ramp_s
            if any(net.vehicles[v].type.temperature is TemperatureClass.AMBIENT for v in able):
                out[lot.id] = Late(ambient.until(lot.ready, target), slope, carriers)
                continue
            rides = []
            for v in able:
                vt = net.vehicles[v].type
                direct = min(net.transit(vt.profile, net.pickup[lot.id], d) for d in houses)
                rides.append((vehicle_rate(table, lot.product, vt) * (direct + params.ride_allowance_s), direct))
            ride, direct = max(rides)  # the warmest carrier's ride, picked up as late as stays on time
            by = ambient.until(lot.ready, max(0.0, target - ride))
            out[lot.id] = Late(by + direct, slope, carriers, pickup_by=max(lot.ready, by))
        return out

    def _window(self, node: int, windows: list[TimeWindow],
                holes: Sequence[tuple[int, int]] | None = None) -> None:
        index = self.idx(node)
        if not windows:
            self.routing.ActiveVar(index).SetValue(0)
            return
        var = self.time.CumulVar(index)
        var.SetRange(windows[0].start, windows[-1].end)
        for w1, w2 in zip(windows, windows[1:], strict=False):
            if w2.start > w1.end + 1:
                var.RemoveInterval(w1.end + 1, w2.start - 1)
        for lo, hi in holes or []:
            var.RemoveInterval(lo, hi)

    def _capacities(self) -> None:
        net = self.net
        kg = [0] * len(net.nodes)
        boxes = [0] * len(net.nodes)
        for lot in self.data.lots:
            q, b = math.ceil(lot.kg - 1e-9), lot_boxes(net.case, lot)
            kg[net.pickup[lot.id]], boxes[net.pickup[lot.id]] = q, b
            for d in net.delivery[lot.id].values():
                kg[d], boxes[d] = -q, -b
        big = sum(b for b in boxes if b > 0) + 1
        caps_kg = [math.floor(v.type.capacity_kg + 1e-9) for v in net.vehicles]
        caps_boxes = [v.type.capacity_boxes or big for v in net.vehicles]
        for name, demand, caps in (("kg", kg, caps_kg), ("boxes", boxes, caps_boxes)):
            cb = self.routing.RegisterUnaryTransitVector(demand)
            self.routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, name)

    def _pairs(self) -> None:
        net = self.net
        planned = {lot.id for lot in self.data.lots}
        for lot_id, p in net.pickup.items():  # lots left out before the search
            if lot_id not in planned:
                for node in (p, *net.delivery[lot_id].values()):
                    self.routing.ActiveVar(self.idx(node)).SetValue(0)
        for lot in self.data.lots:
            p = self.idx(net.pickup[lot.id])
            deliveries = [self.idx(d) for d in net.delivery[lot.id].values()]
            penalty = round((self.params.unassigned_penalty + self.params.value_weight * lot.value)
                            * self.unit) + self._late_excess(lot)
            solver = self.routing.solver()
            if len(deliveries) == 1:  # the classic pair: one disjunction holding both
                d = deliveries[0]
                self.routing.AddPickupAndDelivery(p, d)
                if lot.id not in self.data.mandatory:
                    self.routing.AddDisjunction([p, d], penalty, 2)
                solver.Add(self.routing.ActiveVar(p) == self.routing.ActiveVar(d))
                solver.Add(self.routing.VehicleVar(p) == self.routing.VehicleVar(d))
            else:
                if lot.id in self.data.mandatory:
                    pd = self.routing.AddDisjunction([p])
                    dd = self.routing.AddDisjunction(deliveries)
                else:
                    pd = self.routing.AddDisjunction([p], penalty)
                    dd = self.routing.AddDisjunction(deliveries, 0, 1)
                self.routing.AddPickupAndDeliverySets(pd, dd)
                solver.Add(self.routing.ActiveVar(p) == solver.Sum([self.routing.ActiveVar(d) for d in deliveries]))
            if lot.id in self.data.banned:
                self.routing.ActiveVar(p).SetValue(0)

    def _late_excess(self, lot: HarvestLot) -> int:
        """How much more than the lot's loss the search's lateness charge can
        reach by the latest delivery the model allows (solver integers): the
        drop penalty's raise that keeps leaving the lot out no cheaper,
        against delivering it late, than in the exact cost."""
        late = self.late.get(lot.id)
        if late is None:
            return 0
        box = self.data.bounds.get(lot.id) if self.data.enforce_freshness else None
        if late.pickup_by is not None:
            latest = min(lot.latest_pickup, box.p_hi) if box else lot.latest_pickup
            over = latest - late.pickup_by
        else:
            last = max((v.type.shift.end for v in self.net.vehicles), default=late.after)
            over = (min(last, box.deadline) if box else last) - late.after
        return max(0, round(late.slope * (over - self.params.late_ramp_s)))

    def _freshness(self) -> None:
        """Lots only a cool vehicle can save ride only cool vehicles (their
        windows are set in ``_time``; see :mod:`.freshness`)."""
        net = self.net
        for lot in self.data.lots:
            box = self.data.bounds[lot.id]
            if box is None or box.vehicle_types is None:
                continue
            allowed = [-1] + [v for v, veh in enumerate(net.vehicles) if veh.type.id in box.vehicle_types]
            for node in (net.pickup[lot.id], *net.delivery[lot.id].values()):
                self.routing.VehicleVar(self.idx(node)).SetValues(allowed)

    def _fixed(self) -> None:
        solver = self.routing.solver()
        for v, stops in self.data.fixed.items():
            previous = self.routing.Start(v)
            for node, done_at in stops:
                index = self.idx(node)
                self.routing.VehicleVar(index).SetValues([-1, v])  # (SetAllowedVehiclesForIndex has no Python binding)
                solver.Add(self.routing.NextVar(previous) == index)
                if done_at is not None:
                    self.time.CumulVar(index).SetMin(done_at)
                previous = index

    # -- solve ----------------------------------------------------------------
    def solve(self, *, deadline: Deadline, seed: int, progress: Progress | None,
              hint: list[list[int]] | None = None, label: str = "",
              first_solution: str | None = None, soft: Deadline | None = None) -> Solved | None:
        """The best plan found by ``deadline`` (closing the model and reading
        the hint count against it), or None. ``first_solution`` overrides the
        params' first-plan strategy for this solve (a fast start, :mod:`.engine`).
        ``soft``: an earlier deadline that ends the search once it has a
        plan (the search runs on to ``deadline`` for its first one)."""
        if first_solution is not None and first_solution != self.params.first_solution:
            self.params = self.params.replace(first_solution=first_solution)
        self.routing.solver().ReSeed(seed)
        started = time.perf_counter()
        time_limit_s = max(deadline.left(), 1e-3)
        first: list[float] = []
        stopper = SearchStopper(self.routing, progress)

        def on_solution() -> None:
            elapsed = time.perf_counter() - started
            if not first:
                first.append(elapsed)
            stopper.report(min(elapsed / time_limit_s, 1.0),
                           f"{label}solution cost {self.routing.CostVar().Value() / self.unit:,.0f}")

        self.routing.AddAtSolutionCallback(on_solution)
        if soft is not None:
            self.routing.AddSearchMonitor(self.routing.solver().CustomLimit(lambda: bool(first) and soft.expired()))
        try:
            budget = HintBudget(self.routing) if hint else None  # before closing: monitors are fixed then
            self.routing.CloseModelWithParameters(search_parameters(self.params, time_limit_s=time_limit_s))
            solution = None
            initial = self._initial(hint, deadline, budget) if hint and budget else None
            if initial is not None:  # the limit covers closing the model and reading the hint
                solution = self.routing.SolveFromAssignmentWithParameters(initial, self._left(deadline))
                stopper.raise_if_stopped()
            if solution is None and not deadline.expired():  # no hint, or none found from it: what is left
                solution = self.routing.SolveWithParameters(self._left(deadline))
            stopper.raise_if_stopped()
            if solution is None:
                return None
            return self._decode(solution, first[0] if first else None)
        finally:
            self._release(stopper)

    def _release(self, stopper: SearchStopper) -> None:
        """Drop this model's OR-Tools objects (a model solves once). The
        routing model holds Python callbacks (the at-solution callback, the
        stopper's and the hint budget's limits) that hold the model back: a
        cycle through C++ that the garbage collector cannot see, which kept
        about 200 MiB per catchment of 280 lots alive in a Dask worker
        (15,000 lots: a worker at 10 GB, restarted by its nanny). A
        progress callback's error, raised by now, is dropped too: its
        traceback's frames hold the routing model."""
        stopper.routing, stopper.error = None, None
        self.time = None
        self.routing = None  # the last reference: the C++ model and its callbacks go
        self.manager = None

    def _left(self, deadline: Deadline) -> pywrapcp.RoutingSearchParameters:
        """Search parameters with what is left until ``deadline``."""
        return search_parameters(self.params, time_limit_s=max(deadline.left(), 1e-3))

    def _initial(self, hint: list[list[int]], deadline: Deadline,
                 budget: HintBudget) -> pywrapcp.Assignment | None:
        """The hinted routes as a start (reading them bounded by ``budget``,
        :mod:`.hint_budget`; a start it cannot afford is no start)."""
        budget.arm()
        try:
            return self._read_hint(hint, deadline, budget)
        finally:
            budget.disarm()

    def _read_hint(self, hint: list[list[int]], deadline: Deadline,
                   budget: HintBudget) -> pywrapcp.Assignment | None:
        """The hinted routes as a start, keeping what this model accepts: the
        whole hint if it is feasible here, else route by route, and in a
        route that is not, its lots one by one (pickup and delivery
        together, in the hinted order) as long as the route stays feasible;
        a lot the model rejects is left for the search. Once ``deadline``
        passes, what is kept so far is the start; once the budget is spent,
        there is none (the search starts from scratch)."""
        routes = [[self.idx(n) for n in r] for r in hint]
        initial = self.routing.ReadAssignmentFromRoutes(routes, True)
        if initial is not None:
            return initial
        kept: list[list[int]] = [[] for _ in routes]
        for v, route in enumerate(routes):
            if deadline.expired() or budget.exhausted:
                break
            kept[v] = route
            if self.routing.ReadAssignmentFromRoutes(kept, True) is not None:
                continue
            kept[v] = []
            lots: dict[str, list[int]] = {}
            for n in hint[v]:
                lot = self.net.nodes[n].lot
                assert lot is not None
                lots.setdefault(lot.id, []).append(n)
            accepted: set[int] = set()
            for nodes in lots.values():
                if deadline.expired() or budget.exhausted:
                    break
                kept[v] = [self.idx(n) for n in hint[v] if n in accepted or n in nodes]
                if self.routing.ReadAssignmentFromRoutes(kept, True) is not None:
                    accepted.update(nodes)
            kept[v] = [self.idx(n) for n in hint[v] if n in accepted]
        if budget.exhausted:
            return None
        return self.routing.ReadAssignmentFromRoutes(kept, True)

    def _decode(self, solution: pywrapcp.Assignment, first: float | None) -> Solved:
        routes, starts, ends = [], [], []
        for v in range(len(self.net.vehicles)):
            index = solution.Value(self.routing.NextVar(self.routing.Start(v)))
            starts.append(solution.Min(self.time.CumulVar(self.routing.Start(v))))
            visits = []
            while not self.routing.IsEnd(index):
                visits.append((self.manager.IndexToNode(index), solution.Min(self.time.CumulVar(index))))
                index = solution.Value(self.routing.NextVar(index))
            ends.append(solution.Min(self.time.CumulVar(index)))
            routes.append(visits)
        return Solved(routes, starts, ends, solution.ObjectiveValue(), first)
