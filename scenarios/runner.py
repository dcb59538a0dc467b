"""Replications in parallel with Dask.

A local cluster (``distributed.LocalCluster``, one single-threaded worker
process per core asked for) by default, or an existing cluster given by its
scheduler address. Each replication is one task; its random numbers come
from (scenario seed, run index) only, so the results do not depend on the
number of workers. Results are gathered in run order."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from distributed import Client, LocalCluster, as_completed

from .simulator import PlanFunction, RunResult, simulate_run
from .spec import ScenarioSpec


@dataclass(frozen=True, slots=True)
class Replications:
    """Every run of a scenario, in run order, with timing."""

    spec: ScenarioSpec
    runs: list[RunResult]
    wall_s: float
    workers: int
    scheduler: str


@contextmanager
def dask_client(*, workers: int | None = None, scheduler: str | None = None,
                processes: bool = True) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a new local cluster
    with ``workers`` single-threaded workers (closed on exit)."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=processes,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


def run_replications(
    spec: ScenarioSpec, *, runs: int | None = None, seed: int | None = None,
    workers: int | None = None, scheduler: str | None = None, processes: bool = True,
    planner: PlanFunction | None = None, client: Client | None = None,
    progress: Callable[[int, int, RunResult], None] | None = None,
) -> Replications:
    """Run ``runs`` replications of ``spec`` (default ``spec.runs``) on Dask.

    ``seed`` overrides the scenario's seed. ``client`` reuses a connected
    client; otherwise one is made from ``scheduler`` or a local cluster of
    ``workers`` processes. ``progress(done, total, result)`` is called as runs
    finish."""
    if seed is not None:
        spec = replace(spec, seed=seed)
    n = runs or spec.runs
    if n < 1:
        raise ValueError(f"runs must be >= 1, got {n}")
    started = time.perf_counter()
    if client is not None:
        results = _gather(client, spec, n, planner, progress)
        n_workers, address = len(client.scheduler_info()["workers"]), client.scheduler.address
    else:
        with dask_client(workers=workers, scheduler=scheduler, processes=processes) as c:
            results = _gather(c, spec, n, planner, progress)
            n_workers, address = len(c.scheduler_info()["workers"]), str(c.scheduler.address)
    results.sort(key=lambda r: r.run)
    return Replications(spec, results, time.perf_counter() - started, n_workers, str(address))


def _gather(client: Client, spec: ScenarioSpec, n: int, planner: PlanFunction | None,
            progress: Callable[[int, int, RunResult], None] | None) -> list[RunResult]:
    futures = [
        client.submit(simulate_run, spec, run, planner=planner, pure=False)
        for run in range(n)
    ]
    results: list[RunResult] = []
    for future in as_completed(futures):
        result = future.result()
        results.append(result)
        if progress:
            progress(len(results), n, result)
    return results
