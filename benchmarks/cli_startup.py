"""Time the command line as a user meets it: ``planner --help`` and ``planner
validate`` on the embedded case, and ``import planner``.

Warm: each command is run once first, so that its files are in the page cache and
its modules' bytecode is compiled. Cold: ``planner validate`` with an empty
bytecode cache (``PYTHONPYCACHEPREFIX`` a fresh folder each run), as the first run
after installing or upgrading: every module it imports is compiled from source.
(Dropping the page cache needs root and slows every other job on the machine, so
it is not done.)

Each command runs as a fresh process; the table gives the minimum and median wall
time and the median CPU time (user + system of the child: on a shared machine the
wall time also counts other jobs' time slices) and the load average before and
after. Run it alone (``flock /work/bench.lock``). Writes
``benchmarks/results/cli_startup.json`` and ``.md``.

    .venv/bin/python benchmarks/cli_startup.py [--runs 7] [--cold-runs 3] [--case data/luc-ngan]
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
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "cli_startup.json"
REPORT = RESULTS.with_suffix(".md")
PLANNER = str(Path(sys.executable).with_name("planner"))


def _run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _cold(cmd: list[str]) -> tuple[float, float]:
    """One run with an empty bytecode cache: every module compiled from source."""
    with tempfile.TemporaryDirectory(prefix="pycache-") as cache:
        return _run(cmd, env={**os.environ, "PYTHONPYCACHEPREFIX": cache})


def _row(name: str, runs: list[tuple[float, float]]) -> dict[str, object]:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return {"command": name, "runs": len(runs), "wall_min_s": round(min(walls), 3),
            "wall_median_s": round(statistics.median(walls), 3), "cpu_median_s": round(statistics.median(cpus), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--case", default="data/luc-ngan")
    args = parser.parse_args()
    validate = [PLANNER, "validate", args.case]
    commands = {
        "planner --help": [PLANNER, "--help"],
        f"planner validate {args.case}": validate,
        "python -c 'import planner'": [sys.executable, "-c", "import planner"],
        "python -c 'import planner.cli.main'": [sys.executable, "-c", "import planner.cli.main"],
    }
    load_before = os.getloadavg()
    rows = []
    for name, cmd in commands.items():
        _run(cmd)  # warm-up
        rows.append(_row(name, [_run(cmd) for _ in range(args.runs)]))
    rows.append(_row(f"planner validate {args.case} (cold: empty bytecode cache)",
                     [_cold(validate) for _ in range(args.cold_runs)]))
    load_after = os.getloadavg()
    title = (f"Command line start-up (warm runs: {args.runs} each; load average "
             f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, {os.cpu_count()} CPUs)")
    table = Table(title=title)
    for col in ("command", "runs", "wall min (s)", "wall median (s)", "CPU median (s)"):
        table.add_column(col, justify="left" if col == "command" else "right")
    for r in rows:
        table.add_row(str(r["command"]), str(r["runs"]), f"{r['wall_min_s']:.2f}", f"{r['wall_median_s']:.2f}",
                      f"{r['cpu_median_s']:.2f}")
    Console().print(table)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": when, "machine": platform.platform(), "cpus": os.cpu_count(),
        "load_average_1min_before": round(load_before[0], 2), "load_average_1min_after": round(load_after[0], 2),
        "rows": rows,
    }, indent=1) + "\n", encoding="utf-8")
    lines = [f"# {title}", "", f"{when}, {platform.platform()}", "",
             "| command | runs | wall min (s) | wall median (s) | CPU median (s) |", "|---|---:|---:|---:|---:|"]
    lines += [f"| `{r['command']}` | {r['runs']} | {r['wall_min_s']:.2f} | {r['wall_median_s']:.2f} | "
              f"{r['cpu_median_s']:.2f} |" for r in rows]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
