"""Workers watched: a plan worker process killed with SIGKILL is noticed
within the stale period, its job requeued (or failed by attempt count) and
run by a new worker; /readyz is not ready while no worker lives; and
``planner serve`` starts a new worker by itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from apitest import BOTH_BACKENDS, fill, wait_for

from api.cli import create_key
from api.settings import Settings

pytestmark = BOTH_BACKENDS
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BOUND_S = 30.0  # a dead worker's job is back in the queue and run again within this


def _worker(api, pause_s: float) -> subprocess.Popen[bytes]:
    s = api.state.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env.update({"PLANNER_DATA_DIR": str(s.data_dir), "PLANNER_DATABASE_URL": s.database_url,
                "PLANNER_DATABASE_SCHEMA": s.database_schema, "PLANNER_WORKERS": "1",
                "PLANNER_PLAN_FUNCTION": "planfns:slow_plan", "PLANNER_TEST_PLAN_PAUSE_S": str(pause_s),
                "PLANNER_JOB_POLL_S": "0.1", "PLANNER_JOB_HEARTBEAT_S": "0.5",
                "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])})
    return subprocess.Popen([sys.executable, "-m", "api.worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ready(api) -> tuple[int, dict]:
    r = api.client.get("/readyz")
    return r.status_code, r.json()


def _until(predicate, timeout: float) -> float:
    start = time.monotonic()
    while not predicate():
        assert time.monotonic() - start < timeout, "not within the bound"
        time.sleep(0.1)
    return time.monotonic() - start


def test_readyz_is_not_ready_while_no_worker_lives(make_api):
    api = make_api(workers=0, expected_workers=1)
    assert _ready(api) == (503, {"status": "not_ready", "database": "ok", "workers": 0, "queued_jobs": 0})
    worker = _worker(api, 0)
    try:
        _until(lambda: _ready(api)[0] == 200, 60)
        assert _ready(api)[1]["workers"] == 1
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        waited = _until(lambda: _ready(api)[0] == 503, BOUND_S)
        assert waited < api.state.settings.job_stale_after_s
    finally:
        worker.kill()
        worker.wait(10)


def test_a_job_of_a_worker_killed_with_sigkill_is_requeued_and_run_by_a_new_worker(make_api):
    api = make_api(workers=0, job_heartbeat_s=0.5)
    fill(api)
    job = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()["id"]
    first = _worker(api, 600)  # would hold the job for ten minutes
    try:
        assert wait_for(api, job, until={"running"}, timeout=60)["status"] == "running"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = time.monotonic()
        back = wait_for(api, job, until={"queued"}, timeout=BOUND_S)
        assert back["status"] == "queued" and back["message"].startswith("requeued")
        second = _worker(api, 0)
        try:
            done = wait_for(api, job, timeout=BOUND_S)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        assert (done["status"], done["attempts"]) == ("succeeded", 2), done
        assert time.monotonic() - killed_at < 2 * BOUND_S
    finally:
        first.kill()
        first.wait(10)


def test_a_job_whose_workers_keep_dying_fails_cleanly_by_attempt_count(make_api):
    api = make_api(workers=0, job_max_attempts=1)
    job = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()["id"]
    worker = _worker(api, 600)
    try:
        wait_for(api, job, until={"running"}, timeout=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        failed = wait_for(api, job, timeout=BOUND_S)
    finally:
        worker.kill()
        worker.wait(10)
    assert (failed["status"], failed["error_code"]) == ("failed", "worker_lost"), failed
    assert failed["error"] == "the worker running it stopped 1 time(s); submit it again"


def test_planner_serve_starts_a_new_worker_when_its_worker_is_killed(tmp_path, db_target):
    url_db, schema = db_target
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(data_dir=tmp_path, database_url=url_db, database_schema=schema)
    key = create_key(settings, role="planner", org="province", label="")[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env.update({"PLANNER_PLAN_FUNCTION": "planfns:slow_plan", "PLANNER_TEST_PLAN_PAUSE_S": "3",
                "PLANNER_JOB_POLL_S": "0.1", "PLANNER_JOB_HEARTBEAT_S": "0.5", "PLANNER_DATABASE_SCHEMA": schema,
                "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])})
    script = "import typer; from api import commands; app = typer.Typer(); commands.register(app); app()"
    cmd = [sys.executable, "-c", script, "serve", "--port", str(port), "--data-dir", str(tmp_path),
           "--case", str(ROOT / "tests" / "data" / "tiny"), "--no-access-log"]
    if url_db:
        cmd += ["--database-url", url_db]
    serve = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}

    def ready() -> bool:
        try:
            return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            assert serve.poll() is None, serve.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            return False

    try:
        _until(ready, 90)
        job = httpx.post(f"{url}/v1/plans", json={}, headers=headers).json()["id"]

        def running() -> bool:
            return httpx.get(f"{url}/v1/plans/{job}", headers=headers).json()["status"] == "running"

        _until(running, 60)
        worker_pid = _worker_pid(serve.pid)
        os.kill(worker_pid, signal.SIGKILL)
        _until(lambda: not ready(), BOUND_S)  # noticed: not ready while no worker lives
        _until(ready, BOUND_S)  # a new worker started and registered

        def final() -> dict:
            return httpx.get(f"{url}/v1/plans/{job}", headers=headers).json()

        _until(lambda: final()["status"] in {"succeeded", "failed"}, 2 * BOUND_S)
        assert (final()["status"], final()["attempts"]) == ("succeeded", 2), final()
        assert _worker_pid(serve.pid) != worker_pid
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.communicate(timeout=60)


def _worker_pid(parent: int) -> int:
    """The pid of the ``python -m api.worker`` child of ``parent``."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(stat[1]) == parent and b"api.worker" in cmdline:
                return int(entry.name)
    raise AssertionError(f"no worker process under {parent}")
