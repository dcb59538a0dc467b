"""The exact search on several cores: walks in forked processes that meet
at the best plan.

A time-limited search of a whole day (:func:`.improve.improve`) uses one
core. With ``workers`` cores, :func:`walks` runs that many walks at once
from the same plan, each with its own seed (walk 0 in this process, with
the seed the solve was given, the others forked; walk 0 at the
record-to-record threshold ``improve.THRESHOLD``, the others at
``improve.OTHER_THRESHOLD``: a portfolio), for an epoch of about
``EPOCH_S``; every walk then starts the next epoch from the cheapest plan
any found (ties: the lowest walk), until the deadline. The record-to-record
threshold falls over the whole limit, not per epoch (``phase``). Forked
processes inherit the day (network, travel matrices, memos) without
pickling it, so an epoch starts in milliseconds; a walk that has not
answered shortly after the deadline is ended and its epoch's plan ignored.

Under a step limit (``solution_limit``) the search stays one walk, so the
same input and seed give the same plan on any machine.

Tried and dropped (2026-12-07): the walks' plans crossed as a genetic
search crosses them (HGS, SREX-like): the routes of a random lot's vehicle
and of its 2-12 nearest lots' vehicles taken from one plan, the others from
the second, the lots thus on two routes taken off the second's, the lots
then on none re-inserted by the exact insertion. Four 15 s walks of the
embedded day from one start (60.59-62.11 M VND) crossed 8 times: the exact
checks rejected 4 children (two plans' unloadings in one intake slot), the
others cost 64.2-83.1 M, and 4 s of walk from each reached 61.6-63.7 M where
4 s from the best parent reached 58.6-59.4; on the day with a packing house
down 7 of 8 children were rejected. A plan's routes are bound together by
the packing houses' intake and the harvest waves, so a child of two plans
is far from both.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..processes import die_with_parent
from .deadline import Deadline
from .improve import Improved
from .schedule import Visits

EPOCH_S = 10.0  # seconds between two meetings of the walks at the best plan
GRACE_S = 0.25  # a forked walk not done this long after the search's end is ended
LATE_S = 2.0  # before the last epoch, a forked walk's last step may end this much after its epoch (time left)
SEED_STRIDE = 7919  # walk k of epoch e takes seed + SEED_STRIDE * (e * workers + k)

# one walk: from routes, until the deadline, with a seed, over a part (start, end) of the whole search's
# time; the last argument False in a forked walk (it reports no progress: this process does)
Walk = Callable[[list[Visits], Deadline, int, tuple[float, float], bool], Improved]


def epochs(seconds: float) -> int:
    """How many epochs a search of ``seconds`` takes: about ``EPOCH_S`` each, at least one."""
    return max(1, round(seconds / EPOCH_S))


def walks(walk: Walk, routes: list[Visits], *, workers: int, deadline: Deadline, seed: int,
          until_deadline: bool = False) -> Improved:
    """The best plan of ``workers`` walks meeting every epoch (module
    docstring); ``walk`` itself with one worker, and with
    ``until_deadline`` (a search bounded by time alone) once it has ended
    itself after ``improve.MAX_RESTARTS`` fruitless restarts, another walk
    from the best plan with the next seed, until the deadline. The steps,
    kept steps and restarts of every walk are summed."""
    if workers <= 1:
        return _one(walk, routes, deadline, seed, until_deadline)
    total = deadline.left()
    count = epochs(total)
    best: Improved | None = None
    steps = kept = restarts = 0
    current = routes
    for e in range(count):
        until = deadline.share(1.0 / (count - e))
        phase = (e / count, (e + 1) / count)
        seeds = [seed + SEED_STRIDE * (e * workers + k) for k in range(workers)]
        found = _epoch(walk, current, until, seeds, phase, deadline)
        for result in found:
            steps, kept, restarts = steps + result.steps, kept + result.kept, restarts + result.restarts
        epoch_best = min(found, key=lambda r: r.cost)  # (min keeps the first of equal costs)
        if best is None or epoch_best.cost < best.cost:
            best = epoch_best
        current = best.routes
        if deadline.expired():
            break
    assert best is not None
    return Improved(best.routes, best.cost, steps, kept, restarts)


def _one(walk: Walk, routes: list[Visits], deadline: Deadline, seed: int, until_deadline: bool) -> Improved:
    """One walk over the whole time; with ``until_deadline``, a walk that
    stalled (its restarts found nothing cheaper ``improve.MAX_RESTARTS`` times: the
    embedded day's 20-minute single walk ended itself at 803 s, the day
    with a packing house down at 336 s) is followed by another from the
    best plan, its threshold where the whole search's has fallen to; at
    most as many walks as the search has epochs (:func:`epochs`), as the
    walks on several cores, so a day too small to need the time still
    ends early."""
    total = max(deadline.left(), 1e-9)
    count = epochs(total)
    done = best = walk(routes, deadline, seed, (0.0, 1.0), True)
    steps, kept, restarts, k = done.steps, done.kept, done.restarts, 0
    while until_deadline and done.stalled and k + 1 < count and not deadline.expired():
        k += 1
        done = walk(best.routes, deadline, seed + SEED_STRIDE * k, (1.0 - deadline.left() / total, 1.0), True)
        steps, kept, restarts = steps + done.steps, kept + done.kept, restarts + done.restarts
        if done.cost < best.cost:
            best = done
    return Improved(best.routes, best.cost, steps, kept, restarts)


def _epoch(walk: Walk, routes: list[Visits], until: Deadline, seeds: list[int], phase: tuple[float, float],
           end: Deadline) -> list[Improved]:
    """One epoch until ``until``: walk 0 here, the others forked; the
    results of the walks that answered (within ``LATE_S`` of the epoch's
    end while the search's ``end`` is later, ``GRACE_S`` after that end),
    walk 0's first."""
    ctx = mp.get_context("fork")
    children: list[tuple[Any, Connection]] = []  # (forked processes)
    try:
        for s in seeds[1:]:
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(send, walk, routes, until, s, phase, os.getpid()), daemon=True)
            proc.start()
            send.close()
            children.append((proc, receive))
        out = [walk(routes, until, seeds[0], phase, True)]
        for _, receive in children:
            wait = max(until.left() + GRACE_S, min(end.left(), until.left() + LATE_S))
            if receive.poll(wait):
                with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):  # (a walk that died: ignored)
                    out.append(pickle.loads(receive.recv_bytes()))
        return out
    finally:
        for proc, receive in children:
            receive.close()
            if proc.is_alive():
                proc.kill()
            proc.join()


def _child(send: Connection, walk: Walk, routes: list[Visits], until: Deadline, seed: int,
           phase: tuple[float, float], parent: int) -> None:
    die_with_parent(parent)  # (a search killed by a signal takes its walks with it)
    try:
        send.send_bytes(pickle.dumps(walk(routes, until, seed, phase, False)))
    finally:
        send.close()
