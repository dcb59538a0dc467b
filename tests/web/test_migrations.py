"""The web page's tables come from the API's Alembic migrations (0004):
exactly the models on SQLite (and on PostgreSQL when
PLANNER_TEST_DATABASE_URL is set), and a database whose web tables were
made by the old ``create_all`` at first use upgrades keeping their rows."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import api.web.models as web_models
from api.db import Database, alembic_config
from api.models import Base

PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "")
WEB_TABLES = {"web_sessions", "web_preferences", "web_plan_versions", "web_plan_drafts", "web_stops_done"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'web.sqlite'}")
        yield db
        db.dispose()
        return
    if not PG_URL:
        pytest.skip("PLANNER_TEST_DATABASE_URL is not set (scripts/ensure-postgres.sh starts a server)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    db = Database(PG_URL, schema=schema)
    yield db
    db.dispose()
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def test_the_migrations_make_exactly_the_web_tables(database):
    database.upgrade()
    database.upgrade()  # idempotent
    with database.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= WEB_TABLES
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head


def test_web_tables_made_by_create_all_are_kept_by_the_upgrade(database):
    database.upgrade("0003")
    with database.engine.begin() as conn:  # what a server before 0004 made at first use
        web_models.WebPreference.__table__.create(conn)  # type: ignore[attr-defined]
        conn.execute(text("INSERT INTO web_preferences (key_id, lang) VALUES (7, 'vi')"))
    database.upgrade()
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT lang FROM web_preferences WHERE key_id = 7")).scalar() == "vi"
        assert set(inspect(conn).get_table_names()) >= WEB_TABLES
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_the_web_tables_go_with_a_downgrade(database):
    database.upgrade()
    from alembic import command

    from api.db import alembic_config

    config = alembic_config()
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with database.engine.connect() as conn:
        assert not WEB_TABLES & set(inspect(conn).get_table_names())
