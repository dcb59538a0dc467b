"""Crash safety: the real server (uvicorn in a subprocess) is killed with
SIGKILL during a bulk ingest and during a plan job, then restarted. Every
acknowledged order is stored exactly once, every batch is all-or-nothing,
and the interrupted job ends in a clear state."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from apitest import order

from api.cli import create_key
from api.settings import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
BATCH = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``planner serve``'s application in a uvicorn subprocess."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.port = env, log, _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **extra: str) -> None:
        cmd = [sys.executable, "-m", "uvicorn", "api.main:app_from_env", "--factory", "--host", "127.0.0.1",
               "--port", str(self.port), "--log-level", "warning"]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**self.env, **extra}, stdout=log, stderr=log)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"server did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def server(tmp_path, db_target):
    url, schema = db_target
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env.update({
        "PLANNER_DATA_DIR": str(tmp_path / "data"), "PLANNER_BASE_CASE": str(TINY),
        "PLANNER_DATABASE_URL": url, "PLANNER_DATABASE_SCHEMA": schema,
        "PLANNER_PLAN_FUNCTION": "planfns:slow_plan", "PLANNER_JOB_POLL_S": "0.1",
        "PLANNER_PLAN_TIME_LIMIT_S": "1", "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
    })
    srv = Server(env, tmp_path / "server.log")
    yield srv
    srv.stop()


def _keys(tmp_path: Path, srv: Server) -> dict[str, dict[str, str]]:
    settings = Settings(data_dir=tmp_path / "data", database_url=srv.env["PLANNER_DATABASE_URL"],
                        database_schema=srv.env["PLANNER_DATABASE_SCHEMA"])
    out = {}
    for role, org in (("partner", "viettel-post"), ("planner", "province")):
        _, token = create_key(settings, role=role, org=org, label="crash test")
        out[org] = {"Authorization": f"Bearer {token}"}
    return out


def _all_ids(srv: Server, headers: dict[str, str]) -> list[str]:
    ids, cursor = [], None
    while True:
        params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
        page = httpx.get(f"{srv.url}/v1/orders", params=params, headers=headers, timeout=30).json()
        ids += [o["id"] for o in page["items"]]
        if not (cursor := page["next_cursor"]):
            return ids


def _batch(n: int) -> dict[str, list[dict[str, object]]]:
    return {"orders": [order(f"C{n:04d}-{i:03d}") for i in range(BATCH)]}


def _ingest_until_killed(server: Server, headers: dict[str, str]) -> tuple[list[int], int]:
    """Send batches until the server is killed after five acknowledgements;
    the acknowledged batch numbers and how many batches were sent."""
    acknowledged: list[int] = []
    sent = [0]
    stop = threading.Event()

    def send() -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            while not stop.is_set():
                sent[0] += 1
                try:
                    if client.post("/v1/orders", json=_batch(sent[0] - 1)).status_code == 200:
                        acknowledged.append(sent[0] - 1)
                except httpx.TransportError:
                    return

    sender = threading.Thread(target=send)
    sender.start()
    while len(acknowledged) < 5:
        time.sleep(0.005)
    server.kill()  # the next batch is in flight now
    stop.set()
    sender.join(30)
    return acknowledged, sent[0]


def _wait_job(server: Server, job_id: str, headers: dict[str, str], until: set[str]) -> dict[str, object]:
    end = time.monotonic() + 30
    while (state := httpx.get(f"{server.url}/v1/plans/{job_id}", headers=headers).json())["status"] not in until:
        assert time.monotonic() < end, state
        time.sleep(0.05)
    return state  # type: ignore[no-any-return]


def _concurrent_gets(server: Server, headers: dict[str, str], *, clients: int) -> list[int]:
    """Statuses of ``clients`` simultaneous page reads (more than the server's
    worker threads and pool connections: none may wait for another)."""

    async def one() -> int:
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            return (await client.get("/v1/orders", params={"limit": 50})).status_code

    async def every() -> list[int]:
        return list(await asyncio.gather(*(one() for _ in range(clients))))

    return asyncio.run(every())


def test_killed_during_an_ingest_and_a_plan_job(server, tmp_path):
    """One SIGKILL while a plan job runs and orders stream in; then a restart."""
    server.start(PLANNER_TEST_PLAN_PAUSE_S="60")
    keys = _keys(tmp_path, server)
    job = httpx.post(f"{server.url}/v1/plans", json={}, headers=keys["province"]).json()
    _wait_job(server, job["id"], keys["province"], {"running"})
    acknowledged, sent = _ingest_until_killed(server, keys["viettel-post"])

    server.start(PLANNER_TEST_PLAN_PAUSE_S="0")
    ids = _all_ids(server, keys["viettel-post"])
    assert len(ids) == len(set(ids))
    stored = {int(i[1:5]) for i in ids}
    assert set(acknowledged) <= stored
    for n in stored:
        assert sum(i.startswith(f"C{n:04d}-") for i in ids) == BATCH, f"batch {n} is partly stored"
    with httpx.Client(base_url=server.url, headers=keys["viettel-post"], timeout=30) as client:
        created = sum(client.post("/v1/orders", json=_batch(n)).json()["created"] for n in range(sent))
    assert created == (sent - len(stored)) * BATCH  # a retry of everything adds only what was never stored
    assert len(_all_ids(server, keys["viettel-post"])) == sent * BATCH

    assert _concurrent_gets(server, keys["viettel-post"], clients=80) == [200] * 80

    state = _wait_job(server, job["id"], keys["province"], {"succeeded", "failed", "cancelled"})
    assert (state["status"], state["attempts"]) == ("succeeded", 2)  # requeued by the restart, then run
    kpis = httpx.get(f"{server.url}/v1/plans/{job['id']}/kpis", headers=keys["province"]).json()
    assert kpis["kpis"]["lots_total"] == 0
