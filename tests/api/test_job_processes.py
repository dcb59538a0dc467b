"""A plan job's processes (api/isolation.py, api/jobs.py): the capped child
forks the search's walks, one per core the runner gives the job, and every
process of a job ends when the worker that started it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from apitest import fill, make_settings, wait_for
from planfns import walking_plan

from api.engine import PlanOptions
from api.isolation import Caps, run_capped
from api.jobs import JobRunner
from planner.io import read_case

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
CAPS = Caps(memory_mb=2000, cpu_s=60, wall_s=120)


def _pids(folder: Path) -> set[int]:
    return {int(p.stem) for p in folder.glob("*.pid")}


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that never reaps it is gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


@pytest.mark.parametrize("cores", [1, 2])
def test_a_capped_job_runs_one_walk_per_core_it_is_given(tmp_path, monkeypatch, cores):
    monkeypatch.setenv("PLANNER_TEST_PID_DIR", str(tmp_path))
    options = PlanOptions(day=date(2026, 6, 12), time_limit_s=2, cores=cores)
    output, _ = run_capped(walking_plan, read_case(TINY), options, CAPS, lambda *_: None, threading.Event())
    walks = _pids(tmp_path)
    assert output.extra["walks"] == cores == len(walks)
    assert output.extra["pid"] in walks and os.getpid() not in walks  # walk 0 in the job's process, the rest forked


@pytest.mark.parametrize(("jobs_at_once", "cores"), [(1, 4), (2, 2), (3, 1), (8, 1)])
def test_the_runner_shares_the_cores_among_the_jobs_it_runs_at_once(tmp_path, monkeypatch, jobs_at_once, cores):
    monkeypatch.setattr("api.jobs.usable_cores", lambda: 4)
    runner = JobRunner(None, make_settings(tmp_path, "sqlite://", workers=jobs_at_once), walking_plan,  # type: ignore[arg-type]
                       lambda job_id: (read_case(TINY), PlanOptions(day=date(2026, 6, 12), time_limit_s=1)))
    assert runner.cores() == cores


def test_a_job_through_the_api_searches_on_the_cores_of_its_worker(make_api, tmp_path, monkeypatch):
    folder = tmp_path / "walks"
    folder.mkdir()
    monkeypatch.setenv("PLANNER_TEST_PID_DIR", str(folder))
    api = make_api(plan_function=walking_plan)
    fill(api)
    job = wait_for(api, api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()["id"], timeout=60)
    assert job["status"] == "succeeded", job
    assert len(_pids(folder)) == api.state.runner.cores()


# A worker (this script) running a job whose walks hold their cores for a minute: the test kills it with SIGKILL.
WORKER = """
import sys, threading
from datetime import date
sys.path.insert(0, sys.argv[2])
from planfns import walking_plan
from api.engine import PlanOptions
from api.isolation import Caps, run_capped
from planner.io import read_case
options = PlanOptions(day=date(2026, 6, 12), time_limit_s=60, cores=2)
job = threading.Thread(target=run_capped, args=(walking_plan, read_case(sys.argv[1]), options,
                       Caps(memory_mb=2000, cpu_s=120, wall_s=300), lambda *_: None, threading.Event()))
job.start()
job.join()
"""


def test_a_killed_worker_takes_its_job_and_the_jobs_walks_with_it(tmp_path):
    env = {**os.environ, "PLANNER_TEST_PID_DIR": str(tmp_path), "PLANNER_TEST_WALK_S": "60"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(TINY), str(Path(__file__).parent)], cwd=ROOT,
                              env=env)
    try:
        end = time.monotonic() + 60
        while len(_pids(tmp_path)) < 2 and time.monotonic() < end and worker.poll() is None:
            time.sleep(0.1)
        walks = _pids(tmp_path)
        assert len(walks) == 2 and all(map(_alive, walks)), walks
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        end = time.monotonic() + 30
        while any(map(_alive, walks)) and time.monotonic() < end:
            time.sleep(0.1)
        assert not any(map(_alive, walks)), [p for p in walks if _alive(p)]
    finally:
        if worker.poll() is None:
            worker.kill()
        for pid in _pids(tmp_path):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
