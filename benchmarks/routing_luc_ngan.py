"""Luc Ngan pickup routing: the embedded peak day and a scaled 2,000-lot day.

For each instance and time limit: seconds to the first solution, cost, km,
lots and kg routed, unassigned lots by reason, and the independent checker's
verdict; and the same instance solved without the freshness constraint,
counting the lots (and kg) that would reach the packing house after their
budget. One solve at a time (shared machine). Writes
benchmarks/results/routing_luc_ngan.json and .md. Usage:
    .venv/bin/python benchmarks/routing_luc_ngan.py [--limits 30 120] [--scaled-lots 2000]
The embedded day is solved whole (and once by catchment for comparison), the
scaled day by catchment (``RoutingParams.decompose``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections import Counter
from pathlib import Path

from planner.casegen.luc_ngan import generate_case
from planner.io import read_case
from planner.routing import RoutingParams, check_result, route_pickups

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "routing_luc_ngan"


def run(name: str, case, params: RoutingParams, seed: int) -> dict:  # type: ignore[no-untyped-def]
    cpu, wall = time.process_time(), time.perf_counter()
    result = route_pickups(case, params=params, seed=seed)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    problems = check_result(case, result)
    spoiled = [p for p in problems if "freshness budget exceeded" in p.message]
    kg = {lot.id: lot.kg for lot in case.lots}
    row = {
        "instance": name, "lots": len(case.lots), "kg": round(sum(kg.values())),
        "vehicles": sum(vt.count for vt in case.vehicle_types), "time_limit_s": params.time_limit_s,
        "backend": params.backend, "freshness": params.enforce_freshness, "decompose": params.decompose,
        "seconds": round(wall, 1), "cpu_s": round(cpu, 1),
        "time_to_first_s": None if result.time_to_first_s is None else round(result.time_to_first_s, 2),
        "cost": round(result.total_cost), "km": round(result.total_km, 1), "hours": round(result.total_hours, 1),
        "routed": len(result.deliveries), "kg_routed": round(result.kg_delivered),
        "unassigned": len(result.unassigned), "kg_unassigned": round(result.kg_unassigned),
        "reasons": dict(Counter(u.reason.value for u in result.unassigned)),
        "routes": len(result.routes), "trips": sum(r.trips for r in result.routes),
        "checker_violations": len(problems) - len(spoiled),
        "late_lots": len(spoiled), "late_kg": round(sum(kg[p.where] for p in spoiled)),
    }
    print(json.dumps(row), flush=True)
    return row


def markdown(rows: list[dict]) -> str:
    cols = ["instance", "lots", "vehicles", "backend", "time_limit_s", "freshness", "decompose", "time_to_first_s",
            "seconds", "cpu_s", "cost", "km", "routed", "kg_routed", "unassigned", "reasons",
            "late_lots", "late_kg", "checker_violations"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "ortools")) for c in cols) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limits", type=float, nargs="+", default=[30.0, 120.0])
    ap.add_argument("--scaled-lots", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--params", type=Path, default=None, help="RoutingParams TOML")
    ap.add_argument("--append", action="store_true", help="keep the rows already in the JSON")
    ap.add_argument("--skip-embedded", action="store_true")
    ap.add_argument("--skip-scaled", action="store_true")
    ap.add_argument("--backend", default="ortools", choices=["ortools", "pyvrp", "hybrid"])
    ap.add_argument("--no-extras", action="store_true", help="only the freshness runs at each limit")
    ap.add_argument("--fixed-intake", action="store_true",
                    help="keep the packing houses' intake of the embedded case on the scaled day")
    ap.add_argument("--out", type=Path, default=OUT, help="results path without suffix")
    args = ap.parse_args()
    base = RoutingParams.from_file(args.params) if args.params else RoutingParams()
    base = base.replace(backend=args.backend)
    instances = [("luc-ngan (embedded)", read_case(ROOT / "data" / "luc-ngan"), False)]
    if args.scaled_lots and not args.skip_scaled:
        scale = args.scaled_lots / len(instances[0][1].lots)
        scaled = generate_case(n_lots=args.scaled_lots, n_farms=round(180 * scale), n_orders=200,
                               fleet_scale=scale)
        label = f"luc-ngan scaled ({args.scaled_lots} lots, fleet x{scale:.1f}"
        if not args.fixed_intake:  # a district with 8x the fruit has 8x the packing lines
            scaled = scaled.replace(sites=tuple(
                dataclasses.replace(s, intake_kg_per_hour=s.intake_kg_per_hour * scale)
                if s.intake_kg_per_hour else s for s in scaled.sites))
            label += f", intake x{scale:.1f}"
        instances.append((label + ")", scaled, True))
    if args.skip_embedded:
        instances = instances[1:]
    rows = json.loads(args.out.with_suffix(".json").read_text())["results"] if args.append else []
    for name, case, decompose in instances:
        params = base.replace(decompose=decompose)
        for limit in args.limits:
            rows.append(run(name, case, params.replace(time_limit_s=limit), args.seed))
        if not args.no_extras:
            rows.append(run(name, case, params.replace(time_limit_s=args.limits[0], enforce_freshness=False),
                            args.seed))
            if not decompose:  # the catchment split on the same day, for comparison
                rows.append(run(name, case, params.replace(time_limit_s=args.limits[0], decompose=True),
                                args.seed))
        args.out.with_suffix(".json").write_text(json.dumps({"seed": args.seed, "results": rows}, indent=1))
    args.out.with_suffix(".md").write_text(markdown(rows))
    print(markdown(rows))


if __name__ == "__main__":
    main()
