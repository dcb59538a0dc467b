"""Plan jobs: queued, run by a worker outside the request, progress, failure,
cancellation, the rate limit per key, and what a restart does to jobs
that were running."""

from __future__ import annotations

import socket
from datetime import timedelta

from apitest import BOTH_BACKENDS, fill, wait_for
from planfns import failing_plan

from api.models import PlanJob, utcnow

pytestmark = BOTH_BACKENDS


def test_a_plan_job_runs_in_the_background_and_succeeds(api):
    fill(api)
    r = api.client.post("/v1/plans", json={"date": "2025-06-12", "time_limit_s": 2}, headers=api.auth("coop-a"))
    assert r.status_code == 202
    assert r.headers["Location"] == f"/v1/plans/{r.json()['id']}"
    assert r.json()["status"] in {"queued", "running"}
    job = wait_for(api, r.json()["id"])
    assert (job["status"], job["progress"], job["attempts"], job["date"]) == ("succeeded", 1.0, 1, "2025-06-12")
    plans = api.client.get("/v1/plans", headers=api.auth("viettel-post")).json()
    assert [p["id"] for p in plans["items"]] == [job["id"]]


def test_the_plan_reads_the_lots_of_its_day_with_ids_of_their_organisations(api):
    fill(api)
    api.client.post("/v1/lots", json={"lots": [{"id": "A-L9", "farm": "farm-a", "product": "lychee", "kg": 50,
                                               "ready": "2025-06-13T04:00", "latest_pickup": "2025-06-13T08:00"}]},
                    headers=api.auth("coop-a"))
    r = api.client.post("/v1/plans", json={"date": "2025-06-12"}, headers=api.auth("province"))
    wait_for(api, r.json()["id"])
    doc = api.client.get(f"/v1/plans/{r.json()['id']}/plan.json", headers=api.auth("province")).json()
    assert sorted(d["lot_id"] for d in doc["deliveries"]) == ["coop-a:A-L1", "coop-a:A-L2", "coop-b:B-L1"]
    assert doc["case"]["epoch"] == "2025-06-12T00:00+07:00"


def test_an_engine_error_fails_the_job_with_its_message(make_api):
    api = make_api(plan_function=failing_plan)
    r = api.client.post("/v1/plans", json={}, headers=api.auth("province"))
    job = wait_for(api, r.json()["id"])
    assert job["status"] == "failed"
    assert job["error"] == "no vehicle can reach any farm of tiny hand-checked case"


def test_cancel_a_queued_job_then_a_running_one(make_api):
    api = make_api(workers=0)
    queued = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()
    r = api.client.delete(f"/v1/plans/{queued['id']}", headers=api.auth("coop-a"))
    assert (r.status_code, r.json()["status"]) == (202, "cancelled")
    assert api.client.delete(f"/v1/plans/{queued['id']}", headers=api.auth("coop-a")).status_code == 409

    api = make_api(plan_time_limit_s=200)  # tiny_plan works 10 s, reporting progress
    running = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()
    wait_for(api, running["id"], until={"running"})
    assert api.client.delete(f"/v1/plans/{running['id']}", headers=api.auth("coop-a")).json()["cancel_requested"]
    job = wait_for(api, running["id"])
    assert job["status"] == "cancelled"
    assert api.client.get(f"/v1/plans/{running['id']}/kpis", headers=api.auth("province")).status_code == 409


def test_plan_jobs_per_key_are_rate_limited(make_api):
    api = make_api(workers=0, plan_jobs_per_window=2, plan_job_window_s=600)
    for _ in range(2):
        assert api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).status_code == 202
    r = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a"))
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert 590 <= int(r.headers["Retry-After"]) <= 600
    assert api.client.post("/v1/plans", json={}, headers=api.auth("coop-b")).status_code == 202  # per key


def _running_job(api, *, worker: str, attempts: int, heartbeat_age_s: float = 0) -> str:
    r = api.client.post("/v1/plans", json={}, headers=api.auth("province"))
    with api.state.db.write() as s:
        job = s.get(PlanJob, r.json()["id"])
        job.status, job.worker, job.attempts = "running", worker, attempts
        job.started_at = job.heartbeat_at = utcnow() - timedelta(seconds=heartbeat_age_s)
    return str(r.json()["id"])


def test_a_restart_requeues_jobs_a_dead_server_was_running_then_fails_them(make_api):
    api = make_api(workers=0, job_max_attempts=2)
    host = socket.gethostname()
    dead = f"{host}:999999999:gone"
    retry = _running_job(api, worker=dead, attempts=1)
    exhausted = _running_job(api, worker=dead, attempts=2)
    elsewhere = _running_job(api, worker="other-host:1:x", attempts=1)  # fresh heartbeat: still its owner's

    api = make_api(workers=1)  # the restart
    assert wait_for(api, retry)["status"] == "succeeded"
    assert wait_for(api, retry)["attempts"] == 2
    failed = wait_for(api, exhausted)
    assert failed["status"] == "failed" and "stopped 2 time(s)" in failed["error"]
    assert api.client.get(f"/v1/plans/{elsewhere}", headers=api.auth("province")).json()["status"] == "running"


def test_jobs_of_a_silent_worker_on_another_host_are_taken_back(make_api):
    api = make_api(workers=0, job_stale_after_s=30)
    stale = _running_job(api, worker="other-host:1:x", attempts=1, heartbeat_age_s=120)
    api = make_api(workers=1, job_stale_after_s=30)
    assert wait_for(api, stale)["status"] == "succeeded"


def test_partners_may_not_start_or_cancel_plans(api):
    assert api.client.post("/v1/plans", json={}, headers=api.auth("viettel-post")).status_code == 403
    job = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()
    assert api.client.delete(f"/v1/plans/{job['id']}", headers=api.auth("viettel-post")).status_code == 404


def test_a_live_runner_keeps_its_job_even_when_its_heartbeat_is_late(make_api):
    api = make_api(plan_time_limit_s=40, job_stale_after_s=0.5)  # tiny_plan works 2 s
    job = api.client.post("/v1/plans", json={}, headers=api.auth("coop-a")).json()
    wait_for(api, job["id"], until={"running"})
    with api.state.db.write() as s:
        s.get(PlanJob, job["id"]).heartbeat_at = utcnow() - timedelta(seconds=30)
    assert api.state.runner.recover() == 0
    done = wait_for(api, job["id"])
    assert (done["status"], done["attempts"]) == ("succeeded", 1)
