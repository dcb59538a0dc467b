"""The FastAPI application: settings, database (migrated at start-up), the
default case, the plan workers, the routes and the error handler."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from . import errors
from .db import Database
from .deps import AppState
from .engine import PlanFunction, load_plan_function
from .jobs import JobRunner
from .limits import BodySizeLimit
from .readcache import ReadCache
from .routes import cases, health, plans, records, webhooks
from .schemas import LotsIn, OrdersIn
from .services import cases as case_service
from .services import plans as plan_service
from .settings import Settings
from .web import install as install_web

DESCRIPTION = """Orders and harvest lots in, daily plans out.

Authenticate with `Authorization: Bearer <key>` (keys from `planner keys create`). Each key has a role
and an organisation: **dispatcher** (a cooperative: its lots, the pickup routes carrying them),
**partner** (a logistics company: its orders, the shipments and manifests assigned to it),
**planner** (everything: cases, keys, whole plans). Errors are `{"error": {"code", "message", "problems"}}`.
"""


def open_database(settings: Settings, *, serving: bool = False) -> Database:
    """The database of ``settings``, created and migrated to the newest schema
    (``serving``: with the asynchronous read engine, if the settings want it)."""
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.url, schema=settings.database_schema, read_pool=max(settings.reader_threads, 1),
                  async_reads=serving and settings.uses_async_reads)
    db.upgrade()
    return db


def job_runner(db: Database, settings: Settings, function: PlanFunction,
               cases: case_service.CaseStore) -> JobRunner:
    """The plan workers of a process, building each job's case from the database."""

    def prepare(job_id: str) -> Any:
        with db.reader() as s:
            case, options, snapshot = plan_service.prepare_with_snapshot(s, cases, job_id, settings)
        with db.write() as s:  # kept with the job: its plan is checked against what it planned
            plan_service.keep_snapshot(s, job_id, snapshot)
        return case, options

    return JobRunner(db, settings, function, prepare)


def create_app(settings: Settings | None = None, *, plan_function: PlanFunction | None = None) -> FastAPI:
    """The API. ``plan_function`` overrides ``settings.plan_function``."""
    settings = settings or Settings()
    function = plan_function or load_plan_function(settings.plan_function)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_database(settings, serving=True)
        state = AppState(settings=settings, db=db, cases=case_service.CaseStore(db),
                         reads=ReadCache(settings.read_cache_mb * 1024 * 1024))
        if settings.base_case is not None:
            with db.write() as s:
                case_service.ensure(s, name=settings.default_case, folder=settings.base_case)

        # The routes run in threads (FastAPI's pool, 40 by default) each holding a database connection:
        # no more threads than connections, or a burst of one route's requests starves the others.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        state.runner = job_runner(db, settings, function, state.cases)
        state.runner.start()
        app.state.api = state
        # What start-up made (the engine's modules, the case) lives as long as the process: kept out of the
        # collector's full scans, which otherwise stall every request in flight under load (long tails).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            state.runner.stop()
            await db.dispose_async()
            db.dispose()

    app = FastAPI(title="Cold-chain planner API", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    for module in (health, records, plans, cases, webhooks):
        app.include_router(module.router)
    install_web(app)  # the web page at / (api/web)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema plus the bulk bodies the ingest routes read themselves."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (OrdersIn, LotsIn):
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[model.__name__] = body
    maximum = app.state.settings.max_page_size
    for path in schema.get("paths", {}).values():  # the page size this server allows
        for operation in path.values():
            for param in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if param.get("name") == "limit" and param.get("in") == "query":
                    for option in param["schema"].get("anyOf", [param["schema"]]):
                        if option.get("type") == "integer":
                            option["maximum"] = maximum
    app.openapi_schema = schema
    return schema
