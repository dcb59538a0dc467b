"""Plan jobs run outside the request by a pool of worker threads that claim
queued jobs from the database (so every server process, and every restart,
sees the same queue).

A running job records a heartbeat. On start-up a server takes back the jobs
that a dead process on this host was running, and any server takes back
jobs whose heartbeat went stale (another host died): each such job is queued
again until it has run ``job_max_attempts`` times, then marked failed, so no
job stays "running" forever. Cancelling a queued job is immediate; a running
one stops at its next progress report (its result is dropped if it never
reports again)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update

from planner.domain import Case

from .db import Database
from .engine import PlanFunction, PlanOptions, PlanOutput
from .errors import engine_error
from .models import PlanJob, utcnow
from .services import results
from .settings import Settings

log = logging.getLogger("api.jobs")


_LIVE: set[str] = set()  # ids of the runners started in this process and not stopped


class JobCancelled(Exception):
    """Raised inside a job's progress callback when its cancellation was asked."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRunner:
    """``workers`` threads running plan jobs with ``plan_function``;
    ``prepare(job) -> (case, options)`` builds what a job plans."""

    def __init__(
        self, db: Database, settings: Settings, plan_function: PlanFunction,
        prepare: Callable[[str], tuple[Case, PlanOptions]],
    ) -> None:
        self.db, self.settings, self.plan_function, self.prepare = db, settings, plan_function, prepare
        self.host = socket.gethostname()
        self.id = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- life cycle -------------------------------------------------------
    def start(self) -> None:
        _LIVE.add(self.id)
        self.recover()
        if self.settings.workers == 0:
            return
        for n in range(self.settings.workers):
            t = threading.Thread(target=self._work, name=f"plan-worker-{n}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._beat, name="plan-heartbeat", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        _LIVE.discard(self.id)
        self._stop.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()

    @property
    def alive_workers(self) -> int:
        return sum(t.is_alive() for t in self._threads if t.name.startswith("plan-worker"))

    # -- recovery ---------------------------------------------------------
    def _dead_here(self, worker: str) -> bool:
        host, _, rest = worker.partition(":")
        pid_text = rest.partition(":")[0]
        if host != self.host or not pid_text.isdigit():
            return False
        if int(pid_text) == os.getpid():  # this process: an earlier runner, or one still working
            return worker not in _LIVE
        return not _alive(int(pid_text))

    def recover(self) -> int:
        """Requeue (or fail) running jobs whose worker is gone; return how many."""
        stale_before = utcnow() - timedelta(seconds=self.settings.job_stale_after_s)
        n = 0
        with self.db.write() as s:
            for job in s.scalars(select(PlanJob).where(PlanJob.status == "running")):
                if job.worker in _LIVE:  # a runner of this process: alive, however slow its heartbeat
                    continue
                stale = job.heartbeat_at is None or job.heartbeat_at < stale_before
                if stale or self._dead_here(job.worker):
                    self._take_back(job)
                    n += 1
        return n

    def _take_back(self, job: PlanJob) -> None:
        job.worker = ""
        if job.cancel_requested:
            job.status, job.finished_at, job.message = "cancelled", utcnow(), "cancelled"
        elif job.attempts < self.settings.job_max_attempts:
            job.status, job.progress = "queued", 0.0
            job.message = f"requeued: the server running it stopped (attempt {job.attempts})"
        else:
            job.status, job.finished_at = "failed", utcnow()
            job.error = f"the server running it stopped {job.attempts} time(s); submit it again"
        log.warning("plan job %s taken back: %s", job.id, job.status)

    # -- the worker loop --------------------------------------------------
    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = self.claim()
            except Exception:  # a database hiccup must not kill the worker
                log.exception("claiming a plan job failed")
                job_id = None
            if job_id is None:
                self._stop.wait(self.settings.job_poll_s)
                continue
            self.run(job_id)

    def _beat(self) -> None:
        while not self._stop.wait(self.settings.job_heartbeat_s):
            try:
                with self.db.write() as s:
                    s.execute(update(PlanJob).where(PlanJob.worker == self.id, PlanJob.status == "running")
                              .values(heartbeat_at=utcnow()))
                if self.recover():
                    log.warning("took back stale plan jobs")
            except Exception:
                log.exception("plan job heartbeat failed")

    def claim(self) -> str | None:
        """Mark the oldest queued job as running on this worker; its id, or None."""
        with self.db.write() as s:
            job = s.scalar(
                select(PlanJob).where(PlanJob.status == "queued").order_by(PlanJob.created_at, PlanJob.id)
                .limit(1).with_for_update(skip_locked=True))
            if job is None:
                return None
            now = utcnow()
            job.status, job.worker, job.attempts = "running", self.id, job.attempts + 1
            job.started_at = job.heartbeat_at = now
            job.progress, job.message, job.error = 0.0, "started", ""
            return job.id

    def run(self, job_id: str) -> None:
        """Run one claimed job to a final state."""
        try:
            case, options = self.prepare(job_id)
            output = self.plan_function(case, options=options, progress=self._progress(job_id))
        except JobCancelled:
            self._finish(job_id, "cancelled", message="cancelled")
        except Exception as exc:  # the job fails, the worker lives on
            api_error = engine_error(exc)
            detail = "; ".join([api_error.message, *api_error.problems[:20]]) if api_error else f"{type(exc).__name__}: {exc}"
            if api_error is None:
                log.exception("plan job %s failed", job_id)
            self._finish(job_id, "failed", error=detail)
        else:
            self._finish(job_id, "succeeded", message="done", output=output)

    def _progress(self, job_id: str) -> Callable[[float, str], None]:
        last = [0.0]

        def report(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] < 0.25 and fraction < 1.0:
                return
            last[0] = now
            with self.db.write() as s:
                job = s.get(PlanJob, job_id)
                if job is None or job.cancel_requested:
                    raise JobCancelled(job_id)
                job.progress = min(max(float(fraction), 0.0), 1.0)
                job.message, job.heartbeat_at = message[:500], utcnow()

        return report

    def _finish(
        self, job_id: str, status: str, *, message: str = "", error: str = "", output: PlanOutput | None = None,
    ) -> None:
        with self.db.write() as s:
            job = s.get(PlanJob, job_id)
            if job is None or job.worker != self.id or job.status != "running":
                return  # taken back meanwhile (stale heartbeat): its new owner decides
            if job.cancel_requested and status == "succeeded":
                status, message, output = "cancelled", "cancelled (result dropped)", None
            if output is not None:
                results.store(s, job, output)
            job.status, job.finished_at = status, utcnow()
            job.message, job.error = message or job.message, error
            if status == "succeeded":
                job.progress = 1.0
