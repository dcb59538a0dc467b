"""Reads kept in memory (api.readcache): never stale, never another
organisation's, right in every server process; ETags and 304."""

from __future__ import annotations

import pytest
from apitest import BOTH_BACKENDS, fill, order, planned
from sqlalchemy import delete, text, update

from api.models import OrderRecord
from api.readcache import JsonBody, ReadCache
from api.services import versions

VP = "viettel-post"


def _ids(api, org: str, query: str = "") -> list[str]:
    r = api.client.get(f"/v1/orders{query}", headers=api.auth(org))
    assert r.status_code == 200, r.text
    return [o["id"] for o in r.json()["items"]]


def _kg(api, org: str, oid: str) -> float:
    r = api.client.get(f"/v1/orders/{oid}", headers=api.auth(org))
    assert r.status_code == 200, r.text
    return float(r.json()["kg"])


def _post(api, org: str, rows: list[dict[str, object]]) -> None:
    r = api.client.post("/v1/orders", json={"orders": rows}, headers=api.auth(org))
    assert r.status_code == 200, r.text


@BOTH_BACKENDS
def test_a_kept_read_is_never_served_after_a_write(api):
    _post(api, VP, [order("VP-1"), order("VP-2")])
    assert _ids(api, VP) == ["VP-1", "VP-2"] and _kg(api, VP, "VP-1") == 5.0
    assert _ids(api, VP) == ["VP-1", "VP-2"] and _kg(api, VP, "VP-1") == 5.0  # now from the cache
    assert api.state.reads.hits >= 2
    _post(api, VP, [order("VP-3")])  # created
    assert _ids(api, VP) == ["VP-1", "VP-2", "VP-3"]
    _post(api, VP, [order("VP-1", kg=7)])  # updated
    assert _kg(api, VP, "VP-1") == 7.0
    assert api.client.delete("/v1/orders/VP-2", headers=api.auth(VP)).status_code == 204  # withdrawn
    assert _ids(api, VP) == ["VP-1", "VP-3"]
    assert api.client.get("/v1/orders/VP-2", headers=api.auth(VP)).status_code == 404


@BOTH_BACKENDS
def test_a_write_by_any_code_or_process_is_seen(make_api):
    """Two apps on one database are two server processes, each with its own
    cache; a write straight to the table (no API) is seen too: the database's
    triggers count it."""
    one, two = make_api(), make_api(workers=0)
    _post(one, VP, [order("VP-1"), order("VP-2")])
    assert _ids(one, VP) == ["VP-1", "VP-2"] and _kg(one, VP, "VP-1") == 5.0
    _post(two, VP, [order("VP-3"), order("VP-1", kg=9)])
    assert _ids(one, VP) == ["VP-1", "VP-2", "VP-3"] and _kg(one, VP, "VP-1") == 9.0
    with two.state.db.write() as s:
        s.execute(update(OrderRecord).where(OrderRecord.external_id == "VP-1").values(kg=11.0))
    assert _kg(one, VP, "VP-1") == 11.0
    with two.state.db.write() as s:
        s.execute(delete(OrderRecord).where(OrderRecord.external_id == "VP-3"))
    assert _ids(one, VP) == ["VP-1", "VP-2"]


@BOTH_BACKENDS
def test_one_organisations_kept_read_never_answers_another(api):
    """Same page, same filters, same order id, same data version: each partner gets its own."""
    _post(api, VP, [order("X-1", kg=5)])
    _post(api, "vna-cargo", [order("X-1", kg=8, partner="vna-cargo")])
    case = api.state.case_record("default")
    with api.state.db.connect() as conn:  # equal versions: only the organisation in the key tells them apart
        assert versions.current(conn, "orders", case.id, VP) == versions.current(conn, "orders", case.id, "vna-cargo")
    for _ in range(2):  # the second round is served from the cache
        for org, kg in ((VP, 5.0), ("vna-cargo", 8.0)):
            page = api.client.get("/v1/orders?limit=10", headers=api.auth(org)).json()["items"]
            assert [(o["id"], o["org"], o["kg"]) for o in page] == [("X-1", org, kg)]
            assert _kg(api, org, "X-1") == kg
    assert _ids(api, "province", "?limit=10&org=vna-cargo") == ["X-1"]  # a planner asking for one organisation
    assert _ids(api, "province", "?limit=10") == ["X-1", "X-1"]  # and for every one
    assert api.client.get("/v1/orders?org=vna-cargo", headers=api.auth(VP)).status_code == 403


@BOTH_BACKENDS
def test_an_etag_answers_304_until_the_data_changes(api):
    _post(api, VP, [order("VP-1")])
    first = api.client.get("/v1/orders", headers=api.auth(VP))
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Cache-Control"] == "private, no-cache"
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = api.client.get("/v1/orders", headers={**api.auth(VP), "If-None-Match": sent})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert api.client.get("/v1/orders", headers={**api.auth(VP), "If-None-Match": '"other"'}).status_code == 200
    one = api.client.get("/v1/orders/VP-1", headers=api.auth(VP))
    assert api.client.get("/v1/orders/VP-1", headers={**api.auth(VP), "If-None-Match": one.headers["ETag"]}
                          ).status_code == 304
    _post(api, VP, [order("VP-1", kg=6)])
    changed = api.client.get("/v1/orders", headers={**api.auth(VP), "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["items"][0]["kg"] == 6.0


@BOTH_BACKENDS
def test_manifests_are_kept_per_partner_with_etags(api):
    fill(api)
    job = planned(api)
    pages = {}
    for org in (VP, "vna-cargo", VP, "vna-cargo"):
        r = api.client.get(f"/v1/plans/{job}/manifests", headers=api.auth(org))
        assert r.status_code == 200
        assert {line["order_org"] for line in r.json()["items"]} <= {org}
        pages.setdefault(org, r.content)
        assert r.content == pages[org]
        assert api.client.get(f"/v1/plans/{job}/manifests", headers={
            **api.auth(org), "If-None-Match": r.headers["ETag"]}).status_code == 304
    assert pages[VP] != pages["vna-cargo"]
    assert api.client.get(f"/v1/plans/{job}/manifests?partner=vna-cargo", headers=api.auth(VP)).status_code == 403


def test_the_cache_keeps_its_memory_bound_and_only_current_versions():
    cache = ReadCache(max_bytes=1000)
    first = cache.put("a", 1, JsonBody.of(b"x" * 200))
    assert cache.get("a", 1) == first and cache.get("a", 2) is None
    cache.put("a", 2, JsonBody.of(b"y" * 200))
    cache.put("a", 1, JsonBody.of(b"x" * 200))  # an older read finishing late does not replace the newer
    assert cache.get("a", 2) is not None and cache.get("a", 1) is None
    for key in "bcdef":
        cache.put(key, 0, JsonBody.of(key.encode() * 200))
    assert cache._bytes <= 1000 and cache.get("a", 2) is None and cache.get("f", 0) is not None  # oldest dropped
    assert cache.put("big", 0, JsonBody.of(b"z" * 400)) and cache.get("big", 0) is None  # over a quarter: not kept
    assert ReadCache(0).put("k", 0, JsonBody.of(b"{}")).content == b"{}"


@BOTH_BACKENDS
def test_a_read_after_the_database_dropped_its_connection_is_answered(make_api):
    """The read connections are not pinged at checkout (api.db): a read on one
    the server closed is tried once more on a new connection. (The reads in
    threads; those on the event loop: test_async_reads.)"""
    api = make_api(async_reads=False)
    _post(api, VP, [order("VP-1")])
    with api.state.db.connect() as conn:
        if conn.dialect.name == "sqlite":
            pytest.skip("SQLite has no server to drop a connection")
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with api.state.db.write() as s:
        assert s.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    assert _ids(api, VP) == ["VP-1"]
