"""Benchmark of the web page's edit round trip: move a lot, re-check, answer.

For the embedded case (data/luc-ngan: 240 lots, 12,000 orders) and a
2,000-lot day (the generator with --lots 2000, fleet and packing-house intake
scaled x8.3 as in the routing benchmark), each planned by the engine
(``planner.plan_day`` in a plan job, --time-limit / --scaled-time-limit; plan
once with --plan-only --work DIR, then time the moves from DIR under flock),
it starts the real server (uvicorn
on 127.0.0.1, the application ``planner serve`` runs) on a fresh database,
ingests the lots (a cooperative) and orders (a shop) through the API, plans
the day in a job, signs in through the page like a browser (session cookie,
CSRF token) and then makes random moves: a lot of a route to a random driver
and position (``POST /dispatch/plans/{id}/move``, the answer being the
violations in words), each followed by an undo. It times each round trip
over HTTP on loopback, and the plan page after a move. Prints a table and
writes benchmarks/results/web_edit.json. Usage (niced on a shared machine):
    nice -n 10 .venv/bin/python benchmarks/web_edit.py [--moves 60] [--time-limit 30] [--skip-scaled]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import uvicorn

from api import Settings, create_app
from api.auth import Role, create_key

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "data" / "luc-ngan"
COOP, SHOP = "coop-luc-ngan", "livestream-shop"
SCALE = 8.3


def scaled_case(folder: Path) -> Path:
    """The generator's day with 2,000 lots, the fleet and the packing houses' intake and cold stores
    scaled (as benchmarks/pickup_set.py: unscaled cold stores bound the day at ~555 lots out)."""
    subprocess.run([str(ROOT / ".venv" / "bin" / "planner"), "generate", "--out", str(folder), "--lots", "2000",
                    "--farms", "1500", "--fleet-scale", str(SCALE)], check=True, capture_output=True)
    sites = pd.read_csv(folder / "sites.csv", dtype=str, keep_default_na=False)
    houses = sites["kind"] == "packing_house"
    for column in ("intake_kg_per_hour", "cold_storage_kg"):
        sites.loc[houses, column] = [f"{float(x) * SCALE:.1f}" if x else x for x in sites.loc[houses, column]]
    sites.to_csv(folder / "sites.csv", index=False)
    return folder


def serve(app: Any) -> tuple[str, uvicorn.Server, threading.Thread]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def quantiles(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
    return {"n": len(xs), "median_ms": round(1000 * statistics.median(xs), 1), "p95_ms": round(1000 * p95, 1),
            "max_ms": round(1000 * xs[-1], 1)}


def _earlier_job(app: Any) -> str | None:
    """The newest plan job of a --work folder that is done or may still finish
    (a restarted server takes back the job a stopped run left running)."""
    from sqlalchemy import select

    from api.models import PlanJob

    with app.state.api.db.reader() as s:
        return s.scalar(select(PlanJob.id).where(PlanJob.status.in_(("succeeded", "queued", "running")),
                                                 PlanJob.org == COOP).order_by(PlanJob.created_at.desc()).limit(1))


def run_case(name: str, folder: Path, *, moves: int, time_limit: int, seed: int, work: Path | None,
             plan_only: bool = False) -> dict[str, Any]:
    tmp = work if work is not None else Path(tempfile.mkdtemp(prefix="web-edit-"))
    settings = Settings(data_dir=tmp, base_case=folder, workers=1, worker_isolation=False,
                        plan_time_limit_s=time_limit, max_body_bytes=64 * 1024 * 1024)
    app = create_app(settings)
    url, server, thread = serve(app)
    try:
        state = app.state.api
        keys = {}
        for org, role in ((COOP, Role.DISPATCHER), (SHOP, Role.PARTNER)):
            with state.db.write() as s:
                keys[org] = create_key(s, role=role, org=org)[1]
        api = httpx.Client(base_url=url, timeout=600)
        auth = {"Authorization": f"Bearer {keys[COOP]}"}
        job, plan_s = _earlier_job(app), None  # a --work folder planned before is reused
        t0 = time.perf_counter()
        if job is None:
            for org, file, path in ((COOP, "lots.csv", "/v1/lots"), (SHOP, "orders.csv", "/v1/orders")):
                r = api.post(path, content=(folder / file).read_bytes(),
                             headers={"Authorization": f"Bearer {keys[org]}", "Content-Type": "text/csv"})
                r.raise_for_status()
            t0 = time.perf_counter()
            job = api.post("/v1/plans", json={"date": "2025-06-12", "time_limit_s": time_limit},
                           headers=auth).json()["id"]
        while (status := api.get(f"/v1/plans/{job}", headers=auth).json())["status"] not in (
                "succeeded", "failed", "cancelled"):
            time.sleep(0.5)
        if status["status"] != "succeeded":
            raise RuntimeError(f"{name}: plan job {status['status']}: {status['error']}")
        plan_s = round(time.perf_counter() - t0, 1)
        print(f"{name}: plan ready after {plan_s:.0f} s", flush=True)
        routes = api.get(f"/v1/plans/{job}/routes", headers=auth).json()
        if plan_only:
            return {"case": name, "plan_job_s": plan_s, "routes": len(routes)}

        page = httpx.Client(base_url=url, timeout=600)  # a browser: cookie jar, CSRF token from the page
        page.post("/login", data={"api_key": keys[COOP]})
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.get("/dispatch").text).group(1)
        t = time.perf_counter()
        page.get(f"/dispatch/plans/{job}")  # the first view reads the plan's case once
        first_view_s = time.perf_counter() - t

        rng = random.Random(seed)
        vehicles = [r["vehicle_id"] for r in routes]
        move_s, undo_s, page_s, violations = [], [], [], 0
        for k in range(moves):
            source = rng.choice([r for r in routes if any(s["kind"] == "pickup" for s in r["stops"])])
            lot = rng.choice([lid for s in source["stops"] if s["kind"] == "pickup" for lid in s["lot_ids"]])
            chosen = rng.choice([v for v in vehicles if v != source["vehicle_id"]])
            target = next(r for r in routes if r["vehicle_id"] == chosen)
            position = rng.randint(1, len(target["stops"]) - 1)
            t = time.perf_counter()
            r = page.post(f"/dispatch/plans/{job}/move", headers={"Accept": "application/json"},
                          data={"csrf_token": csrf, "lot": lot, "vehicle": target["vehicle_id"],
                                "position": str(position)})
            move_s.append(time.perf_counter() - t)
            r.raise_for_status()
            violations += not r.json()["valid"]
            if k % 5 == 0:
                t = time.perf_counter()
                page.get(f"/dispatch/plans/{job}").raise_for_status()
                page_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            page.post(f"/dispatch/plans/{job}/undo", data={"csrf_token": csrf})
            undo_s.append(time.perf_counter() - t)
        doc_lots = sum(len(s["lot_ids"]) for r in routes for s in r["stops"] if s["kind"] == "pickup")
        return {"case": name, "planned_by": f"planner.plan_day ({time_limit} s)",
                "lots_routed": doc_lots, "routes": len(routes), "plan_job_s": plan_s,
                "first_view_s": round(first_view_s, 2), "moves_with_violations": violations,
                "move": quantiles(move_s), "undo": quantiles(undo_s), "page_after_move": quantiles(page_s)}
    finally:
        server.should_exit = True
        thread.join(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=60)
    ap.add_argument("--time-limit", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-scaled", action="store_true")
    ap.add_argument("--scaled-time-limit", type=int, default=300, help="Plan time limit of the 2,000-lot day (s)")
    ap.add_argument("--plan-only", action="store_true",
                    help="Plan the days into --work and stop (then time the moves in a second run under flock)")
    ap.add_argument("--work", type=Path, default=None,
                    help="Folder kept between runs (WORK/embedded, WORK/scaled): a day planned before is reused")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "web_edit.json")
    args = ap.parse_args()
    load_before = os.getloadavg()
    work = {k: (args.work / k if args.work else None) for k in ("embedded", "scaled")}
    rows = [run_case("embedded (data/luc-ngan)", CASE, moves=args.moves, time_limit=args.time_limit, seed=args.seed,
                     work=work["embedded"], plan_only=args.plan_only)]
    if not args.skip_scaled:
        base = args.work or Path(tempfile.mkdtemp(prefix="web-edit-2000-"))
        folder = base / "case" if (base / "case" / "lots.csv").is_file() else scaled_case(base / "case")
        rows.append(run_case("2,000-lot day (generated, fleet, intake and cold stores x8.3)", folder, moves=args.moves,
                             time_limit=args.scaled_time_limit, seed=args.seed, work=work["scaled"],
                             plan_only=args.plan_only))
    if args.plan_only:
        print(json.dumps(rows))
        return
    print("| case | planned by | lots routed | routes | moves | move median ms | move p95 ms | undo median ms | "
          "page after move median ms | page p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['planned_by']} | {r['lots_routed']} | {r['routes']} | {r['move']['n']} | {r['move']['median_ms']} | "
              f"{r['move']['p95_ms']} | {r['undo']['median_ms']} | {r['page_after_move']['median_ms']} | "
              f"{r['page_after_move']['p95_ms']} |")
    meta = {"python": sys.version.split()[0], "machine": platform.machine(), "cpus": os.cpu_count(),
            "load_average_before": load_before, "load_average_after": os.getloadavg(), "moves": args.moves, "plan_time_limit_s": args.time_limit,
            "seed": args.seed}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
