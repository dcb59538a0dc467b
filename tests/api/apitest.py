"""Helpers of the API tests: order and lot rows, the test backends, waiting
for jobs, filling the API with the data of a small day."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from api import Settings

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def order(oid: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": oid, "channel": "livestream", "market": "domestic", "product": "lychee", "kg": 5, "boxes": 1,
        "ordered": "2025-06-12T09:00", "deadline": "2025-06-13T20:00", "min_shelf_life_days": 5,
        "value": 300000, "partner": "viettel-post", "city": "Hanoi", "country": "VN",
        "lat": 21.03, "lon": 105.85, "hub": "hub-hn",
    }
    row.update(changes)
    return row


def lot(lid: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {"id": lid, "farm": "farm-a", "product": "lychee", "kg": 150, "boxes": 15,
                              "ready": "2025-06-12T04:00", "latest_pickup": "2025-06-12T10:00"}
    row.update(changes)
    return row


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
#: Put in a module whose tests should also run on PostgreSQL (when configured).
BOTH_BACKENDS = pytest.mark.parametrize("db_target", BACKENDS, indirect=True)


def make_settings(tmp_path: Path, url: str, schema: str = "", **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data", "database_url": url, "database_schema": schema, "base_case": TINY, "workers": 1,
        "job_poll_s": 0.05, "job_heartbeat_s": 0.5, "plan_time_limit_s": 1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


FINAL = {"succeeded", "failed", "cancelled"}


def wait_for(api: Any, job_id: str, *, until: set[str] = FINAL, timeout: float = 20.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while True:
        job = api.client.get(f"/v1/plans/{job_id}", headers=api.auth("province")).json()
        if job["status"] in until or time.monotonic() > end:
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)


def fill(api: Any) -> None:
    """Orders of two partners (each carried by its own lanes), lots of two cooperatives."""
    vp = [order("VP-1"), order("VP-2", kg=12)]
    vna = [order("VNA-1", partner="vna-cargo", market="US", hub="lax", country="US", region="CA", city="Los Angeles",
                 lat=33.94, lon=-118.41, min_shelf_life_days=12)]
    for org, rows in (("viettel-post", vp), ("vna-cargo", vna)):
        r = api.client.post("/v1/orders", json={"orders": rows}, headers=api.auth(org))
        assert r.status_code == 200, r.text
    for org, rows in (("coop-a", [lot("A-L1"), lot("A-L2", farm="farm-b", kg=300)]), ("coop-b", [lot("B-L1")])):
        r = api.client.post("/v1/lots", json={"lots": rows}, headers=api.auth(org))
        assert r.status_code == 200, r.text


def planned(api: Any, org: str = "coop-a", **body: Any) -> str:
    r = api.client.post("/v1/plans", json={"date": "2025-06-12", **body}, headers=api.auth(org))
    assert r.status_code == 202, r.text
    job = wait_for(api, r.json()["id"])
    assert job["status"] == "succeeded", job
    return str(job["id"])
