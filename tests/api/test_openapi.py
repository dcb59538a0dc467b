"""Schemathesis against the app's OpenAPI document: generated requests to
every operation (a bounded number each), as a planner with data in place;
no server error and no response that contradicts the schema."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
import schemathesis
from apitest import fill, make_settings, planned
from hypothesis import HealthCheck, settings
from planfns import quick_plan
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
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


# No server error, and responses (status, content type, headers, body) as
# documented. Left out: "positive data acceptance" (rows, cases and plans valid
# by the schema may still break the domain rules: a clear 422) and "negative
# data rejection" (it counts a repeated query parameter, of which the last is
# used, as a request to refuse).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
_DIR = Path(tempfile.mkdtemp(prefix="planner-openapi-"))
APP = create_app(make_settings(_DIR, "", workers=1, job_poll_s=0.05, plan_jobs_per_window=1000, max_page_size=200),
                 plan_function=quick_plan)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


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
            fill(api)
            planned(api)
            yield api
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_responses_follow_the_schema(case, live):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        # Valid-by-schema rows, cases and plans may still be refused by the domain rules (422).
        case.call_and_validate(headers=live.auth("province"), checks=CHECKS)
