"""Time the great-circle travel matrix (GreatCircleProvider.matrix).

Random points in the Luc Ngan bounding box (106.444-106.866 E, 21.265-21.609 N),
seeded; the median wall time of a few runs (and CPU time: on a shared machine the
wall time counts other jobs' time slices), and the peak memory traced by
``tracemalloc`` (numpy reports its buffers to it) for each size. Prints a table
and writes ``benchmarks/results/travel_matrix.json``.

    .venv/bin/python benchmarks/travel_matrix.py [--sizes 1000 5000] [--runs 5] [--seed 42] [--baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from planner.domain import Location
from planner.travel import GreatCircleProvider, TravelMatrix

BBOX = {"west": 106.444, "east": 106.866, "south": 21.265, "north": 21.609}
RESULTS = Path(__file__).resolve().parent / "results" / "travel_matrix.json"


def random_points(n: int, seed: int) -> list[Location]:
    rng = np.random.default_rng(seed)
    lats = rng.uniform(BBOX["south"], BBOX["north"], n)
    lons = rng.uniform(BBOX["west"], BBOX["east"], n)
    return [Location(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]


def textbook_matrix(points: list[Location], detour: float, speed_kmh: float) -> TravelMatrix:
    """The one-expression numpy haversine (the provider before it was blocked),
    kept as the baseline the provider is measured against."""
    lat = np.radians([p.lat for p in points])
    lon = np.radians([p.lon for p in points])
    dlat, dlon = lat[None, :] - lat[:, None], lon[None, :] - lon[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    metres = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * detour
    seconds = metres / (speed_kmh / 3.6)
    return TravelMatrix(seconds=np.rint(seconds).astype(np.int64), metres=np.rint(metres).astype(np.int64))


def measure(
    n: int, *, runs: int, seed: int, provider: GreatCircleProvider, baseline: bool = False
) -> dict[str, float | int | str]:
    points = random_points(n, seed)

    def run() -> TravelMatrix:
        if baseline:
            return textbook_matrix(points, provider.detour_factor, provider.speeds_kmh["truck"])
        return provider.matrix(points, points, "truck")

    provider.matrix(points[:10], points[:10], "truck")  # warm up numpy
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        matrix = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    tracemalloc.start()
    matrix = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output_mb = (matrix.seconds.nbytes + matrix.metres.nbytes) / 2**20
    return {
        "method": "textbook (baseline)" if baseline else "provider",
        "n": n,
        "cells": n * n,
        "runs": runs,
        "median_s": statistics.median(times),
        "cpu_median_s": statistics.median(cpu),
        "min_s": min(times),
        "max_s": max(times),
        "peak_mb": peak / 2**20,
        "output_mb": output_mb,
        "max_km": float(matrix.metres.max()) / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--baseline", action="store_true",
                        help="also time the one-expression numpy haversine at the largest size")
    args = parser.parse_args()

    provider = GreatCircleProvider(detour_factor=1.3, speeds_kmh={"truck": 40.0})
    rows = [measure(n, runs=args.runs, seed=args.seed, provider=provider) for n in args.sizes]
    if args.baseline:
        rows.append(measure(max(args.sizes), runs=args.runs, seed=args.seed, provider=provider,
                            baseline=True))

    table = Table(title=f"Great-circle matrix, n x n points in the Luc Ngan bbox (seed {args.seed})")
    table.add_column("method")
    for col in ("n x n", "median s", "min s", "max s", "CPU s", "peak MB", "output MB", "max km"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(
            str(r["method"]), f"{r['n']:,} x {r['n']:,}", f"{r['median_s']:.3f}", f"{r['min_s']:.3f}",
            f"{r['max_s']:.3f}", f"{r['cpu_median_s']:.3f}", f"{r['peak_mb']:.0f}", f"{r['output_mb']:.0f}",
            f"{r['max_km']:.1f}",
        )
    Console(width=max(100, Console().width)).print(table)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other jobs slow every figure down)")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": "travel_matrix",
        "provider": "GreatCircleProvider(detour_factor=1.3, truck 40 km/h); "
                    "baseline: the one-expression numpy haversine it replaced",
        "bbox": BBOX,
        "seed": args.seed,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "processor": platform.machine(), "cpus": os.cpu_count(),
                    "load_average_1min": os.getloadavg()[0]},
        "results": rows,
    }
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
