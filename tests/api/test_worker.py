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


def test_planner_serve_starts_the_server_and_a_worker_and_stops_both(tmp_path):
    import socket
    import time

    import httpx

    from api.cli import create_key
    from api.settings import Settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = create_key(Settings(data_dir=tmp_path), role="planner", org="province", label="")[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env.update({"PLANNER_PLAN_FUNCTION": "planfns:quick_plan", "PLANNER_JOB_POLL_S": "0.1",
                "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])})
    script = "import typer; from api import commands; app = typer.Typer(); commands.register(app); app()"
    serve = subprocess.Popen([sys.executable, "-c", script, "serve", "--port", str(port), "--data-dir", str(tmp_path),
                              "--case", str(ROOT / "tests" / "data" / "tiny"), "--no-access-log"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}
    try:
        end = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert serve.poll() is None and time.monotonic() < end, serve.stderr.read().decode()[-2000:]
                time.sleep(0.2)
        job = httpx.post(f"{url}/v1/plans", json={}, headers=headers).json()
        while (state := httpx.get(f"{url}/v1/plans/{job['id']}", headers=headers).json())["status"] != "succeeded":
            assert state["status"] in {"queued", "running"} and time.monotonic() < end, state
            time.sleep(0.1)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.communicate(timeout=30)  # returns once the worker, which shares stderr, is gone too
    assert serve.returncode in {0, -signal.SIGTERM}  # uvicorn re-raises the signal after its shutdown
