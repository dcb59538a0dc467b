"""The service around the routes: limits with a clear 4xx each, health and
readiness, settings that fail fast, migrations that match the models, and
the ``planner serve`` / ``planner keys`` commands."""

from __future__ import annotations

import json

import pytest
import typer
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from apitest import order
from pydantic import ValidationError
from sqlalchemy import text
from typer.testing import CliRunner

from api import Settings
from api import commands as api_commands
from api.db import Database
from api.models import Base


def test_body_rows_and_page_limits_give_a_clear_4xx(make_api):
    api = make_api(max_body_bytes=20_000, max_rows_per_request=3, max_page_size=50, default_page_size=10)
    big = {"orders": [order(f"O{i}", city="x" * 1000) for i in range(30)]}
    r = api.client.post("/v1/orders", json=big, headers=api.auth("viettel-post"))
    assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")
    r = api.client.post("/v1/orders", json={"orders": [order(f"O{i}") for i in range(4)]}, headers=api.auth("viettel-post"))
    assert (r.status_code, r.json()["error"]["code"]) == (413, "too_many_rows")
    r = api.client.get("/v1/orders", params={"limit": 51}, headers=api.auth("viettel-post"))
    assert (r.status_code, r.json()["error"]["problems"]) == (422, ["query.limit: must be between 1 and 50, got 51"])

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(30):
            yield b"x" * 1000

    r = api.client.post("/v1/orders", content=chunks(), headers={**api.auth("viettel-post"), "Content-Type": "text/csv"})
    assert r.status_code == 413


def test_health_and_readiness(make_api):
    api = make_api()
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ready", "database": "ok", "workers": 1, "queued_jobs": 0}
    api.state.runner.stop()
    r = api.client.get("/readyz")
    assert (r.status_code, r.json()["status"]) == (503, "not_ready")


@pytest.mark.parametrize("bad", [
    {"database_url": "mysql://x"}, {"default_page_size": 500, "max_page_size": 100}, {"workers": -1},
    {"plan_function": "no-colon"}, {"base_case": "/nonexistent/case"}, {"unknown_setting": 1},
])
def test_settings_fail_fast(bad, tmp_path):
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, **bad)


def test_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLANNER_MAX_PAGE_SIZE", "77")
    monkeypatch.setenv("PLANNER_DEFAULT_PAGE_SIZE", "20")
    s = Settings()
    assert (s.max_page_size, s.url) == (77, f"sqlite:///{tmp_path / 'planner.sqlite'}")
    monkeypatch.setenv("PLANNER_WORKERS", "many")
    with pytest.raises(ValidationError):
        Settings()


def test_migrations_create_exactly_the_models_tables(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'm.sqlite'}")
    db.upgrade()
    db.upgrade()  # idempotent
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()


def test_the_manifest_lines_migration_backfills_stored_plans(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite'}")
    db.upgrade("0001")
    ship = {"id": "S1", "lane_id": "l", "mode": "air", "partner": "vna-cargo", "origin": "a", "destination": "b",
            "departure": "2025-06-12T10:00+07:00", "arrival": "2025-06-12T12:00+07:00", "temperature_c": 4,
            "manifest": [{"order_id": "vna-cargo:O9", "kg": 5, "boxes": 1, "unit": 0, "shelf_life_left_days": 9}]}
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO cases (id, name, files, created_at) VALUES (1, 'c', '{}', '2025-01-01')")
        conn.exec_driver_sql("INSERT INTO api_keys (id, prefix, key_hash, role, org, label, created_at) "
                             "VALUES (1, 'p', 'h', 'planner', 'x', '', '2025-01-01')")
        conn.exec_driver_sql("INSERT INTO plan_jobs (id, case_id, key_id, org, role, params, status, progress, message, "
                             "error, attempts, worker, cancel_requested, created_at) VALUES ('j', 1, 1, 'x', 'planner', "
                             "'{}', 'succeeded', 1, '', '', 1, '', 0, '2025-01-01')")
        conn.execute(text("INSERT INTO plan_shipments (job_id, shipment_id, partner, doc) VALUES ('j', 'S1', 'vna-cargo', :d)"),
                     {"d": json.dumps(ship)})
    db.upgrade()
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT partner, row FROM plan_manifest_lines").all()
    db.dispose()
    assert [(p, json.loads(r)["order_id"], json.loads(r)["order_org"]) for p, r in rows] == [("vna-cargo", "O9", "vna-cargo")]


def test_keys_commands_print_a_key_once_and_revoke_it(tmp_path):
    app = typer.Typer()
    api_commands.register(app)
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "partner", "--org", "viettel-post", "--data-dir", str(tmp_path)])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("pk_") and len(key) > 40
    listed = runner.invoke(app, ["keys", "list", "--data-dir", str(tmp_path)])
    assert "viettel-post" in listed.stdout and key not in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", "1", "--data-dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "9", "--data-dir", str(tmp_path)]).exit_code == 2
    bad = runner.invoke(app, ["keys", "create", "--role", "partner", "--org", "Not An Org", "--data-dir", str(tmp_path)])
    assert bad.exit_code == 2


def test_the_planner_command_finds_the_api_commands_by_entry_point():
    from importlib.metadata import entry_points

    from planner.cli.main import app

    assert [ep.value for ep in entry_points(group="planner.commands")] == ["api.commands:register"]
    result = CliRunner().invoke(app, ["keys", "--help"])
    assert result.exit_code == 0 and "create" in result.output
