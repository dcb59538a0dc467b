"""Property: whatever batches a partner sends, with retries and changes in
any order, each order id is stored once with the content of its last
accepted version, and every batch's counts add up."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from apitest import order
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.db import Database
from api.models import OrderRecord
from api.services import cases, ingest
from api.services.ingest import ORDERS

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
ORGS = itertools.count()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.sqlite'}")
    db.upgrade()
    with db.write() as s:
        record = cases.register(s, name="tiny", files=cases.files_of_folder(TINY))
    base = cases.read_files(cases.files_of_folder(TINY))
    yield db, record, base
    db.dispose()


rows = st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from([1, 2, 5, 10]))
batches = st.lists(st.lists(rows, min_size=1, max_size=4, unique_by=lambda r: r[0]), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=batches)
def test_each_id_is_stored_once_with_its_last_content(store, batches):
    db, record, base = store
    org = f"org-{next(ORGS)}"
    latest: dict[str, float] = {}
    for batch in batches:
        valid = ingest.validate(ORDERS, base, ingest.json_rows_of([order(i, kg=kg) for i, kg in batch]),
                                file="orders", first_row=1)
        result = ingest.store(db, ORDERS, record, org, valid)
        new = sum(i not in latest for i, _ in batch)
        changed = sum(i in latest and latest[i] != kg for i, kg in batch)
        assert (result.created, result.updated, result.unchanged) == (new, changed, len(batch) - new - changed)
        latest.update(dict(batch))
    with db.reader() as s:
        stored = s.execute(select(OrderRecord.external_id, OrderRecord.kg).where(
            OrderRecord.case_id == record.id, OrderRecord.org == org)).all()
    assert sorted(stored) == sorted(latest.items())
