"""Consolidation on a scaled harvest-peak day: 120,000 orders (ten times the
livestream day) and ten times the lots, from the same seeded generator.
Reports time and peak memory (target: under 5 minutes, under 4 GB), the
shipped plan's gap to the class model's proven bound and the outcome, and
writes benchmarks/results/consolidation_scaled.json. Usage:
    .venv/bin/python benchmarks/consolidation_scaled.py [--orders 120000] [--lots 2400]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from planner.casegen.luc_ngan import generate_case
from planner.consolidation import ConsolidationParams, check_result, consolidate, supplies_from_lots

OUT = Path(__file__).resolve().parent / "results" / "consolidation_scaled.json"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=120_000)
    ap.add_argument("--lots", type=int, default=2_400)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true", help="also run the independent checker")
    args = ap.parse_args()
    start = time.perf_counter()
    case = generate_case(n_orders=args.orders, n_lots=args.lots)
    supplies = supplies_from_lots(case)
    generated = time.perf_counter() - start
    mem_case = peak_mb()
    params = ConsolidationParams(time_limit_s=args.time_limit)
    start = time.perf_counter()
    result = consolidate(case, supplies, params=params, seed=args.seed)
    seconds = time.perf_counter() - start
    out = {
        "orders": len(case.orders), "lots": len(case.lots),
        "kg_ordered": round(sum(o.kg for o in case.orders)),
        "kg_supplied": round(sum(s.kg for s in supplies)),
        "generate_s": round(generated, 1), "consolidate_s": round(seconds, 1),
        "peak_rss_mb_after_generation": round(mem_case), "peak_rss_mb": round(peak_mb()),
        "cost": round(result.cost), "served": len(result.itineraries),
        "unserved": len(result.unserved), "unserved_by_reason": result.unserved_by_reason(),
        "units_by_mode": result.units_by_mode(), "average_fill": round(result.average_fill(), 4),
        "shipped_plan_gap": None if result.gap != result.gap else round(result.gap, 5),
        "model_gap": round(result.stats.get("model_gap", float("nan")), 5),
        "outcome": list(result.outcome), "bound_covers": result.bound_covers,
        "shelf_life_used_kg_days": round(result.shelf_life_used_kg_days),
        "stats": {k: v for k, v in result.stats.items() if isinstance(v, int | float)},
        "targets": {"time_under_5_min": seconds < 300, "memory_under_4_gb": peak_mb() < 4096},
    }
    if args.check:
        start = time.perf_counter()
        out["checker_problems"] = len(check_result(case, supplies, result, params=params))
        out["check_s"] = round(time.perf_counter() - start, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2))
    print(result.summary())
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
