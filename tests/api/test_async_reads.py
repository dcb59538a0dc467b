"""PostgreSQL reads on the event loop (settings.async_reads, api.db's
asynchronous read engine): the same bodies and ETags as the reads in
threads, writes seen at once, one organisation's records never another's,
a dropped connection read again once."""

from __future__ import annotations

import time
from typing import Any

import pytest
from apitest import fill, order, planned
from sqlalchemy import Engine, event, text, update

from api import Settings
from api.models import OrderRecord

VP = "viettel-post"
ONLY_POSTGRES = pytest.mark.parametrize(
    "db_target", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def _post(api: Any, org: str, rows: list[dict[str, object]]) -> None:
    r = api.client.post("/v1/orders", json={"orders": rows}, headers=api.auth(org))
    assert r.status_code == 200, r.text


def _checkouts(engine: Engine) -> list[int]:
    """A counter of the connections ``engine``'s pool hands out."""
    count = [0]

    @event.listens_for(engine, "checkout")
    def _count(*_: Any) -> None:
        count[0] += 1

    return count


def _get(api: Any, org: str, path: str) -> tuple[int, bytes, str | None]:
    r = api.client.get(path, headers=api.auth(org))
    return r.status_code, r.content, r.headers.get("ETag")


def test_async_reads_are_for_postgresql_and_can_be_switched_off(monkeypatch, tmp_path):
    pg = "postgresql+psycopg://u@127.0.0.1/db"
    assert Settings(database_url=pg).uses_async_reads
    assert not Settings(database_url=pg, async_reads=False).uses_async_reads
    assert not Settings(data_dir=tmp_path).uses_async_reads  # SQLite keeps its reads
    monkeypatch.setenv("PLANNER_ASYNC_READS", "0")
    assert not Settings(database_url=pg).uses_async_reads


def test_sqlite_has_no_async_read_engine(api):
    assert api.state.db.async_read_engine is None
    _post(api, VP, [order("VP-1")])
    assert api.client.get("/v1/orders/VP-1", headers=api.auth(VP)).status_code == 200


@ONLY_POSTGRES
def test_async_reads_answer_as_the_threads_do(make_api):
    """Two server processes on one database, one reading on the event loop, one
    in threads: every read answers the same status, bytes and ETag, and each
    ran on its own kind of connection."""
    loop, threads = make_api(), make_api(workers=0, async_reads=False)
    assert loop.state.db.async_read_engine is not None and threads.state.db.async_read_engine is None
    on_loop = _checkouts(loop.state.db.async_read_engine.sync_engine)
    in_threads = [_checkouts(loop.state.db.read_engine), _checkouts(threads.state.db.read_engine)]
    fill(loop)
    _post(loop, VP, [order(f"VP-{i:02d}", kg=i + 1, ordered=f"2025-06-1{1 + i % 2}T09:00") for i in range(7)])
    job = planned(loop)
    reads = [
        (VP, "/v1/orders"), (VP, "/v1/orders?limit=3"), (VP, "/v1/orders?limit=3&market=domestic&product=lychee"),
        (VP, "/v1/orders?ordered_to=2025-06-12T00:00:00%2B07:00&limit=100"), (VP, "/v1/orders/VP-03"),
        (VP, "/v1/orders/VNA-1"), (VP, "/v1/orders?org=vna-cargo"), (VP, "/v1/orders/nope"),
        ("vna-cargo", "/v1/orders"), ("province", "/v1/orders?limit=5"), ("province", "/v1/orders?org=vna-cargo"),
        ("province", "/v1/orders/VNA-1?org=vna-cargo"), ("coop-a", "/v1/lots"), ("coop-b", "/v1/lots/B-L1"),
        (VP, f"/v1/plans/{job}/manifests"), (VP, f"/v1/plans/{job}/manifests?limit=1"),
        ("vna-cargo", f"/v1/plans/{job}/manifests"), (VP, f"/v1/plans/{job}/manifests?partner=vna-cargo"),
        (VP, f"/v1/plans/{'0' * 32}/manifests"),
    ]
    cursor = loop.client.get("/v1/orders?limit=3", headers=loop.auth(VP)).json()["next_cursor"]
    reads.append((VP, f"/v1/orders?limit=3&cursor={cursor}"))
    for _ in range(2):  # built, then kept
        for org, path in reads:
            assert _get(loop, org, path) == _get(threads, org, path), path
    assert on_loop[0] >= len(reads)
    assert in_threads[0][0] == 0 and in_threads[1][0] >= len(reads)
    assert loop.state.reads.hits > 0


@ONLY_POSTGRES
def test_an_async_read_sees_every_write(make_api):
    """A body kept by a read on the loop is never served after a write, by the
    API or straight to the table from another process."""
    api, other = make_api(), make_api(workers=0)
    _post(api, VP, [order("VP-1"), order("VP-2")])
    for _ in range(2):
        page = api.client.get("/v1/orders", headers=api.auth(VP)).json()["items"]
        assert [(o["id"], o["kg"]) for o in page] == [("VP-1", 5.0), ("VP-2", 5.0)]
        assert api.client.get("/v1/orders/VP-1", headers=api.auth(VP)).json()["kg"] == 5.0
    hits = api.state.reads.hits
    assert hits >= 2
    _post(api, VP, [order("VP-1", kg=7), order("VP-3")])
    assert [o["id"] for o in api.client.get("/v1/orders", headers=api.auth(VP)).json()["items"]] == [
        "VP-1", "VP-2", "VP-3"]
    assert api.client.get("/v1/orders/VP-1", headers=api.auth(VP)).json()["kg"] == 7.0
    with other.state.db.write() as s:
        s.execute(update(OrderRecord).where(OrderRecord.external_id == "VP-1").values(kg=11.0))
    assert api.client.get("/v1/orders/VP-1", headers=api.auth(VP)).json()["kg"] == 11.0
    assert api.client.delete("/v1/orders/VP-2", headers=other.auth(VP)).status_code == 204
    assert api.client.get("/v1/orders/VP-2", headers=api.auth(VP)).status_code == 404
    assert [o["id"] for o in api.client.get("/v1/orders", headers=api.auth(VP)).json()["items"]] == ["VP-1", "VP-3"]
    assert api.state.reads.hits == hits  # nothing after a write came from the cache


@ONLY_POSTGRES
def test_an_async_read_never_answers_another_organisation(api):
    _post(api, VP, [order("X-1", kg=5)])
    _post(api, "vna-cargo", [order("X-1", kg=8, partner="vna-cargo"), order("V-2", partner="vna-cargo")])
    for _ in range(2):  # the second round from the cache
        for org, kg in ((VP, 5.0), ("vna-cargo", 8.0)):
            r = api.client.get("/v1/orders/X-1", headers=api.auth(org))
            assert (r.json()["org"], r.json()["kg"]) == (org, kg)
        assert [o["id"] for o in api.client.get("/v1/orders", headers=api.auth(VP)).json()["items"]] == ["X-1"]
        assert api.client.get("/v1/orders/V-2", headers=api.auth(VP)).status_code == 404
        assert api.client.get("/v1/orders/V-2?org=vna-cargo", headers=api.auth(VP)).status_code == 403
        assert api.client.get("/v1/orders?org=vna-cargo", headers=api.auth(VP)).status_code == 403
        assert api.client.get("/v1/orders", headers=api.auth("coop-a")).status_code == 403
    assert api.client.get("/v1/orders/V-2?org=vna-cargo", headers=api.auth("province")).status_code == 200


@ONLY_POSTGRES
def test_an_async_read_after_the_database_dropped_its_connection_is_answered(api):
    """The asynchronous read connections are not pinged at checkout either: a
    read on one the server closed is tried once more on a new connection."""
    _post(api, VP, [order("VP-1")])
    assert api.client.get("/v1/orders/VP-1", headers=api.auth(VP)).status_code == 200
    engine = api.state.db.async_read_engine
    assert engine.pool.checkedin() == 1  # the one connection the next read will take

    async def backend_pid() -> int:
        async with api.state.db.connect_async() as conn:
            return int(await conn.scalar(text("SELECT pg_backend_pid()")))

    pid = api.client.portal.call(backend_pid)
    errors = [0]

    @event.listens_for(engine.sync_engine, "handle_error")
    def _count(context: Any) -> None:
        errors[0] += context.is_disconnect

    with api.state.db.write() as s:
        assert s.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    for _ in range(500):  # until the backend has gone (a read before then meets it closing, as well)
        with api.state.db.engine.connect() as conn:
            if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).scalar():
                break
        time.sleep(0.01)
    r = api.client.get("/v1/orders?limit=10", headers=api.auth(VP))
    assert r.status_code == 200 and [o["id"] for o in r.json()["items"]] == ["VP-1"]
    assert errors[0] == 1  # the dropped connection was met, and the read answered from a new one
    assert api.client.portal.call(backend_pid) != pid


@ONLY_POSTGRES
def test_async_reads_are_admitted_first_come_first_served(api):
    """At most ``reader_threads`` reads run at once; the others wait at the
    gate and are admitted in the order they came (without it, 100 interleaved
    reads left the last ones waiting over a second)."""
    import asyncio

    state = api.state
    limit = state.settings.reader_threads
    running, peak, started = [0], [0], []

    def work(k: int):  # type: ignore[no-untyped-def]
        def read(conn: Any) -> int:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            started.append(k)
            conn.execute(text("SELECT pg_sleep(0.02)"))
            running[0] -= 1
            return k
        return read

    async def many() -> list[int]:
        return list(await asyncio.gather(*(state.read_async(work(k)) for k in range(3 * limit))))

    assert api.client.portal.call(many) == list(range(3 * limit))
    assert peak[0] == limit and sorted(started) == list(range(3 * limit))
    # admitted in arrival order: a read starts at most limit - 1 places from its turn (those admitted with it
    # race for the connections)
    assert all(abs(started.index(k) - k) < limit for k in range(3 * limit)), started


@ONLY_POSTGRES
def test_kept_reads_share_their_version_queries(api):
    """Many partners polling the same pages at once: their versions come from a
    few shared queries (api.services.versions.VersionBoard), each read that
    finds its body kept takes no place in the read gate, and a write committed
    before a read came is seen by it."""
    import asyncio

    import httpx

    state = api.state
    _post(api, VP, [order(f"VP-{i}") for i in range(5)])
    paths = ["/v1/orders?limit=100", "/v1/orders/VP-1", "/v1/orders/VP-2"]
    for path in paths:  # built once
        assert api.client.get(path, headers=api.auth(VP)).status_code == 200
    gate = _checkouts(state.db.async_read_engine.sync_engine)
    board, hits = state.version_board(), state.reads.hits
    queries = board.queries

    async def poll(n: int) -> list[int]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://planner") as client:
            answers = await asyncio.gather(*(client.get(paths[k % 3], headers=api.auth(VP)) for k in range(n)))
        return [r.status_code for r in answers]

    assert api.client.portal.call(poll, 60) == [200] * 60
    assert state.reads.hits - hits == 60  # every one kept
    assert board.queries - queries < 10  # not one query each (60)
    assert gate[0] == board.queries - queries  # the only connections taken were the shared queries'
    with state.db.write() as s:  # another process's write, straight to the table
        s.execute(update(OrderRecord).where(OrderRecord.external_id == "VP-1").values(kg=13.0))
    assert api.client.get("/v1/orders/VP-1", headers=api.auth(VP)).json()["kg"] == 13.0
