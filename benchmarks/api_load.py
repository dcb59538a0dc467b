"""Load benchmark of the partner API on loopback.

Starts the real server (uvicorn, the application ``planner serve`` runs) on a
fresh database, ingests 20,000 orders through ``POST /v1/orders`` (JSON
batches, two partners, rows from the embedded case data/luc-ngan with new
ids), optionally plans the day in a job so partners have shipments, then runs
100 concurrent partner clients (one keep-alive connection each; raw HTTP/1.1
written by hand by default, ``--client httpx`` for httpx.AsyncClient) for
30 s doing partner GETs: a page of their orders, one order by id, and (when a
plan exists) their manifests. With ``--conditional`` each client sends back
the ETag it last got for a path (``If-None-Match``), as a polling partner
does, and a 304 counts as an answer. Prints a table and writes
benchmarks/results/api_load.json. Usage:
    .venv/bin/python benchmarks/api_load.py [--orders 20000] [--clients 100] [--seconds 30]
        [--batch 1000] [--plan-time-limit 0] [--database-url URL] [--processes 1] [--client raw|httpx]
        [--conditional] [--suffix NAME]
Server settings come from the environment (e.g. PLANNER_READ_THREADS=4).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from api.cli import create_key
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "data" / "luc-ngan"
OUT = ROOT / "benchmarks" / "results" / "api_load.json"
PARTNERS = ("viettel-post", "ghn-cold")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, log: Path, processes: int = 1) -> subprocess.Popen[bytes]:
    """``planner serve``: the server process(es) and the plan-job worker process."""
    cmd = [str(Path(sys.executable).parent / "planner"), "serve", "--port", str(port), "--processes", str(processes),
           "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start; see {log}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(pid: int) -> list[int]:
    """``planner serve`` (``pid``) and its uvicorn server processes: not the plan-job worker."""
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if parent == pid and b"api.worker" not in command:
            pids.append(int(stat.parent.name))
    return pids


def order_rows(n: int) -> list[dict[str, Any]]:
    """``n`` orders: the embedded case's rows, repeated with new ids."""
    base = pd.read_csv(CASE / "orders.csv", dtype=str, keep_default_na=False).to_dict("records")
    return [{**base[i % len(base)], "id": f"BENCH-{i:06d}"} for i in range(n)]


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 10) - 1] if len(values) > 1 else values[0]


def ingest(url: str, keys: dict[str, str], rows: list[dict[str, Any]], batch: int) -> dict[str, Any]:
    latencies, created = [], 0
    t0 = time.perf_counter()
    with httpx.Client(base_url=url, timeout=300) as client:
        for i in range(0, len(rows), batch):
            partner = PARTNERS[(i // batch) % len(PARTNERS)]
            chunk = [{**r, "partner": partner} for r in rows[i:i + batch]]
            t = time.perf_counter()
            r = client.post("/v1/orders", json={"orders": chunk}, headers={"Authorization": f"Bearer {keys[partner]}"})
            latencies.append(time.perf_counter() - t)
            r.raise_for_status()
            created += r.json()["created"]
        wall = time.perf_counter() - t0
        partner = PARTNERS[0]
        t = time.perf_counter()
        retry = client.post("/v1/orders", json={"orders": [{**r, "partner": partner} for r in rows[:batch]]},
                            headers={"Authorization": f"Bearer {keys[partner]}"}).json()
        retry_s = time.perf_counter() - t
    return {"orders": len(rows), "batch": batch, "created": created, "wall_s": round(wall, 2),
            "orders_per_s": round(len(rows) / wall, 1), "batch_p50_s": round(statistics.median(latencies), 3),
            "batch_max_s": round(max(latencies), 3), "retry_created": retry["created"],
            "retry_unchanged": retry["unchanged"], "retry_s": round(retry_s, 3)}


def ingest_lots(url: str, key: str) -> dict[str, Any]:
    """The embedded case's harvest lots, as the CSV file a cooperative would upload."""
    t = time.perf_counter()
    r = httpx.post(f"{url}/v1/lots", content=(CASE / "lots.csv").read_bytes(), timeout=300,
                   headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"})
    r.raise_for_status()
    return {"lots": r.json()["created"], "wall_s": round(time.perf_counter() - t, 2)}


def plan(url: str, key: str, time_limit: int) -> tuple[str | None, float, float | None]:
    """The job id (if it succeeded), seconds from POST to its end, and the job process's peak memory (MB)."""
    headers = {"Authorization": f"Bearer {key}"}
    t0 = time.perf_counter()
    job = httpx.post(f"{url}/v1/plans", json={"time_limit_s": time_limit}, headers=headers, timeout=60).json()
    while True:
        state = httpx.get(f"{url}/v1/plans/{job['id']}", headers=headers, timeout=60).json()
        if state["status"] in {"succeeded", "failed", "cancelled"}:
            wall = round(time.perf_counter() - t0, 1)
            print(f"plan job {state['status']} in {wall} s, peak memory {state.get('peak_memory_mb')} MB "
                  f"{state['error']}".strip(), flush=True)
            return (job["id"] if state["status"] == "succeeded" else None), wall, state.get("peak_memory_mb")
        time.sleep(1)


class RawClient:
    """One keep-alive HTTP/1.1 connection, requests written and answers read
    by hand (as wrk does): a load generator that leaves the server most of the
    machine's CPU. Answers must carry Content-Length (the API's JSON does)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.headers: dict[str, str] = {}  # of the last answer
        parts = httpx.URL(url)
        self.host, self.port = parts.host, parts.port or 80
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{self.host}:{self.port}", **headers}.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.writer.write(f"GET {path} HTTP/1.1\r\n{self.head}{extra}\r\n".encode("latin-1"))
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
            status = int(lines[0].split()[1])
            if "content-length" not in fields and status != 304:
                raise ValueError(f"answer without Content-Length to {path}")
            body = await self.reader.readexactly(int(fields.get("content-length", 0)))
        except BaseException:
            await self.close()
            raise
        if fields.get("connection", "").lower() == "close":
            await self.close()
        self.headers = fields
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


class HttpxClient:
    """httpx.AsyncClient with one connection (the generator before the raw one)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.headers: dict[str, str] = {}
        self.client = httpx.AsyncClient(base_url=url, headers=headers, timeout=60,
                                        limits=httpx.Limits(max_connections=1))

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        r = await self.client.get(path, headers=headers)
        self.headers = {k.lower(): v for k, v in r.headers.items()}
        return r.status_code, r.content

    async def close(self) -> None:
        await self.client.aclose()


async def client_loop(url: str, key: str, ids: list[str], plan_id: str | None, until: float,
                      samples: dict[str, list[float]], errors: list[str], rng: random.Random, raw: bool,
                      etags: dict[str, str] | None, not_modified: list[int]) -> None:
    """One partner polling on one connection; with ``etags`` it sends back the
    ETag it last got for a path (as a polling client does) and counts 304s."""
    kinds = ["orders_page", "order"] + (["manifests"] if plan_id else [])
    headers = {"Authorization": f"Bearer {key}"}
    client = RawClient(url, headers) if raw else HttpxClient(url, headers)
    try:
        while time.perf_counter() < until:
            kind = rng.choice(kinds)
            path = {"orders_page": "/v1/orders?limit=100", "order": f"/v1/orders/{rng.choice(ids)}",
                    "manifests": f"/v1/plans/{plan_id}/manifests?limit=100"}[kind]
            held = {"If-None-Match": etags[path]} if etags is not None and path in etags else None
            t = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(client.get(path, held), timeout=60)
                if status == 304 and held:
                    not_modified.append(1)
                elif status != 200:
                    errors.append(str(status))
                if etags is not None and "etag" in client.headers:
                    etags[path] = client.headers["etag"]
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError, httpx.HTTPError) as exc:
                errors.append(type(exc).__name__)
            samples[kind].append(time.perf_counter() - t)
    finally:
        await client.close()


async def load(url: str, keys: dict[str, str], ids_by_partner: dict[str, list[str]], plan_id: str | None,
               clients: int, seconds: float, *, raw: bool = True, conditional: bool = False) -> dict[str, Any]:
    samples: dict[str, list[float]] = {"orders_page": [], "order": [], "manifests": []}
    errors: list[str] = []
    not_modified: list[int] = []
    until = time.perf_counter() + seconds
    t0, cpu0 = time.perf_counter(), time.process_time()
    tasks = []
    for n in range(clients):
        partner = PARTNERS[n % len(PARTNERS)]
        tasks.append(client_loop(url, keys[partner], ids_by_partner[partner], plan_id, until, samples, errors,
                                 random.Random(n), raw, {} if conditional else None, not_modified))
    await asyncio.gather(*tasks)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    every = [x for v in samples.values() for x in v]
    out = {"clients": clients, "seconds": round(wall, 1), "requests": len(every), "errors": len(errors),
           "conditional": conditional, "not_modified": len(not_modified),
           "error_kinds": sorted(set(errors))[:10], "generator": "raw HTTP/1.1" if raw else "httpx",
           "generator_cpu_ms_per_request": round(1000 * cpu / max(len(every), 1), 3),
           "requests_per_s": round(len(every) / wall, 1),
           "p50_ms": round(1000 * pct(every, 50), 1), "p95_ms": round(1000 * pct(every, 95), 1),
           "p99_ms": round(1000 * pct(every, 99), 1), "by_kind": {}}
    for kind, values in samples.items():
        if values:
            out["by_kind"][kind] = {"requests": len(values), "p50_ms": round(1000 * pct(values, 50), 1),
                                    "p95_ms": round(1000 * pct(values, 95), 1), "p99_ms": round(1000 * pct(values, 99), 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--plan-time-limit", type=int, default=0, help="plan the day first (0: no plan)")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--processes", type=int, default=1, help="server processes (planner serve --processes)")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator: raw HTTP/1.1 keep-alive connections (default) or httpx.AsyncClient")
    ap.add_argument("--conditional", action="store_true",
                    help="clients send If-None-Match with the ETag they last got for a path (304s count as answers)")
    ap.add_argument("--suffix", default="", help="added to the result file's name (api_load<suffix>.json)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="planner-api-bench-"))
    schema = f"bench_{os.getpid()}" if args.database_url.startswith("postgresql") else ""  # a fresh schema
    settings = Settings(data_dir=tmp, database_url=args.database_url, database_schema=schema)
    keys = {p: create_key(settings, role="partner", org=p, label="bench")[1] for p in PARTNERS}
    planner_key = create_key(settings, role="planner", org="province", label="bench")[1]
    dispatcher_key = create_key(settings, role="dispatcher", org="coop-luc-ngan", label="bench")[1]
    env = {**os.environ, "PLANNER_DATA_DIR": str(tmp), "PLANNER_DATABASE_URL": args.database_url,
           "PLANNER_DATABASE_SCHEMA": schema,
           "PLANNER_BASE_CASE": str(CASE), "PLANNER_MAX_ROWS_PER_REQUEST": str(max(args.batch, 1000))}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_server(env, port, tmp / "server.log", args.processes)
    try:
        rows = order_rows(args.orders)
        print(f"ingesting {len(rows):,} orders in batches of {args.batch} ...", flush=True)
        ingested = ingest(url, keys, rows, args.batch)
        print(json.dumps(ingested), flush=True)
        lots = ingest_lots(url, dispatcher_key)
        plan_id, plan_s, peak_mb = (plan(url, planner_key, args.plan_time_limit) if args.plan_time_limit
                                    else (None, 0.0, None))
        ids_by_partner = {p: [r["id"] for i, r in enumerate(rows) if PARTNERS[(i // args.batch) % len(PARTNERS)] == p]
                          for p in PARTNERS}
        print(f"{args.clients} partner clients for {args.seconds:.0f} s ...", flush=True)
        load_before = os.getloadavg()
        pids = server_pids(proc.pid)  # with --processes 1 uvicorn serves in the planner serve process itself
        server_cpu0 = sum(cpu_seconds(p) for p in pids)
        result = asyncio.run(load(url, keys, ids_by_partner, plan_id, args.clients, args.seconds,
                                  raw=args.client == "raw", conditional=args.conditional))
        result["server_processes_measured"] = len(pids)
        result["server_cpu_ms_per_request"] = round(
            1000 * (sum(cpu_seconds(p) for p in pids) - server_cpu0) / max(result["requests"], 1), 3)
        load_after = os.getloadavg()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        if schema:
            from sqlalchemy import create_engine, text

            engine = create_engine(args.database_url)
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
    report = {
        "database": "postgresql" if args.database_url.startswith("postgresql") else "sqlite (WAL)",
        "server": f"planner serve --processes {args.processes}: uvicorn, {args.processes} server process(es) "
                  "and 1 plan-job worker process", "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_before_reads": [round(x, 2) for x in load_before],
        "load_average_after_reads": [round(x, 2) for x in load_after], "nice": os.nice(0),
        "ingest": ingested, "lots": lots, "plan_id": plan_id,
        "plan_job_s": plan_s, "plan_time_limit_s": args.plan_time_limit, "plan_peak_memory_mb": peak_mb,
        "reads": result,
    }
    print("\n| step | figure |\n|---|---|")
    print(f"| ingest {ingested['orders']:,} orders ({ingested['batch']}/request) | {ingested['wall_s']} s, "
          f"{ingested['orders_per_s']:,} orders/s, p50 {ingested['batch_p50_s']} s per batch |")
    print(f"| lots.csv upload | {lots['lots']} lots in {lots['wall_s']} s |")
    if plan_id:
        print(f"| plan job (time limit {args.plan_time_limit} s) | {plan_s} s from POST to succeeded, "
              f"peak memory of the job's process {peak_mb} MB |")
    print(f"| retry of a batch | created {ingested['retry_created']}, unchanged {ingested['retry_unchanged']} |")
    print(f"| {result['clients']} clients x {result['seconds']} s | {result['requests']:,} requests, "
          f"{result['requests_per_s']:,}/s, errors {result['errors']}, 304 {result['not_modified']:,} |")
    print(f"| latency p50 / p95 / p99 | {result['p50_ms']} / {result['p95_ms']} / {result['p99_ms']} ms |")
    print(f"| CPU per request: server / load generator ({result['generator']}) | "
          f"{result.get('server_cpu_ms_per_request', '-')} / {result['generator_cpu_ms_per_request']} ms |")
    print(f"| load average (1/5/15 min) before / after the reads | {report['load_average_before_reads']} / "
          f"{report['load_average_after_reads']} on {os.cpu_count()} cores, nice {report['nice']} |")
    for kind, k in result["by_kind"].items():
        print(f"| {kind} | {k['requests']:,} requests, p50 {k['p50_ms']} p95 {k['p95_ms']} p99 {k['p99_ms']} ms |")
    suffix = ("_postgres" if args.database_url.startswith("postgresql") else "") + (
        f"_{args.processes}proc" if args.processes > 1 else "") + args.suffix
    out = OUT.with_name(f"api_load{suffix}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
