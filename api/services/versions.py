"""The version of an organisation's orders or lots of a case: a number the
database's triggers raise in the transaction of every change (migration
0005; api.readcache says what it is for).

A read needs a version read *after* it was asked (then every write committed
before the request is seen). On SQLite that is one query of the local file
(``of_connection``). On PostgreSQL each such query is a round trip to the
server, and under load the round trips, not the kept bodies, were the work:
``VersionBoard`` reads every version in one query that answers all the
requests that arrived before it began (those arriving while it runs wait for
the next one), so a kept body is served after one shared round trip."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..models import ReadVersion

VersionOf = Callable[[str, int, str], int]
"""``(table, case_id, org) -> version`` (0 before any write)."""
Versions = dict[tuple[str, int, str], int]

_CURRENT = select(ReadVersion.version).where(
    ReadVersion.kind == bindparam("kind"), ReadVersion.case_id == bindparam("case_id"),
    ReadVersion.org == bindparam("org"))
EVERY = select(ReadVersion.kind, ReadVersion.case_id, ReadVersion.org, ReadVersion.version)


def current(conn: Connection, table: str, case_id: int, org: str) -> int:
    """The version of ``org``'s rows of ``table`` (orders, lots) in case ``case_id``; 0 before any."""
    found = conn.execute(_CURRENT, {"kind": table, "case_id": case_id, "org": org}).scalar()
    return int(found or 0)


def of_connection(conn: Connection) -> VersionOf:
    """Versions read on ``conn`` as they are asked for."""
    return lambda table, case_id, org: current(conn, table, case_id, org)


def of_table(table: Versions) -> VersionOf:
    """Versions looked up in ``table`` (a ``VersionBoard`` answer)."""
    return lambda kind, case_id, org: table.get((kind, case_id, org), 0)


class VersionBoard:
    """Every version, read by ``fetch`` in a query begun after the caller asked.

    One query at a time: a caller that finds none running starts one; a caller
    that finds one running (begun before it asked, so too early for it) waits
    for the next, which starts when the running one ends and answers every
    caller that came meanwhile. Under load about two round trips answer any
    number of reads. The table has one row per (orders or lots, case,
    organisation): hundreds of rows for a province's cooperatives and partners.
    """

    def __init__(self, fetch: Callable[[], Awaitable[Versions]]) -> None:
        self._fetch = fetch
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: asyncio.Future[Versions] | None = None
        self._next: asyncio.Future[Versions] | None = None
        self.queries = self.answers = 0

    async def current(self) -> Versions:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (a restarted app): nothing of the old one is awaited
            self._loop, self._running, self._next = loop, None, None
        self.answers += 1
        if self._running is None:
            wanted = self._start()
        else:
            if self._next is None:
                self._next = loop.create_future()
            wanted = self._next
        return await asyncio.shield(wanted)

    def _start(self) -> asyncio.Future[Versions]:
        self.queries += 1
        task = asyncio.ensure_future(self._fetch())
        self._running = task
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Future[Versions]) -> None:
        if not task.cancelled():
            task.exception()  # retrieved here: each caller sees it through its own await
        if task.get_loop() is not self._loop:  # an old loop's query
            return
        self._running = None
        waiting, self._next = self._next, None
        if waiting is None:
            return
        following = self._start()
        following.add_done_callback(lambda done: _pass_on(done, waiting))


def _pass_on(done: asyncio.Future[Versions], to: asyncio.Future[Versions]) -> None:
    if to.done():
        return
    if done.cancelled():
        to.cancel()
    elif (error := done.exception()) is not None:
        to.set_exception(error)
    else:
        to.set_result(done.result())
