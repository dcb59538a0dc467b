"""The API under test: a fresh database per test (SQLite file always; a
PostgreSQL schema of its own when PLANNER_TEST_DATABASE_URL is set), the
tiny case as the default case, keys for every role and organisation."""

from __future__ import annotations

import os
import sys
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2, which is not among our dependencies
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))  # planfns, for the server subprocesses too

from apitest import make_settings  # noqa: E402
from planfns import tiny_plan  # noqa: E402

from api import create_app  # noqa: E402
from api.auth import Role, create_key  # noqa: E402
from api.deps import AppState  # noqa: E402

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "")
ORGS = {
    "planner": [(Role.PLANNER, "province")],
    "dispatcher": [(Role.DISPATCHER, "coop-a"), (Role.DISPATCHER, "coop-b")],
    "partner": [(Role.PARTNER, "viettel-post"), (Role.PARTNER, "vna-cargo")],
}


@dataclass
class Api:
    client: TestClient
    state: AppState
    keys: dict[str, str] = field(default_factory=dict)  # org -> key

    def auth(self, org: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[org]}"}

    def add_key(self, role: Role, org: str) -> str:
        with self.state.db.write() as s:
            _, token = create_key(s, role=role, org=org)
        self.keys[org] = token
        return token


@pytest.fixture(scope="session")
def pg_url() -> str:
    if not PG_URL:
        pytest.skip("PLANNER_TEST_DATABASE_URL is not set (scripts/ensure-postgres.sh starts a server)")
    return PG_URL


@pytest.fixture
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(database_url, schema): a SQLite file (default), or a fresh PostgreSQL
    schema dropped afterwards (modules marked ``BOTH_BACKENDS``)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield "", ""
        return
    url = request.getfixturevalue("pg_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield url, schema
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def make_api(tmp_path: Path, db_target: tuple[str, str]) -> Iterator[object]:
    """A factory: ``make_api(plan_function=..., **settings)`` -> Api (closed after the test)."""
    opened: list[TestClient] = []
    url, schema = db_target

    def make(*, plan_function: object = tiny_plan, **overrides: object) -> Api:
        app = create_app(make_settings(tmp_path, url, schema, **overrides), plan_function=plan_function)  # type: ignore[arg-type]
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        api = Api(client=client, state=app.state.api)
        for pairs in ORGS.values():
            for role, org in pairs:
                api.add_key(role, org)
        return api

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def api(make_api: object) -> Api:
    return make_api()  # type: ignore[operator,no-any-return]
