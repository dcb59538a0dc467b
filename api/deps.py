"""Shared request dependencies (use as ``Annotated`` types in routes)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from .auth import Principal, Role, authenticate
from .db import Database
from .errors import ApiError
from .jobs import JobRunner
from .limits import page_size
from .models import CaseRecord
from .readcache import ReadCache
from .services import cases as case_service
from .services import versions
from .services.versions import VersionOf
from .settings import Settings

KEY_CACHE_S = 5.0  # a revoked key may work this long in other processes
T = TypeVar("T")


@dataclass
class AppState:
    settings: Settings
    db: Database
    cases: case_service.CaseStore
    runner: JobRunner | None = None
    reads: ReadCache = field(default_factory=lambda: ReadCache(0))
    _keys: dict[str, tuple[float, Principal]] = field(default_factory=dict)
    _case_records: dict[str, CaseRecord] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _readers: anyio.CapacityLimiter | None = None
    _async_gate: asyncio.Semaphore | None = None  # first come, first read (see read_async)
    _versions: versions.VersionBoard | None = None  # PostgreSQL with async reads (see read_kept)

    async def read(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` (a short read: one or two indexed queries and their JSON)
        on a read connection (api.db): on PostgreSQL with ``settings.async_reads``
        on the event loop, each query awaiting the server (``read_async``); else in
        one of ``settings.reader_threads`` threads, or on the event loop when that
        is 0. A few threads are enough: more only queue for the GIL, and for
        connections, while the requests that came first wait behind them."""
        if self.db.async_read_engine is not None:
            return await again_if_dropped_async(lambda: self.read_async(work))
        threads = self.settings.reader_threads
        if threads == 0:
            return again_if_dropped(lambda: self.read_here(work))
        if self._readers is None:
            self._readers = anyio.CapacityLimiter(threads)
        return await anyio.to_thread.run_sync(again_if_dropped, lambda: self.read_here(work), limiter=self._readers)

    def read_here(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` on a read connection, in the calling thread."""
        with self.db.connect() as conn:
            return work(conn)

    async def read_async(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` on an asynchronous read connection (PostgreSQL): the
        synchronous function runs unchanged in a greenlet on the event loop, and
        each of its queries hands the loop back until the server answers
        (SQLAlchemy's ``AsyncConnection.run_sync``). At most ``reader_threads``
        reads run at once, admitted first come, first served: without that gate
        the 100 requests of a load run interleaved on the loop and the last of
        them waited long (p99 1.5-1.7 s against 345-382 ms with it, and
        529-582 GETs/s against 446-476 with the reads in threads;
        benchmarks/results/api_load.md)."""
        if self._async_gate is None:
            self._async_gate = asyncio.Semaphore(max(self.settings.reader_threads, 1))
        async with self._async_gate, self.db.connect_async() as conn:
            return await conn.run_sync(work)

    async def read_kept(self, kept: Callable[[VersionOf], T | None],
                        work: Callable[[Connection, VersionOf | None], T]) -> T:
        """A read whose answer may be kept (api.readcache): ``kept(version_of)``
        finds it if it is still current, ``work(conn, version_of)`` builds it
        (``read``). The versions are read after the request came:
        - SQLite: on the event loop (one indexed query of a local file, tens of
          microseconds; a hand-over to a read thread and back costs more, and
          under load waits for the GIL, Python's switch interval of 5 ms);
        - PostgreSQL with asynchronous reads: from the ``VersionBoard`` (one
          query shared by every read that came before it began), so a kept
          body costs no round trip of its own and no place in the read gate;
          ``work`` is given the same versions;
        - else ``work`` reads the version itself, in a read thread."""
        if self.db.is_sqlite:
            found = again_if_dropped(lambda: self.read_here(lambda conn: kept(versions.of_connection(conn))))
            if found is not None:
                return found
            return await self.read(lambda conn: work(conn, None))
        if self.db.async_read_engine is None:
            return await self.read(lambda conn: work(conn, None))
        version_of = versions.of_table(await again_if_dropped_async(self.version_board().current))
        found = kept(version_of)
        return found if found is not None else await self.read(lambda conn: work(conn, version_of))

    def version_board(self) -> versions.VersionBoard:
        if self._versions is None:
            self._versions = versions.VersionBoard(self._every_version)
        return self._versions

    async def _every_version(self) -> versions.Versions:
        async with self.db.connect_async() as conn:
            rows = (await conn.execute(versions.EVERY)).all()
        return {(kind, case_id, org): int(version) for kind, case_id, org, version in rows}

    def cached_principal(self, token: str | None) -> Principal | None:
        with self._lock:
            hit = self._keys.get(token or "")
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def principal(self, token: str | None) -> Principal:
        now = time.monotonic()
        hit = self.cached_principal(token)
        if hit is not None:
            return hit
        with self.db.reader() as s:
            who = authenticate(s, token)
        with self._lock:
            if len(self._keys) > 10_000:
                self._keys.clear()
            self._keys[token or ""] = (now + KEY_CACHE_S, who)
        return who

    def forget_keys(self) -> None:
        with self._lock:
            self._keys.clear()

    def case_record(self, name: str) -> CaseRecord:
        """The case named ``name`` (id and name; cases never change once stored)."""
        with self._lock:
            hit = self._case_records.get(name)
        if hit is not None:
            return hit
        with self.db.reader() as s:
            record = case_service.get(s, name)
            s.expunge(record)
        with self._lock:
            self._case_records[name] = record
        return record


def again_if_dropped(read: Callable[[], T]) -> T:
    """``read()``, once more if the database dropped its connection (a restarted
    server): the read connections are not pinged at checkout (api.db), and the
    pool has meanwhile let go of every connection older than the dropped one."""
    try:
        return read()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return read()


async def again_if_dropped_async(read: Callable[[], Awaitable[T]]) -> T:
    """``again_if_dropped`` for a read on the event loop (``AppState.read_async``)."""
    try:
        return await read()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return await read()


async def get_state(request: Request) -> AppState:
    return request.app.state.api  # type: ignore[no-any-return]


# The dependencies below take the state from the request, not as ``State``:
# FastAPI solves a shared sub-dependency again for every dependency that
# names it (its cache only skips the call), and on the partners' hot path
# those solves cost as much as the read (a profile of one page: 9 solves).
State = Annotated[AppState, Depends(get_state)]
bearer = HTTPBearer(auto_error=False, description="An API key from `planner keys create`")


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    state: AppState = request.app.state.api
    token = credentials.credentials if credentials else None
    return state.cached_principal(token) or await run_in_threadpool(state.principal, token)


Caller = Annotated[Principal, Depends(get_principal)]


async def get_db(state: State) -> Database:
    return state.db


# Routes open their sessions themselves (``with db.reader() as session:``) so the
# connection goes back to the pool before the route returns: FastAPI validates a
# sync route's response in a worker thread, and threads waiting for connections
# held by finished routes would otherwise wait for each other.
DB = Annotated[Database, Depends(get_db)]


async def limit_of(request: Request, limit: Annotated[int | None, Query(ge=1, description="Page size (default 100, at most the server's max_page_size, 1000 by default)", examples=[100])] = None) -> int:
    settings: Settings = request.app.state.settings
    return page_size(limit, default=settings.default_page_size, maximum=settings.max_page_size)


Limit = Annotated[int, Depends(limit_of)]
Cursor = Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$",
                                     description="next_cursor of the previous page (digits; opaque to clients)")]


async def case_of(
    request: Request,
    case: Annotated[str | None, Query(max_length=64, description="Case name (default: the server's default case)")] = None,
) -> CaseRecord:
    state: AppState = request.app.state.api
    name = case or state.settings.default_case
    with state._lock:
        hit = state._case_records.get(name)
    return hit or await run_in_threadpool(state.case_record, name)


CaseParam = Annotated[CaseRecord, Depends(case_of)]


def allow(who: Principal, *roles: Role) -> None:
    """403 unless the caller has one of ``roles`` (planners may do everything)."""
    if who.role not in roles and not who.is_planner:
        raise ApiError(403, "forbidden", f"a {who.role} key may not do this")
