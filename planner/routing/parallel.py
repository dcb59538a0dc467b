"""Catchments in parallel on a Dask cluster: a mapper for
:func:`~.engine.route_pickups` (``mapper=``).

``dask_mapper(None)`` starts a local cluster (one single-threaded worker
process per ``workers``; OR-Tools holds its thread), ``dask_mapper(address)``
uses a running scheduler (``tcp://host:8786``). Each catchment is one task;
results come back in the parts' order, so the merged plan is the same for any
number of workers (under a solution limit, which makes each solve
independent of machine speed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

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
    try:
        def run(fn: Callable[[T], R], items: list[T]) -> list[R]:
            futures = client.map(fn, items, pure=False)
            return list(client.gather(futures))

        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
