"""Soak test of the plan_day guarantee: the embedded case and the hand-written
second region, planned at 1, 3, 10 and 30 s with several seeds while another
process keeps a CPU busy, each plan checked by today's ``planner check``
(``check_plan``).

"before" plans come from a checkout of the commit this work started from
(``--before DIR``, e.g. ``git worktree add /tmp/before 24dd2e5``), imported
through PYTHONPATH in a subprocess; "after" plans from the tree this script
runs with (this checkout, or what PYTHONPATH names). Both are
judged by this tree's checker. For "after" it also counts what the plan's own
checkers found before the repair (violations the solvers left) and how many
lots and orders the repair took out.

Writes benchmarks/results/plan_soak.md (a table per case and time limit) and
benchmarks/results/plan_soak.json.

Run: nice -n 10 .venv/bin/python benchmarks/plan_soak.py [--before /tmp/before]
[--limits 1 3 10 30] [--seeds 1 2 3] [--cases data/luc-ngan data/son-la] [--no-load]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def worker(case_dir: str, limit: float, seed: int, out: str) -> None:
    """Plan one case with whatever ``planner`` is importable; write plan.json and facts."""
    from planner import read_case
    from planner.assembly import PlanParams, plan_day

    facts: dict[str, object] = {"pre_repair": None}
    try:  # this tree: count what the checkers found before the repair
        from planner.assembly import guarantee

        real = guarantee.violations_of
        rounds: list[int] = []

        def spy(plan, **kw):  # type: ignore[no-untyped-def]
            found = real(plan, **kw)
            rounds.append(len(found))
            return found

        guarantee.violations_of = spy  # type: ignore[assignment]
    except ImportError:
        rounds = []
    case = read_case(case_dir)
    started = time.perf_counter()
    try:
        plan = plan_day(case, PlanParams(time_limit_s=limit), seed=seed)
    except Exception as exc:  # noqa: BLE001 - a refused plan is a result of the soak
        facts.update(error=f"{type(exc).__name__}: {exc}"[:500], seconds=time.perf_counter() - started)
        Path(out, "facts.json").write_text(json.dumps(facts))
        return
    facts["seconds"] = time.perf_counter() - started
    doc = plan.to_json()
    Path(out, "plan.json").write_text(json.dumps(doc))
    facts["pre_repair"] = rounds[0] if rounds else None
    facts["plan_check"] = doc["summary"].get("plan_check")
    facts["orders_served"] = len(doc["orders"])
    facts["lots_routed"] = len(doc["deliveries"])
    facts["cost_total"] = doc["summary"].get("cost_total")
    Path(out, "facts.json").write_text(json.dumps(facts))


def run_one(case_dir: str, limit: float, seed: int, pythonpath: str | None) -> dict[str, object]:
    from planner import read_case
    from planner.assembly.check import check_plan

    # 'before' plans the case as it was in the old checkout when it has it (case files
    # gained keys the old reader refuses); today's reader and checker judge both
    case_path = ROOT / case_dir
    if pythonpath and (Path(pythonpath) / case_dir).is_dir():
        case_path = Path(pythonpath) / case_dir
    with tempfile.TemporaryDirectory(prefix="soak-") as out:
        env = dict(os.environ)
        if pythonpath:  # 'before': the old checkout; 'after': as this process (this tree)
            env["PYTHONPATH"] = pythonpath
        cmd = [sys.executable, __file__, "--worker", str(case_path), str(limit), str(seed), out]
        done = subprocess.run(cmd, env=env, cwd=ROOT, check=False, capture_output=True, text=True, timeout=3600)
        if done.returncode:
            return {"error": done.stderr.strip().splitlines()[-1][:500] if done.stderr.strip() else "failed",
                    "seconds": 0.0}
        facts = json.loads(Path(out, "facts.json").read_text())
        plan_path = Path(out, "plan.json")
        if plan_path.exists():
            report = check_plan(read_case(case_path), json.loads(plan_path.read_text()))
            facts["violations"] = len(report.violations)
            facts["examples"] = report.violations[:3]
        return facts


def busy_loop() -> subprocess.Popen[bytes]:
    """A competing process that keeps one CPU busy."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=4, metavar=("CASE", "LIMIT", "SEED", "OUT"))
    ap.add_argument("--before", help="checkout of the commit before this work (PYTHONPATH for 'before' plans)")
    ap.add_argument("--cases", nargs="+", default=["data/luc-ngan", "data/son-la"])
    ap.add_argument("--limits", nargs="+", type=float, default=[1, 3, 10, 30])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--no-load", action="store_true", help="no competing busy process")
    ap.add_argument("--out", default=str(RESULTS / "plan_soak"))
    ap.add_argument("--reuse", help="a previous run's JSON: its rows are kept, not planned again")
    ap.add_argument("--before-seeds", nargs="+", type=int, help="seeds planned 'before' (default: all)")
    args = ap.parse_args()
    if args.worker:
        case_dir, limit, seed, out = args.worker
        worker(case_dir, float(limit), int(seed), out)
        return
    load = None if args.no_load else busy_loop()
    rows: list[dict[str, object]] = []
    kept = json.loads(Path(args.reuse).read_text()) if args.reuse else []
    old = {(r["case"], r["limit_s"], r["seed"], r["side"]): r for r in kept}
    try:
        for case_dir in args.cases:
            for limit in args.limits:
                for seed in args.seeds:
                    for side, path in (("before", args.before), ("after", None)):
                        if (case_dir, limit, seed, side) in old:
                            rows.append(old[(case_dir, limit, seed, side)])
                            continue
                        if side == "before" and (not path or (args.before_seeds and seed not in args.before_seeds)):
                            continue
                        facts = run_one(case_dir, limit, seed, path)
                        rows.append({"case": case_dir, "limit_s": limit, "seed": seed, "side": side, **facts})
                        print(json.dumps(rows[-1])[:300], flush=True)
                        Path(args.out + ".json").write_text(json.dumps(rows, indent=1))  # so far
    finally:
        if load is not None:
            load.kill()
    Path(args.out + ".json").write_text(json.dumps(rows, indent=1))
    Path(args.out + ".md").write_text(table(rows, args, load is not None))
    print(Path(args.out + ".md").read_text())


def table(rows: list[dict[str, object]], args: argparse.Namespace, loaded: bool) -> str:
    lines = [
        "# plan_day soak: plans checked by `planner check`",
        "",
        f"Cases {', '.join(args.cases)}; time limits {', '.join(f'{x:g}' for x in args.limits)} s; seeds "
        f"{', '.join(map(str, args.seeds))}; {'a busy-loop process competing for the CPU' if loaded else 'no load'}; "
        f"2 shared cores, nice 10. Every plan is judged by this tree's checker (`check_plan`). "
        "*before*: the code at the start of this work; *after*: this tree, where plan_day runs the "
        "checkers and repairs before returning (*found by its checkers* counts what they found on the "
        "solvers' plan, *taken out* what the repair removed).",
        "",
        "| case | limit s | side | plans | refused | violations (total) | plans with any | found by its checkers "
        "| lots / orders taken out | orders served (mean) | seconds (mean) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case_dir in args.cases:
        for limit in args.limits:
            for side in ("before", "after"):
                rs = [r for r in rows if r["case"] == case_dir and r["limit_s"] == limit and r["side"] == side]
                if not rs:
                    continue
                made = [r for r in rs if "violations" in r]
                refused = len(rs) - len(made)
                total = sum(int(r["violations"]) for r in made)  # type: ignore[call-overload]
                anyv = sum(1 for r in made if r["violations"])
                pre = [r["pre_repair"] for r in made if r.get("pre_repair") is not None]
                out = [r["plan_check"] for r in made if r.get("plan_check")]
                taken = (f"{sum(o['lots_taken_out'] for o in out)} / {sum(o['orders_taken_out'] for o in out)}"  # type: ignore[index]
                         if out else "-")
                served = statistics.mean(float(r["orders_served"]) for r in made) if made else 0.0  # type: ignore[arg-type]
                secs = statistics.mean(float(r["seconds"]) for r in rs)  # type: ignore[arg-type]
                lines.append(f"| {Path(case_dir).name} | {limit:g} | {side} | {len(rs)} | {refused} | {total} | {anyv} | "
                             f"{sum(pre) if pre else '-'} | {taken} | {served:,.0f} | {secs:.1f} |")  # type: ignore[arg-type]
    examples = [f"- {r['case']} {r['limit_s']:g} s seed {r['seed']} {r['side']}: {e}"
                for r in rows for e in (r.get("examples") or [])[:1]][:12]
    errors = [f"- {r['case']} {r['limit_s']:g} s seed {r['seed']} {r['side']}: {r['error']}" for r in rows if r.get("error")]
    if examples:
        lines += ["", "Examples of violations found:", "", *examples]
    if errors:
        lines += ["", "Plans refused (no plan written):", "", *errors]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
