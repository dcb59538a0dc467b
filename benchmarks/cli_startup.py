"""Time the command line as a user meets it: ``planner --help`` and ``planner
validate`` on the embedded case (warm: each command is run once first so that the
files are in the page cache), and ``import planner``.

Each command runs as a fresh process; the table gives the minimum and median wall
time and the median CPU time (user + system of the child: on a shared machine the
wall time also counts other jobs' time slices) and the load average. Writes
``benchmarks/results/cli_startup.json``.

    .venv/bin/python benchmarks/cli_startup.py [--runs 7] [--case data/luc-ngan]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "cli_startup.json"
PLANNER = str(Path(sys.executable).with_name("planner"))


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--case", default="data/luc-ngan")
    args = parser.parse_args()
    commands = {
        "planner --help": [PLANNER, "--help"],
        f"planner validate {args.case}": [PLANNER, "validate", args.case],
        "python -c 'import planner'": [sys.executable, "-c", "import planner"],
        "python -c 'import planner.cli.main'": [sys.executable, "-c", "import planner.cli.main"],
    }
    rows = []
    for name, cmd in commands.items():
        _run(cmd)  # warm-up
        runs = [_run(cmd) for _ in range(args.runs)]
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        rows.append({"command": name, "runs": args.runs, "wall_min_s": round(min(walls), 3),
                     "wall_median_s": round(statistics.median(walls), 3),
                     "cpu_median_s": round(statistics.median(cpus), 3)})
    table = Table(title=f"Command line start-up ({args.runs} warm runs each; load average {os.getloadavg()[0]:.1f})")
    for col in ("command", "wall min (s)", "wall median (s)", "CPU median (s)"):
        table.add_column(col, justify="left" if col == "command" else "right")
    for r in rows:
        table.add_row(r["command"], f"{r['wall_min_s']:.2f}", f"{r['wall_median_s']:.2f}", f"{r['cpu_median_s']:.2f}")
    Console().print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
        "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0], "rows": rows,
    }, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
