"""A Dask cluster that fails clearly: a bad scheduler address is one line
and exit 2; losing every worker is an error within the stated time, not a
hang; a worker killed mid-run is replaced and its task re-run, and
meta.json says so."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

from distributed import Client, LocalCluster
from typer.testing import CliRunner

from planner.cli.main import app
from scenarios import load_scenario, run_replications, write_results
from scenarios.errors import ClusterError

from .conftest import DATA


def _when_running(client: Client, address: str | None, then: object, *args: object) -> threading.Thread:
    """Call ``then(*args)`` as soon as the scheduler shows a task processing on
    ``address`` (any worker when None): a fixed delay raced the run itself, which
    on a fast machine finished before the kill and left nothing to re-run."""

    def watch() -> None:
        deadline = time.monotonic() + 60.0
        while time.monotonic() < deadline:
            busy = client.processing()
            if any(tasks for worker, tasks in busy.items() if address is None or worker == address):
                time.sleep(0.2)
                then(*args)  # type: ignore[operator]
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_bad_scheduler_address_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", str(DATA / "tiny.toml"), "--out", str(tmp_path / "o"),
                                      "--runs", "1", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cluster: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'")
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_losing_every_worker_is_an_error_within_the_stated_time() -> None:
    """The only worker goes away once its first run has started: with no_worker_s = 3 the
    run ends with a ClusterError (its runs cancelled) instead of waiting for
    ever; the thread running it must be done well within a minute."""
    spec = load_scenario(DATA / "tiny.toml")
    outcome: dict[str, object] = {}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:

        def run() -> None:
            try:
                outcome["result"] = run_replications(spec, runs=2, client=client, no_worker_s=3.0)
            except ClusterError as exc:
                outcome["error"] = exc

        runner = threading.Thread(target=run)
        runner.start()
        _when_running(client, None, cluster.scale, 0).join(timeout=60.0)
        killed = time.monotonic()
        runner.join(timeout=60.0)
        assert not runner.is_alive(), "the run hung after losing every worker"
        assert "error" in outcome, outcome
        assert "every Dask worker was lost" in str(outcome["error"])
        assert time.monotonic() - killed < 60.0


def test_a_killed_worker_is_replaced_and_its_task_rerun(tmp_path: Path) -> None:
    spec = load_scenario(DATA / "tiny.toml")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)
        address, victim = sorted(pids.items())[0]
        _when_running(client, address, os.kill, victim, signal.SIGKILL)
        rep = run_replications(spec, runs=2, client=client, no_worker_s=30.0)
    assert [r.run for r in rep.runs] == [0, 1]
    assert rep.workers_start == 2 and rep.workers_lost >= 1 and rep.tasks_retried >= 1
    write_results(rep, tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["workers_start"] == 2 and meta["workers_lost"] >= 1 and meta["tasks_retried"] >= 1
    assert set(meta["effective_sample"]) == {"vehicles", "vehicle_kg", "lane_units", "intake_kg_h",
                                             "treatment_kg_day", "cold_storage_kg"}


def test_meta_records_the_cluster(tmp_path: Path) -> None:
    spec = load_scenario(DATA / "tiny.toml")
    rep = run_replications(spec, runs=1, workers=1, processes=False)
    write_results(rep, tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert {k: meta[k] for k in ("workers_start", "workers_end", "workers_lost", "tasks_retried")} == {
        "workers_start": 1, "workers_end": 1, "workers_lost": 0, "tasks_retried": 0}


def test_a_local_cluster_lets_a_long_solve_go_without_heartbeats() -> None:
    """A routing solve holds the Python lock and blocks the worker's
    heartbeats; Dask's default (restart after 5 minutes) re-ran a 14-day run
    from its start on a busy machine."""
    from scenarios.runner import dask_client

    with dask_client(workers=1, processes=False) as client:
        ttl = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.worker_ttl)
    assert ttl >= 3600.0
