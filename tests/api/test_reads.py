"""The partners' hot path: pages and single records read as plain rows, the
stored JSON and (on SQLite) the stored times passed on as text. What a caller
gets must be what the ORM objects through the response models give."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson
import pytest
from apitest import BOTH_BACKENDS, lot, order
from sqlalchemy import select, update

from api.models import OrderRecord
from api.services import records
from api.services.ingest import LOTS, ORDERS

pytestmark = BOTH_BACKENDS


def _as_models(api, kind, org: str) -> dict:
    who = api.state.principal(api.keys[org])
    case = api.state.case_record("default")
    time = "ordered_at" if kind is ORDERS else "ready_at"
    with api.state.db.reader() as s:
        page = records.page(s, kind, case, who, records.Filters({}, time), limit=1000, cursor=None)
    return json.loads(page.model_dump_json())


def test_pages_and_records_read_as_text_are_what_the_models_give(api):
    rows = [order(f"VP-{i}", kg=i + 0.5, city="Hà Nội" if i % 2 else "Hanoi") for i in range(30)]
    assert api.client.post("/v1/orders", json={"orders": rows}, headers=api.auth("viettel-post")).status_code == 200
    assert api.client.post("/v1/lots", json={"lots": [lot("A-L1")]}, headers=api.auth("coop-a")).status_code == 200
    with api.state.db.write() as s:  # times with and without a fraction of a second
        s.execute(update(OrderRecord).where(OrderRecord.external_id == "VP-1")
                  .values(updated_at=datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)))
        s.execute(update(OrderRecord).where(OrderRecord.external_id == "VP-2")
                  .values(updated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
    page = api.client.get("/v1/orders?limit=1000", headers=api.auth("viettel-post")).json()
    assert page == _as_models(api, ORDERS, "viettel-post")
    assert {r["updated_at"] for r in page["items"] if r["id"] in ("VP-1", "VP-2")} == {
        "2026-01-02T03:04:05.500000Z", "2026-01-02T03:04:05Z"}
    one = api.client.get("/v1/orders/VP-1", headers=api.auth("viettel-post")).json()
    assert one == next(r for r in page["items"] if r["id"] == "VP-1")
    assert one["fields"]["city"] == "Hà Nội"
    lots = api.client.get("/v1/lots", headers=api.auth("coop-a")).json()
    assert lots == _as_models(api, LOTS, "coop-a")


def test_stored_json_that_json_does_not_allow_is_written_as_null(api):
    """``json.dumps`` writes NaN; a page must stay JSON (as the models write it: null)."""
    assert api.client.post("/v1/orders", json={"orders": [order("VP-1")]}, headers=api.auth("viettel-post")).status_code == 200
    with api.state.db.write() as s:
        if s.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL's jsonb refuses NaN: nothing to pass on")
        s.execute(update(OrderRecord).values(values={"id": "VP-1", "score": float("nan")}))
    r = api.client.get("/v1/orders", headers=api.auth("viettel-post"))
    assert orjson.loads(r.content)["items"][0]["fields"] == {"id": "VP-1", "score": None}


@pytest.mark.parametrize("query", [
    "market=US", "market=domestic&channel=livestream", "ordered_from=2025-06-12T10:00%2B07:00",
    "ordered_to=2025-06-12T10:00%2B07:00&market=domestic", "org=viettel-post", "org=vna-cargo&market=US", "limit=3",
])
def test_filtered_pages_are_the_filtered_records(api, query):
    """Each filter (and a planner's org) selects what the same filter on the records gives, page by page."""
    rows = [order(f"VP-{i}", market="US" if i % 3 == 0 else "domestic", hub="lax" if i % 3 == 0 else "hub-hn",
                  country="US" if i % 3 == 0 else "VN", region="CA" if i % 3 == 0 else "",
                  ordered=f"2025-06-12T{8 + i % 4:02d}:00") for i in range(12)]
    for org in ("viettel-post", "vna-cargo"):
        mine = [{**r, "id": f"{org}-{r['id']}", "partner": org} for r in rows]
        assert api.client.post("/v1/orders", json={"orders": mine}, headers=api.auth(org)).status_code == 200
    with api.state.db.reader() as s:
        every = [records.out(r, api.state.case_record("default")) for r in s.scalars(
            select(OrderRecord).order_by(OrderRecord.id))]
    wanted = dict(part.split("=") for part in query.split("&"))
    since = datetime.fromisoformat(wanted["ordered_from"].replace("%2B", "+")) if "ordered_from" in wanted else None
    until = datetime.fromisoformat(wanted["ordered_to"].replace("%2B", "+")) if "ordered_to" in wanted else None
    expected = [o.id for o in every
                if all(getattr(o, k) == v for k, v in wanted.items() if k in ("market", "channel", "org"))
                and (since is None or o.ordered >= since) and (until is None or o.ordered < until)]
    got, cursor = [], ""
    while cursor is not None:
        page = api.client.get(f"/v1/orders?{query}{'&limit=5' if 'limit' not in wanted else ''}"
                              f"{f'&cursor={cursor}' if cursor else ''}", headers=api.auth("province")).json()
        got += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
    assert got == expected and expected
