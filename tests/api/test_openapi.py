"""Schemathesis against the app's OpenAPI document: generated requests to
every operation (a bounded number each: PLANNER_FUZZ_EXAMPLES, 10 by default), as a planner with data in place;
no server error and no response that contradicts the schema."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
import schemathesis
from apitest import make_settings, planned
from hypothesis import HealthCheck, settings
from planfns import quick_plan
from schemathesis.checks import CHECKS as CHECK_REGISTRY
from schemathesis.config import SchemathesisConfig
from starlette.exceptions import StarletteDeprecationWarning

from api import create_app
from api.auth import Role

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


class _Live:
    """What the helpers expect: a client, the state and keys."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.state, self.keys = client, client.app.state.api, {}

    def auth(self, org: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[org]}"}

    def add_key(self, role: Role, org: str) -> None:
        from api.auth import create_key

        with self.state.db.write() as s:
            self.keys[org] = create_key(s, role=role, org=org)[1]


# Every check Schemathesis has, data-validity ones included: valid-by-schema
# requests must be accepted (2xx) unless a rule the JSON Schema cannot state
# refuses them with its documented answer (409 plan not finished, 422 a row or
# case that breaks the default case's rules, 429 plan jobs over the rate), and
# invalid ones refused. The default case is the embedded one, against which the
# OpenAPI examples are valid.
CHECKS = list(CHECK_REGISTRY.get_all())
CONFIG = SchemathesisConfig.from_dict({"checks": {
    "positive_data_acceptance": {"expected-statuses": ["2xx", 401, 403, 404, 409, 422, 429]},
}})
LUC_NGAN = Path(__file__).resolve().parents[2] / "data" / "luc-ngan"
_DIR = Path(tempfile.mkdtemp(prefix="planner-openapi-"))
APP = create_app(make_settings(_DIR, "", base_case=LUC_NGAN, workers=1, job_poll_s=0.05, plan_jobs_per_window=1000,
                               max_page_size=200), plan_function=quick_plan)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


def fill_luc_ngan(api: _Live) -> None:
    """300 of the embedded day's orders (viettel-post) and its 240 lots (the cooperative), as CSV uploads."""
    csv = {"Content-Type": "text/csv"}
    orders = b"".join((LUC_NGAN / "orders.csv").read_bytes().splitlines(keepends=True)[:301])
    r = api.client.post("/v1/orders", content=orders, headers={**api.auth("viettel-post"), **csv})
    assert r.status_code == 200, r.text
    r = api.client.post("/v1/lots", content=(LUC_NGAN / "lots.csv").read_bytes(), headers={**api.auth("coop-a"), **csv})
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def live():
    """The app running (its lifespan entered), with keys, orders, lots and a finished plan."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        with TestClient(APP) as client:
            api = _Live(client)
            for role, org in ((Role.PLANNER, "province"), (Role.PARTNER, "viettel-post"), (Role.PARTNER, "vna-cargo"),
                              (Role.DISPATCHER, "coop-a"), (Role.DISPATCHER, "coop-b")):
                api.add_key(role, org)
            fill_luc_ngan(api)
            planned(api, date="2025-06-12")
            yield api
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "10")), deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_responses_follow_the_schema(case, live):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        # a generous read timeout: on a loaded shared machine a plan job may hold SQLite's write lock for seconds
        case.call_and_validate(headers=live.auth("province"), checks=CHECKS, timeout=120)


def test_the_examples_of_the_openapi_document_are_valid_against_the_default_case(live):
    """Each request body example, sent as it is, is accepted by the server with the embedded case."""
    doc = live.client.get("/openapi.json").json()
    sent = 0
    for name in ("OrderRow", "LotRow"):
        example = doc["components"]["schemas"][name]["examples"][0]
        kind, org = ("orders", "viettel-post") if name == "OrderRow" else ("lots", "coop-a")
        r = live.client.post(f"/v1/{kind}", json={kind: [example]}, headers=live.auth(org))
        assert r.status_code == 200, (name, r.text)
        sent += 1
    for path, kind, org in (("/v1/orders", "orders", "viettel-post"), ("/v1/lots", "lots", "coop-a")):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["text/csv"]["example"]
        r = live.client.post(path, content=body, headers={**live.auth(org), "Content-Type": "text/csv"})
        assert r.status_code == 200, (kind, r.text)
        sent += 1
    plan = doc["components"]["schemas"]["PlanIn"]["examples"][0]
    assert live.client.post("/v1/plans", json=plan, headers=live.auth("coop-a")).status_code == 202
    assert sent == 4
