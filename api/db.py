"""The database: one engine, sessions for reading and for writing, and the
Alembic upgrade run at start-up.

SQLite (the embedded default) runs in WAL mode with full sync, so a commit the
API acknowledged survives a killed process; write transactions start with
``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout instead of
failing. PostgreSQL may be given a schema (its ``search_path``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker


def json_loads(text: str | bytes) -> Any:
    """JSON columns read with orjson (the partners' hot path reads one per row);
    the standard module for what orjson refuses (NaN written by json.dumps)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sqlite_setup(engine: Engine, *, transactions: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    if not transactions:  # each statement on its own (autocommit), as the hot-path reads run
        return

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Engine and session factories for one database URL."""

    def __init__(self, url: str, *, schema: str = "", read_pool: int = 4, async_reads: bool = False) -> None:
        self.url = url
        self.schema = schema
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            connect_args = {"check_same_thread": False, "timeout": 30}
        elif schema:
            connect_args = {"options": f"-csearch_path={schema}"}
        # Routes hold a connection only while they run (see api.deps.DB).
        self.engine = create_engine(url, connect_args=connect_args, pool_pre_ping=not self.is_sqlite,
                                    pool_size=10, max_overflow=20, pool_timeout=30, json_deserializer=json_loads)
        if self.is_sqlite:
            _sqlite_setup(self.engine)
        else:  # psycopg decodes jsonb itself
            from psycopg.types.json import set_json_loads

            set_json_loads(json_loads)
        # The partners' hot path (``connect``): reads of one or two statements on connections of their own,
        # in autocommit (no BEGIN and ROLLBACK around them) and, on PostgreSQL, without a ping at every
        # checkout (the caller retries a read once on a dropped connection: api.deps.AppState.read). A
        # profile of one cached read on PostgreSQL: 5 round trips to the server, 1 of them the query.
        self.read_engine = create_engine(url, connect_args=connect_args, pool_size=read_pool, max_overflow=2,
                                         pool_timeout=30, json_deserializer=json_loads,
                                         **({} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"}))
        if self.is_sqlite:
            _sqlite_setup(self.read_engine, transactions=False)
        # The same reads on PostgreSQL without threads (``async_reads``, the API server's): psycopg's
        # asynchronous connections, driven from the event loop, with the read engine's settings (pool,
        # autocommit, no ping at checkout, SQLAlchemy's statement cache and psycopg's prepared statements
        # by default); the synchronous read functions run on them unchanged (``connect_async``).
        self.async_read_engine: AsyncEngine | None = None
        if async_reads and not self.is_sqlite:
            self.async_read_engine = create_async_engine(
                parsed.set(drivername="postgresql+psycopg"), connect_args=connect_args, pool_size=read_pool,
                max_overflow=2, pool_timeout=30, json_deserializer=json_loads, isolation_level="AUTOCOMMIT")
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    def reader(self) -> Session:
        return self._read()

    def writer(self) -> Session:
        return self._write()

    def connect(self) -> Connection:
        """A connection for reads of plain rows (no ORM session: the partners'
        hot path reads a page or a row with one Core query), in autocommit:
        each statement sees what was committed when it began."""
        return self.read_engine.connect()

    def connect_async(self) -> AsyncConnection:
        """``connect`` for the event loop (PostgreSQL with ``async_reads``):
        ``async with db.connect_async() as conn: await conn.run_sync(read)``
        runs ``read(connection)`` in a greenlet whose every query waits for the
        server without blocking the loop (SQLAlchemy's asyncio extension)."""
        if self.async_read_engine is None:
            msg = "connect_async: this database was opened without async_reads (or is SQLite)"
            raise RuntimeError(msg)
        return self.async_read_engine.connect()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed on success, rolled back on error."""
        with self._write() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (``alembic upgrade head``)."""
        if self.schema and not self.is_sqlite:
            with self.engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        config = alembic_config()
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()

    async def dispose_async(self) -> None:
        """The asynchronous read connections closed, on the event loop that used them."""
        if self.async_read_engine is not None:
            await self.async_read_engine.dispose()


def alembic_config() -> Config:
    """The packaged ``alembic.ini``; works from a source tree or an installed wheel."""
    ini = resources.files("api") / "alembic.ini"
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("api") / "migrations"))
    return config
