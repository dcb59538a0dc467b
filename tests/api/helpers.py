"""Waiting for jobs and filling the API with the data of a small day."""

from __future__ import annotations

import time
from typing import Any

from test_ingest import lot, order  # type: ignore[import-not-found]

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
