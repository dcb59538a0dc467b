"""The plan-job worker process ``planner serve`` starts (python -m api.worker):
it runs the jobs a server with no workers of its own queued, and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from apitest import fill, wait_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_a_worker_process_runs_the_queued_jobs(make_api, tmp_path):
    api = make_api(workers=0)
    fill(api)
    job = api.client.post("/v1/plans", json={"date": "2025-06-12"}, headers=api.auth("coop-a")).json()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env.update({"PLANNER_DATA_DIR": str(api.state.settings.data_dir), "PLANNER_WORKERS": "1",
                "PLANNER_PLAN_FUNCTION": "planfns:quick_plan", "PLANNER_JOB_POLL_S": "0.1",
                "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])})
    worker = subprocess.Popen([sys.executable, "-m", "api.worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        done = wait_for(api, job["id"], timeout=60)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert (done["status"], done["attempts"]) == ("succeeded", 1), err.decode()[-2000:]
    assert worker.returncode == 0
    ships = api.client.get(f"/v1/plans/{job['id']}/shipments", headers=api.auth("viettel-post")).json()["items"]
    assert {s["partner"] for s in ships} == {"viettel-post"}
