"""Replications in parallel with Dask.

A local cluster (``distributed.LocalCluster``, one single-threaded worker
process per core asked for) by default, or an existing cluster given by its
scheduler address. Each replication is one task; its random numbers come
from (scenario seed, run index) only, so the results do not depend on the
number of workers. Results are gathered in run order.

A cluster fails clearly: a scheduler that cannot be reached within
``connect_s`` is a :class:`~.errors.ClusterError` (one line); so is a
cluster with no worker for ``no_worker_s`` seconds, at the start or when
every worker is lost mid-run (its unfinished runs are cancelled). A worker
lost while others remain is replaced by Dask re-running its task elsewhere
(a local cluster's workers may go an hour without a heartbeat, ``WORKER_TTL_S``,
since one routing solve holds the Python lock); :class:`Replications` records the workers at the start and at the end, the
workers lost and the tasks that were re-run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import dask
from distributed import Client, Future, LocalCluster, wait

from .errors import ClusterError
from .simulator import PlanFunction, RunResult, simulate_run
from .spec import ScenarioSpec

CONNECT_S = 10.0  # seconds to reach a scheduler
NO_WORKER_S = 60.0  # seconds without any worker before giving up
POLL_S = 1.0
WORKER_TTL_S = 3600.0
"""Seconds a local cluster's worker may go without a heartbeat before the
scheduler restarts it (Dask's default: 300). A routing solve holds the
Python lock (OR-Tools' C++ search) and so blocks the worker's heartbeats:
on a busy machine at ``nice 19`` a worker of the scenario table went 571 s
without one, the scheduler restarted it and its run began again."""


@dataclass(frozen=True, slots=True)
class Replications:
    """Every run of a scenario, in run order, with timing and what the
    cluster went through."""

    spec: ScenarioSpec
    runs: list[RunResult]
    wall_s: float
    workers_start: int
    scheduler: str
    workers_end: int = 0
    workers_lost: int = 0
    tasks_retried: int = 0

    @property
    def workers(self) -> int:
        return self.workers_start


@contextmanager
def dask_client(*, workers: int | None = None, scheduler: str | None = None,
                processes: bool = True, connect_s: float = CONNECT_S) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a new local cluster
    with ``workers`` single-threaded workers (closed on exit)."""
    if scheduler:
        try:
            client = Client(scheduler, timeout=connect_s)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            msg = f"cannot reach the Dask scheduler at {scheduler!r} within {connect_s:g} s ({reason})"
            raise ClusterError(msg) from None
        with client:
            yield client
        return
    with dask.config.set({"distributed.scheduler.worker-ttl": f"{WORKER_TTL_S:g}s"}), \
            LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=processes,
                         dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


def run_replications(
    spec: ScenarioSpec, *, runs: int | None = None, seed: int | None = None,
    workers: int | None = None, scheduler: str | None = None, processes: bool = True,
    planner: PlanFunction | None = None, client: Client | None = None,
    progress: Callable[[int, int, RunResult], None] | None = None,
    no_worker_s: float = NO_WORKER_S, connect_s: float = CONNECT_S,
) -> Replications:
    """Run ``runs`` replications of ``spec`` (default ``spec.runs``) on Dask.

    ``seed`` overrides the scenario's seed. ``client`` reuses a connected
    client; otherwise one is made from ``scheduler`` or a local cluster of
    ``workers`` processes. ``progress(done, total, result)`` is called as runs
    finish. Raises :class:`~.errors.ClusterError` when the scheduler cannot
    be reached or the cluster has no worker for ``no_worker_s`` seconds."""
    if seed is not None:
        spec = replace(spec, seed=seed)
    n = runs or spec.runs
    if n < 1:
        raise ValueError(f"runs must be >= 1, got {n}")
    started = time.perf_counter()
    if client is not None:
        return _run(client, spec, n, planner, progress, no_worker_s, started)
    with dask_client(workers=workers, scheduler=scheduler, processes=processes,
                     connect_s=connect_s) as c:
        return _run(c, spec, n, planner, progress, no_worker_s, started)


def _workers(client: Client) -> set[str]:
    return set(client.scheduler_info(n_workers=-1)["workers"])


def _run(client: Client, spec: ScenarioSpec, n: int, planner: PlanFunction | None,
         progress: Callable[[int, int, RunResult], None] | None, no_worker_s: float,
         started: float) -> Replications:
    try:
        client.wait_for_workers(1, timeout=no_worker_s)
    except TimeoutError:
        msg = f"no Dask worker joined the scheduler at {client.scheduler.address} within {no_worker_s:g} s"
        raise ClusterError(msg) from None
    seen = _workers(client)
    at_start = len(seen)
    futures = [client.submit(simulate_run, spec, run, planner=planner, pure=False) for run in range(n)]
    results: list[RunResult] = []
    pending: set[Future] = set(futures)
    alone_since: float | None = None
    try:
        while pending:
            try:
                done, not_done = wait(list(pending), timeout=POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished within the poll
                done, not_done = set(), pending
            for future in done:
                results.append(future.result())
                if progress:
                    progress(len(results), n, results[-1])
            pending = set(not_done)
            now = _workers(client)
            seen |= now
            if now or not pending:
                alone_since = None
            elif alone_since is None:
                alone_since = time.perf_counter()
            elif time.perf_counter() - alone_since > no_worker_s:
                msg = (f"every Dask worker was lost ({len(seen)} seen); none came back within "
                       f"{no_worker_s:g} s; {len(pending)} of {n} run(s) unfinished")
                raise ClusterError(msg)
    except BaseException:
        client.cancel(list(pending))
        raise
    retried = _retried(client, futures)
    end = _workers(client)
    results.sort(key=lambda r: r.run)
    return Replications(spec, results, time.perf_counter() - started, at_start,
                        str(client.scheduler.address), workers_end=len(end),
                        workers_lost=len(seen - end), tasks_retried=retried)


def _retried(client: Client, futures: list[Future]) -> int:
    """Tasks the scheduler re-ran because a worker died while running them
    (the scheduler's ``suspicious`` count)."""
    keys = [f.key for f in futures]

    def count(dask_scheduler: Any, keys: list[Any] = keys) -> int:
        tasks = dask_scheduler.tasks
        return sum(1 for k in keys if k in tasks and tasks[k].suspicious > 0)

    try:
        return int(client.run_on_scheduler(count))
    except Exception:  # noqa: BLE001 - a scheduler that refuses run_on_scheduler
        return -1
