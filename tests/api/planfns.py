"""Small real plan functions for the job machinery tests: they read the
case they are given and return a plan.json document (valid against the
engine's schema), with progress reports and a pace set by the time limit.
The engine's own plan_day is exercised by the end-to-end test."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from typing import Any

from api.engine import PlanOptions, PlanOutput, Progress
from planner.domain import Case, SiteKind
from planner.domain.units import DAY, HOUR, to_datetime


def _iso(case: Case, t: int) -> str:
    s = case.settings
    return to_datetime(t, s.epoch, s.timezone).isoformat(timespec="minutes")


def _routes(case: Case) -> list[dict[str, Any]]:
    vt = case.vehicle_types[0]
    packing = case.sites_of(SiteKind.PACKING_HOUSE)[0]
    routes = []
    for n, lot in enumerate(case.lots):
        ph = case.site_by_id[lot.packing_houses[0]] if lot.packing_houses else packing
        legs = [(vt.home, "start", lot.ready, []), (lot.farm, "pickup", lot.ready, [lot.id]),
                (ph.id, "delivery", lot.ready + HOUR, [lot.id]), (vt.home, "end", lot.ready + 2 * HOUR, [])]
        stops = [{"site": site, "kind": kind, "lat": case.site_by_id[site].location.lat,
                  "lon": case.site_by_id[site].location.lon, "arrival": _iso(case, t), "departure": _iso(case, t),
                  "waiting_s": 0, "load_kg": lot.kg if kind == "pickup" else 0.0, "lot_ids": lots}
                 for site, kind, t, lots in legs]
        routes.append({"vehicle_id": f"{vt.id}#{n + 1}", "vehicle_type": vt.id, "temperature": vt.temperature.value,
                       "profile": vt.profile, "distance_m": 10_000, "duration_s": 2 * HOUR, "cost": 1000.0,
                       "stops": stops})
    return routes


def _shipments(case: Case) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_lane: dict[str, list[Any]] = defaultdict(list)
    for order in case.orders:
        lane = next((ln for ln in case.lanes if ln.partner == order.partner), case.lanes[0])
        by_lane[lane.id].append(order)
    lanes = {ln.id: ln for ln in case.lanes}
    shipments, served = [], []
    for n, (lane_id, orders) in enumerate(sorted(by_lane.items())):
        lane = lanes[lane_id]
        departure = 12 * HOUR
        kg = sum(o.kg for o in orders)
        sid = f"S{n + 1}"
        shipments.append({
            "id": sid, "lane_id": lane.id, "mode": lane.mode.value, "partner": lane.partner,
            "origin": lane.origin, "destination": lane.destination, "departure": _iso(case, departure),
            "arrival": _iso(case, departure + lane.transit_s), "temperature_c": lane.temperature_c,
            "units": [{"index": 0, "kg": kg, "boxes": sum(o.boxes for o in orders), "fill": min(1.0, kg / lane.unit_kg)}],
            "manifest": [{"order_id": o.id, "kg": o.kg, "boxes": o.boxes, "unit": 0, "supply_id": "",
                          "shelf_life_left_days": 10.0} for o in orders],
            "treatments": [], "cost": lane.cost_per_unit,
        })
        served += [{"order_id": o.id, "partner": lane.partner, "delivered": _iso(case, departure + lane.transit_s),
                    "on_time": True, "shelf_life_left_days": 10.0, "shipments": [sid]} for o in orders]
    return shipments, served


def tiny_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """One route per lot, one shipment per lane used; ``time_limit_s / 20`` seconds of work."""
    steps = 5
    for i in range(steps):
        progress(i / steps, f"step {i + 1} of {steps}")
        time.sleep(options.time_limit_s / 20 / steps)
    routes = _routes(case)
    shipments, served = _shipments(case)
    kg = sum(o.kg for o in case.orders)
    kpis = {"orders_total": len(case.orders), "orders_served": len(served), "orders_on_time_rate": 1.0,
            "kg_ordered": kg, "kg_served": kg, "kg_unserved": 0.0, "kg_unserved_by_reason": {}, "kg_at_risk": 0.0,
            "shelf_life_left_days_by_market": {}, "cost_total": 0.0, "cost_per_kg": 0.0, "cost_per_kg_by_mode": {},
            "vehicle_fill": 0.5, "unit_fill": 0.5, "km": 10.0 * len(routes), "co2e_kg": 0.0, "co2e_kg_by_mode": {},
            "lots_total": len(case.lots), "lots_routed": len(routes)}
    s = case.settings
    document = {
        "schema_version": "1.0", "seed": options.seed,
        "case": {"name": s.name, "epoch": _iso(case, 0), "timezone": s.timezone, "currency": s.currency},
        "params": {"time_limit_s": options.time_limit_s, "fixed": [r["vehicle_id"] for r in options.fixed_routes]},
        "summary": kpis, "routes": routes, "shipments": shipments, "orders": served,
        "deliveries": [{"lot_id": lot.id, "packing_house": r["stops"][2]["site"], "vehicle_id": r["vehicle_id"],
                        "picked_up": r["stops"][1]["arrival"], "delivered": r["stops"][2]["arrival"],
                        "shelf_life_left_days": 20.0} for lot, r in zip(case.lots, routes, strict=True)],
        "unassigned_lots": [], "unserved_orders": [],
    }
    progress(1.0, "done")
    return PlanOutput(document=document, kpis=kpis, summary=f"{len(routes)} routes, {len(shipments)} shipments",
                      report_html=f"<!doctype html><title>{s.name}</title><h1>{len(routes)} routes</h1>")


def quick_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """tiny_plan in a tenth of a second whatever the time limit asked."""
    from dataclasses import replace

    return tiny_plan(case, options=replace(options, time_limit_s=2), progress=progress)


def waiting_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """quick_plan whose first route waits at its farm: the pickup starts 30 min after arrival
    (``service_after``, a planned wait such as a free intake slot)."""
    output = quick_plan(case, options=options, progress=progress)
    pickup = output.document["routes"][0]["stops"][1]
    pickup["service_after"] = _iso(case, case.lots[0].ready + HOUR // 2)
    return output


def failing_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """Fails like the engine does on an impossible request."""
    from planner.exceptions import InfeasibleError

    progress(0.1, "starting")
    raise InfeasibleError(f"no vehicle can reach any farm of {case.settings.name}")


def slow_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """tiny_plan after a pause of PLANNER_TEST_PLAN_PAUSE_S seconds (the crash test kills the server in it)."""
    pause = float(os.environ.get("PLANNER_TEST_PLAN_PAUSE_S", "0"))
    end = time.monotonic() + pause
    while time.monotonic() < end:
        progress(0.05, "pausing")
        time.sleep(0.1)
    return tiny_plan(case, options=options, progress=progress)


def hungry_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """Grows memory 50 MB at a time without end, as the plan of a year-9999 deadline did."""
    progress(0.1, "growing")
    kept = []
    while True:
        kept.append(bytearray(50 * 1024 * 1024))
        progress(0.1, f"{len(kept) * 50} MB")


def busy_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """Computes without end and without reporting progress."""
    progress(0.1, "computing")
    n = 0
    while True:
        n = (n * 31 + 7) % 1_000_003


def crashing_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """Fails with an exception whose text must not reach the caller."""
    raise RuntimeError("(sqlite3.OperationalError) no such column: plan_jobs.secret [SQL: SELECT * FROM api_keys]")


def walking_plan(case: Case, *, options: PlanOptions, progress: Progress) -> PlanOutput:
    """The engine's walks (planner.routing.walks) as a job's search runs them: as many
    as the engine would run here (``options.cores`` where the process may fork, else
    one), each writing its pid into PLANNER_TEST_PID_DIR and holding its core
    PLANNER_TEST_WALK_S seconds; the walks run and the pid in ``extra``."""
    from pathlib import Path

    from planner.routing.deadline import Deadline
    from planner.routing.improve import Improved
    from planner.routing.parallel import can_fork, local_workers
    from planner.routing.walks import walks

    folder = Path(os.environ["PLANNER_TEST_PID_DIR"])
    hold = float(os.environ.get("PLANNER_TEST_WALK_S", "0"))

    def walk(routes: list[Any], end: Deadline, seed: int, phase: tuple[float, float], main: bool) -> Improved:
        (folder / f"{os.getpid()}.pid").write_text(str(seed))
        stop = time.monotonic() + hold
        while time.monotonic() < stop:
            time.sleep(0.05)
        return Improved([], float(seed), 1, 0)

    cores = local_workers(options.cores, 8) if can_fork() else 1
    progress(0.1, f"{cores} walks")
    done = walks(walk, [], workers=cores, deadline=Deadline.after(max(1.0, hold + 1)), seed=options.seed)
    output = quick_plan(case, options=options, progress=progress)
    return PlanOutput(output.document, output.kpis, extra={"walks": done.steps, "pid": os.getpid()})


__all__ = ["DAY", "busy_plan", "crashing_plan", "failing_plan", "hungry_plan", "slow_plan", "tiny_plan", "walking_plan"]
