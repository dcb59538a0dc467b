"""The pickup benchmark set: real pickup days, each with a reference solution.

Instances (each built deterministically here, none copied from ../shared):
- ``luc-ngan``: the embedded peak day (data/luc-ngan, 240 lots);
- ``gen-500``, ``gen-1000``, ``gen-2000``: generated Luc Ngan days with their
  own seeds, fleet and packing-house intake scaled with the lots;
- ``luc-ngan-house-down``: the embedded day with its busiest packing house
  closed (its vehicles re-homed to the nearest other house);
- every other case folder under data/ (the hand-written second regions).

For each instance, backend, time limit and seed it records the plan's cost:
the one objective of planner/routing/costs.py (vehicles' fixed, km and hours
cost plus the shelf life the lots consumed plus what the lots unloaded
after the pre-cooling target lose, ``RoutingResult.day_cost``), its parts, km, lots unassigned, wall and CPU
seconds, how far past its limit the solve ran, and the independent checker's
violations. The reference of an instance is the best plan any run has found
(fewest lots unassigned, then lowest cost, 0 violations), stored with the
code version that found it in ``benchmarks/results/pickup_set_reference.json``
and replaced whenever a run finds better. The table reports the gap to it and
the spread (max - min over min) across seeds.

Each solve plans the day as the default does: whole, or by catchments on
this machine's cores when the day is large for its limit
(``RoutingParams.by_catchments``; before 2026-12-06 every day above 300 lots
was planned by catchments, so the generated days' earlier rows and
references are by catchments).

Each solve takes ``--lock`` (default /work/bench.lock, one timing run at a
time on the shared machine) for its own duration only, and records the load
average before and after it.

Usage (one solve at a time; the machine is shared):
    nice -n 10 .venv/bin/python benchmarks/pickup_set.py run --limits 10 30 60 --seeds 1 2 3 4 5
    .venv/bin/python benchmarks/pickup_set.py reference --limit 1200 --seeds 1 2 3
    .venv/bin/python benchmarks/pickup_set.py table
Add ``--instances luc-ngan gen-500`` or ``--backends ortools hybrid`` to narrow a run.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import faulthandler
import fcntl
import json
import math
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from planner.casegen.luc_ngan import generate_case
from planner.domain import Case, SiteKind
from planner.io import read_case
from planner.routing import RoutingParams, check_result, route_pickups

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
RUNS = RESULTS / "pickup_set.json"
REFERENCE = RESULTS / "pickup_set_reference.json"
TABLE = RESULTS / "pickup_set.md"
NOTES = RESULTS / "pickup_set.notes.md"  # the findings, appended to the table
BACKENDS = ("insertion", "ortools", "hybrid", "pyvrp")  # insertion: the default (no search model)
OBJECTIVE = "left-out priced"
"""The objective the runs' day cost measures, tagged in their instance name
so that rows of different objectives are never ranked together: "target
priced" (cad7ead to 7b00ff2): vehicles, shelf life and the pre-cooling
target's loss; "left-out priced" (from 0be0d0e): the same plus every lot left
out at the unassigned penalty plus its value (``RoutingResult.left_out_cost``),
ranked by cost alone (before, fewest lots out first, since the day's cost did
not charge them)."""
PRICED_LEFT_OUT = ("left-out priced",)
LATE_TRACE_S = 1.0  # a solve this long past its limit dumps its threads' stacks (faulthandler)
GENERATED = {"gen-500": (500, 501), "gen-1000": (1000, 1001), "gen-2000": (2000, 2001)}


def _scaled_day(n_lots: int, seed: int) -> Case:
    """A generated day of ``n_lots`` with fleet, intake and cold stores scaled
    like the lots (before 2026-12-02 13:40 the cold stores were not: 50 t at
    each house bounded gen-1000 and gen-2000, about 420 and 555 lots out)."""
    scale = n_lots / 240
    case = generate_case(seed=seed, n_lots=n_lots, n_farms=round(180 * scale), n_orders=200,
                         fleet_scale=scale)
    return case.replace(sites=tuple(
        dataclasses.replace(s, intake_kg_per_hour=s.intake_kg_per_hour and s.intake_kg_per_hour * scale,
                            cold_storage_kg=s.cold_storage_kg and s.cold_storage_kg * scale)
        for s in case.sites))


def _house_down(case: Case) -> Case:
    """``case`` without its busiest packing house (most intake per hour), its lanes
    dropped and its vehicles re-homed to the nearest other house."""
    houses = case.sites_of(SiteKind.PACKING_HOUSE)
    down = max(houses, key=lambda s: (s.intake_kg_per_hour or math.inf, s.id))
    others = [h for h in houses if h.id != down.id]

    def nearest(site_id: str) -> str:
        if site_id != down.id:
            return site_id
        return min(others, key=lambda h: (h.location.lat - down.location.lat) ** 2
                   + (h.location.lon - down.location.lon) ** 2).id

    fleet = tuple(dataclasses.replace(vt, home=nearest(vt.home), end=nearest(vt.end) if vt.end else "")
                  for vt in case.vehicle_types)
    lanes = tuple(lane for lane in case.lanes if down.id not in (lane.origin, lane.destination))
    drivers = tuple(dataclasses.replace(d, home=nearest(d.home)) if d.home else d
                    for d in getattr(case, "drivers", ()))
    extra = {"drivers": drivers} if drivers else {}
    return case.replace(sites=tuple(s for s in case.sites if s.id != down.id), vehicle_types=fleet,
                        lanes=lanes, **extra)


def instances() -> dict[str, Callable[[], Case]]:
    """Every instance of the set, by name, built on demand."""
    embedded = ROOT / "data" / "luc-ngan"
    found: dict[str, Callable[[], Case]] = {"luc-ngan": lambda: read_case(embedded)}
    for name, (n, seed) in GENERATED.items():
        found[name] = lambda n=n, seed=seed: _scaled_day(n, seed)  # type: ignore[misc]
    found["luc-ngan-house-down"] = lambda: _house_down(read_case(embedded))
    for folder in sorted((ROOT / "data").iterdir()):
        if folder.is_dir() and folder != embedded and (folder / "settings.toml").exists():
            found[folder.name] = lambda folder=folder: read_case(folder)  # type: ignore[misc]
    return found


def code_version() -> str:
    """The git version of the code, or BENCH_CODE_VERSION for a copy outside git
    (a `git archive` snapshot run while the working tree changes)."""
    if os.environ.get("BENCH_CODE_VERSION"):
        return os.environ["BENCH_CODE_VERSION"]
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@contextlib.contextmanager
def _locked(path: str | None) -> Iterator[None]:
    if not path:
        yield
        return
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu_s() -> float:
    """CPU seconds of this process and of its ended child processes (the
    catchments' local workers, from 25a57a3 on)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def solve(name: str, case: Case, backend: str, limit: float, seed: int, *, lock: str | None = None
          ) -> dict[str, Any]:
    params = RoutingParams(time_limit_s=limit, backend=backend)  # (by catchments as the default decides)
    with _locked(lock):
        load_before = _load()
        cpu, wall = _cpu_s(), time.perf_counter()
        # a solve still running LATE_TRACE_S past its limit writes every thread's stack to stderr (from
        # faulthandler's own thread: also while the solve is in compiled code); three rows of 2026-12-07 and
        # 12-08 ran 8.7-12.3 s past their limits and left no trace of where
        faulthandler.dump_traceback_later(limit + LATE_TRACE_S, repeat=False)
        try:
            result = route_pickups(case, params=params, seed=seed)
        finally:
            faulthandler.cancel_dump_traceback_later()
        wall, cpu = time.perf_counter() - wall, _cpu_s() - cpu
        load_after = _load()
    problems = check_result(case, result)
    row = {
        "instance": f"{name} ({OBJECTIVE})", "lots": len(case.lots), "backend": backend, "time_limit_s": limit,
        "seed": seed, "cost": round(result.day_cost), "vehicle_cost": round(result.total_cost),
        "shelf_life_cost": round(result.shelf_life_cost), "km": round(result.total_km, 1),
        "precool_late_cost": round(result.precool_late_cost), "left_out_cost": round(result.left_out_cost),
        "precool_late_kg": round(result.stats.get("precool_late_kg", 0.0)),
        "unassigned": len(result.unassigned), "kg_unassigned": round(result.kg_unassigned),
        "routes": len(result.routes), "seconds": round(wall, 2), "cpu_s": round(cpu, 2),
        "overrun_s": round(max(0.0, wall - limit), 2), "violations": len(problems),
        "steps": int(result.stats.get("improve_steps", 0)),  # (the exact search's: how fast the machine went)
        "recombined": round(result.stats.get("improve_recombined", 0.0)),  # (what recombining the routes saved)
        "version": code_version(), "load_before": load_before, "load_after": load_after,
    }
    print(json.dumps(row), flush=True)
    return row


def _rank(row: dict[str, Any]) -> tuple[int, float]:
    """Cost alone where it prices the lots left out, else fewest lots out first."""
    priced = any(f"({tag})" in row["instance"] for tag in PRICED_LEFT_OUT)
    return (0 if priced else row["unassigned"], row["cost"])


def _better(row: dict[str, Any], ref: dict[str, Any] | None) -> bool:
    if row["violations"]:
        return False
    return ref is None or _rank(row) < _rank({**ref, "instance": row["instance"]})


def _read(path: Path, default: Any) -> Any:
    return json.loads(path.read_text()) if path.exists() else default


def record(rows: list[dict[str, Any]]) -> None:
    """Append ``rows`` to the runs file and promote any better plan to reference
    (under a lock of its own: runs of two processes may end at once)."""
    with _locked(str(RUNS.with_suffix(".lock"))):
        _record(rows)


def _record(rows: list[dict[str, Any]]) -> None:
    runs = _read(RUNS, [])
    runs.extend(rows)
    RUNS.write_text(json.dumps(runs, indent=1))
    refs = _read(REFERENCE, {})
    for row in rows:
        if _better(row, refs.get(row["instance"])):
            refs[row["instance"]] = {k: row[k] for k in (
                "cost", "unassigned", "km", "backend", "seed", "time_limit_s", "version")}
            refs[row["instance"]]["found"] = time.strftime("%Y-%m-%d")
    REFERENCE.write_text(json.dumps(refs, indent=1, sort_keys=True))


def _gap(row: dict[str, Any], ref: dict[str, Any] | None) -> str:
    if ref is None:
        return "no ref"
    if _rank(row)[0] != _rank({**ref, "instance": row["instance"]})[0]:
        return f"{row['unassigned'] - ref['unassigned']:+d} lots"
    return f"{100 * (row['cost'] - ref['cost']) / ref['cost']:.2f} %"


def _loads(rows: list[dict[str, Any]]) -> str:
    loads = [float(r[k].split()[0]) for r in rows for k in ("load_before", "load_after") if k in r]
    return f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-"


def _steps(rows: list[dict[str, Any]]) -> str:
    """The exact search's steps, mean over the rows that recorded them (from
    2026-12-07): the same code takes fewer on a slower or busier machine."""
    steps = [r["steps"] for r in rows if "steps" in r]
    return f"{statistics.mean(steps):,.0f}" if steps else "-"


def table() -> str:
    """The markdown table: per instance, backend and limit, over the seeds run."""
    runs, refs = _read(RUNS, []), _read(REFERENCE, {})
    latest: dict[tuple[str, str, float, int], dict[str, Any]] = {}
    for row in runs:  # the newest run of each (instance, backend, limit, seed)
        latest[(row["instance"], row["backend"], row["time_limit_s"], row["seed"])] = row
    groups: dict[tuple[str, str, float], list[dict[str, Any]]] = {}
    for (inst, backend, limit, _), row in sorted(latest.items()):
        groups.setdefault((inst, backend, limit), []).append(row)
    lines = ["| instance | lots | backend | limit s | seeds | best cost VND | mean cost VND | "
             "gap of best | gap of worst | seed spread | unassigned (max) | violations | "
             "max overrun s | CPU s (mean) | steps (mean) | load (1 min) |", "|" + "---|" * 16]
    for (inst, backend, limit), rows in groups.items():
        ref = refs.get(inst)
        costs = [r["cost"] for r in rows]
        best = min(rows, key=_rank)
        worst = max(rows, key=_rank)
        spread = f"{100 * (max(costs) - min(costs)) / min(costs):.2f} %" if min(costs) else "-"
        lines.append(
            f"| {inst} | {rows[0]['lots']} | {backend} | {limit:g} | {len(rows)} | {best['cost']:,} | "
            f"{statistics.mean(costs):,.0f} | {_gap(best, ref)} | {_gap(worst, ref)} | {spread} | "
            f"{max(r['unassigned'] for r in rows)} | {sum(r['violations'] for r in rows)} | "
            f"{max(r['overrun_s'] for r in rows):.2f} | {statistics.mean(r['cpu_s'] for r in rows):.1f} | "
            f"{_steps(rows)} | {_loads(rows)} |")
    lines += ["", "References (best plan found by any run, 0 violations):", "",
              "| instance | cost VND | unassigned | km | backend | seed | limit s | version | found |",
              "|---|---|---|---|---|---|---|---|---|"]
    for inst, ref in sorted(refs.items()):
        lines.append(f"| {inst} | {ref['cost']:,} | {ref['unassigned']} | {ref['km']:,} | "
                     f"{ref['backend']} | {ref['seed']} | {ref['time_limit_s']:g} | {ref['version']} | "
                     f"{ref['found']} |")
    notes = NOTES.read_text() if NOTES.exists() else ""
    return "\n".join(lines) + "\n" + ("\n" + notes if notes else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["run", "reference", "table"])
    ap.add_argument("--instances", nargs="*", default=None)
    ap.add_argument("--backends", nargs="*", default=["insertion"], choices=BACKENDS)
    ap.add_argument("--limits", type=float, nargs="*", default=[10.0, 30.0, 60.0])
    ap.add_argument("--limit", type=float, default=1200.0, help="reference runs: seconds each")
    ap.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    ap.add_argument("--lock", default="/work/bench.lock", help="file locked during each solve ('' for none)")
    args = ap.parse_args()
    if args.mode != "table":
        known = instances()
        names = args.instances or list(known)
        unknown = sorted(set(names) - set(known))
        if unknown:
            ap.error(f"unknown instance(s) {unknown}; known: {sorted(known)}")
        limits = [args.limit] if args.mode == "reference" else args.limits
        for name in names:
            case = known[name]()
            for backend in args.backends:
                for limit in limits:
                    for seed in args.seeds:
                        record([solve(name, case, backend, limit, seed, lock=args.lock)])
    TABLE.write_text(table())
    print(TABLE.read_text())


if __name__ == "__main__":
    main()
