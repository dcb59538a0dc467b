"""Catchments in parallel: on this machine's cores by default
(:func:`run_in_processes`, with :func:`lpt_shares` of the time limit), or on
a Dask cluster through a mapper for :func:`~.engine.route_pickups`
(``mapper=``).

``dask_mapper(None)`` starts a local cluster (one single-threaded worker
process per ``workers``; OR-Tools holds its thread), ``dask_mapper(address)``
uses a running scheduler (``tcp://host:8786``). Each catchment is one task;
results come back in the parts' order, so the merged plan is the same for any
number of workers (under a solution limit, which makes each solve
independent of machine speed)."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import cloudpickle

from ..processes import die_with_parent, usable_cores

T = TypeVar("T")
R = TypeVar("R")
Mapper = Callable[[Callable[[T], R], list[T]], list[R]]


@contextmanager
def dask_mapper(address: str | None = None, *, workers: int = 2) -> Iterator[Mapper]:  # type: ignore[type-arg]
    """A mapper running each call on the cluster at ``address`` (a local one
    of ``workers`` processes when None), closed on exit."""
    from dask.distributed import Client, LocalCluster

    cluster = None if address else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                dashboard_address=":0")
    client = Client(address or cluster)
    client.run(_warm)  # each worker compiles or loads the places' kernel before any clock starts
    try:
        def run(fn: Callable[[T], R], items: list[T]) -> list[R]:
            futures = client.map(fn, items, pure=False)
            return list(client.gather(futures))

        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _warm() -> None:
    from .places_kernel import warm

    warm()


def can_fork() -> bool:
    """Whether this process may fork workers: the platform has fork and this
    process runs one thread (a fork copies no other thread, and what they
    hold stays held)."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def local_workers(asked: int | None, parts: int) -> int:
    """Processes to solve ``parts`` catchments with: ``asked`` (None: the
    usable cores), at most one per part, and one (this process) in a
    daemonic process, which may not start others (a Dask worker's, a pool's)."""
    if mp.current_process().daemon:
        return 1
    return max(1, min(asked or usable_cores(), parts))


def lpt_shares(sizes: Sequence[float], workers: int, seconds: float) -> list[float]:
    """Each part's seconds when ``workers`` solve the parts largest first,
    each on the worker free first (longest processing time first), a part's
    time in proportion to its size and the busiest worker's sum ``seconds``:
    the shares that fill the limit on every worker."""
    loads = [0.0] * max(workers, 1)
    for size in sorted(sizes, reverse=True):
        loads[loads.index(min(loads))] += size
    busiest = max(loads)
    return [seconds * size / busiest if busiest > 0 else seconds for size in sizes]


_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what forked workers read by index


def _by_index(k: int) -> bytes:
    assert _TASK is not None
    fn, items = _TASK
    return cloudpickle.dumps(fn(items[k]))


def _pickled(blob: bytes) -> bytes:
    fn, item = cloudpickle.loads(blob)
    return cloudpickle.dumps(fn(item))


def run_in_processes(fn: Callable[[T], R], items: Sequence[T], *, workers: int, order: Sequence[int] | None = None,
                     poll: Callable[[list[int]], None] | None = None, every_s: float = 0.2) -> list[R]:
    """``fn`` over ``items`` in ``workers`` local processes (multiprocessing's
    pool), started in ``order`` (default as given: the pool takes them first
    come, first served), the results in the items' order. Forked where the
    platform allows and this process runs one thread (the items are then
    inherited, not pickled: a case's travel matrices are large), else
    spawned (the items pickled with cloudpickle, as Dask sends them).
    ``poll(done)`` is called with the indices done so far every ``every_s``
    while waiting; what it raises (a cancel) ends the workers."""
    global _TASK
    forked = can_fork()
    ctx = mp.get_context("fork" if forked else "spawn")
    sequence = list(range(len(items)) if order is None else order)
    if sorted(sequence) != list(range(len(items))):
        raise ValueError("run_in_processes: order must name each item once")
    _TASK = (fn, items) if forked else None
    try:
        with ctx.Pool(max(1, min(workers, len(items))), initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            pending = {k: (pool.apply_async(_by_index, (k,)) if forked
                           else pool.apply_async(_pickled, (cloudpickle.dumps((fn, items[k])),))) for k in sequence}
            while True:
                done = [k for k in sequence if pending[k].ready()]
                if poll is not None:
                    poll(done)
                if len(done) == len(sequence):
                    break
                next(pending[k] for k in sequence if not pending[k].ready()).wait(every_s)
            return [cloudpickle.loads(pending[k].get()) for k in range(len(items))]  # (leaving the pool ends it)
    finally:
        _TASK = None
