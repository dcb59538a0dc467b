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
import math
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from planner.domain import Case
from planner.processes import usable_cores

from .db import Database
from .engine import PlanFunction, PlanOptions, PlanOutput
from .errors import engine_error
from .isolation import Caps, JobFailed, run_capped
from .models import PlanJob, PlanWorker, utcnow
from .services import results, webhooks
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
        """Take back the jobs of dead workers, then (with ``workers`` > 0)
        register as a worker and start the worker threads and the webhook
        sender. A watch thread runs in every process, workers or not, so a
        server notices a dead worker process within the stale period."""
        _LIVE.add(self.id)
        self.recover()
        if self.settings.workers > 0:
            self._register()
            for n in range(self.settings.workers):
                self._spawn(self._work, f"plan-worker-{n}")
            self._spawn(self._send_webhooks, "webhook-sender")
        self._spawn(self._beat, "plan-heartbeat")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        _LIVE.discard(self.id)
        self._stop.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()
        if self.settings.workers > 0:
            try:
                with self.db.write() as s:
                    s.execute(delete(PlanWorker).where(PlanWorker.id == self.id))
            except Exception:
                log.exception("unregistering plan worker %s failed", self.id)

    @property
    def alive_workers(self) -> int:
        return sum(t.is_alive() for t in self._threads if t.name.startswith("plan-worker"))

    def _register(self) -> None:
        now = utcnow()
        with self.db.write() as s:
            s.merge(PlanWorker(id=self.id, host=self.host, pid=os.getpid(), slots=self.settings.workers,
                               started_at=now, heartbeat_at=now))

    def live_workers(self) -> int:
        """Plan-job worker threads of the live worker processes (any host):
        heartbeat within the stale period, and on this host a process that lives."""
        stale_before = utcnow() - timedelta(seconds=self.settings.job_stale_after_s)
        with self.db.reader() as s:
            rows = s.execute(select(PlanWorker.host, PlanWorker.pid, PlanWorker.slots)
                             .where(PlanWorker.heartbeat_at >= stale_before)).all()
        return sum(slots for host, pid, slots in rows if host != self.host or _alive(pid))

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
            gone = [w.id for w in s.scalars(select(PlanWorker))
                    if w.id not in _LIVE and (w.heartbeat_at < stale_before or self._dead_here(w.id))]
            if gone:  # another server may remove them at the same time: no row count expected
                log.warning("plan worker(s) gone: %s", ", ".join(gone))
                s.execute(delete(PlanWorker).where(PlanWorker.id.in_(gone)))
            running = select(PlanJob).where(PlanJob.status == "running").with_for_update(skip_locked=True)
            for job in s.scalars(running):  # locked: two servers never take back the same job twice
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
            job.status, job.finished_at, job.error_code = "failed", utcnow(), "worker_lost"
            job.error = f"the worker running it stopped {job.attempts} time(s); submit it again"
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
        while not self._stop.wait(min(self.settings.job_heartbeat_s, self.settings.job_stale_after_s / 4)):
            try:
                if self.settings.workers > 0:
                    with self.db.write() as s:
                        now = utcnow()
                        s.execute(update(PlanJob).where(PlanJob.worker == self.id, PlanJob.status == "running")
                                  .values(heartbeat_at=now))
                        beat = s.execute(update(PlanWorker).where(PlanWorker.id == self.id).values(heartbeat_at=now))
                        if not cast(CursorResult[Any], beat).rowcount:
                            self._register_in(s, now)
                if self.recover():
                    log.warning("took back stale plan jobs")
            except Exception:
                log.exception("plan job heartbeat failed")

    def _register_in(self, s: Any, now: Any) -> None:
        s.add(PlanWorker(id=self.id, host=self.host, pid=os.getpid(), slots=self.settings.workers,
                         started_at=now, heartbeat_at=now))

    def _send_webhooks(self) -> None:
        sender = webhooks.Sender(self.db, self.settings)
        while not self._stop.wait(0.5):
            try:
                sender.send_due()
            except Exception:
                log.exception("sending webhooks failed")

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

    def caps(self, options: PlanOptions) -> Caps:
        """The job's time limit plus the grace of CPU time (the work, whatever the machine's load), and
        four times that of wall-clock time (a plan on a busy machine is slower, not bigger)."""
        cpu = math.ceil(options.time_limit_s) + self.settings.plan_grace_s
        return Caps(memory_mb=self.settings.plan_memory_mb, cpu_s=cpu, wall_s=4 * cpu)

    def cores(self) -> int:
        """The cores one job's search may use: this process's, shared among the jobs it runs at once."""
        return max(1, usable_cores() // max(1, self.settings.workers))

    def execute(self, job_id: str, case: Case, options: PlanOptions) -> tuple[PlanOutput, float | None]:
        """The plan (and its peak memory, MB): in a capped child process, or
        in this thread when ``worker_isolation`` is off (one core then: a
        thread of a process running others may not fork)."""
        progress = self._progress(job_id)
        if options.cores is None:
            options = replace(options, cores=self.cores())
        if not self.settings.worker_isolation:
            return self.plan_function(case, options=options, progress=progress), None
        return run_capped(self.plan_function, case, options, self.caps(options), progress, self._stop)

    def run(self, job_id: str) -> None:
        """Run one claimed job to a final state. A failed job keeps a stable
        code and message; an unexpected exception goes to the log only."""
        try:
            case, options = self.prepare(job_id)
            output, peak = self.execute(job_id, case, options)
        except JobCancelled:
            self._finish(job_id, "cancelled", message="cancelled")
        except InterruptedError:
            log.warning("plan job %s interrupted: the worker stops (another worker takes it back)", job_id)
        except JobFailed as exc:
            log.warning("plan job %s failed: %s %s", job_id, exc.code, exc.message)
            self._finish(job_id, "failed", error="; ".join([exc.message, *exc.problems[:20]]), code=exc.code,
                         peak=exc.peak_mb)
        except Exception as exc:  # the job fails, the worker lives on
            api_error = engine_error(exc)
            if api_error is None:
                log.exception("plan job %s failed", job_id)
                code, detail = "internal_error", "the plan failed unexpectedly; the error is in the server log"
            else:
                code, detail = api_error.code, "; ".join([api_error.message, *api_error.problems[:20]])
            self._finish(job_id, "failed", error=detail, code=code)
        else:
            self._finish(job_id, "succeeded", message="done", output=output, peak=peak)

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
        code: str = "", peak: float | None = None,
    ) -> None:
        with self.db.write() as s:
            job = s.get(PlanJob, job_id)
            if job is None or job.worker != self.id or job.status != "running":
                return  # taken back meanwhile (stale heartbeat): its new owner decides
            if job.cancel_requested and status == "succeeded":
                status, message, output = "cancelled", "cancelled (result dropped)", None
            if output is not None:
                results.store(s, job, output)
                webhooks.plan_ready(s, job, output.document)
            job.status, job.finished_at = status, utcnow()
            job.message, job.error, job.error_code = message or job.message, error, code
            job.peak_memory_mb = peak
            if status == "succeeded":
                job.progress = 1.0
