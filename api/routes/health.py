"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from ..deps import State
from ..schemas import Health, Ready
from ..services import plans

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses={503: {"model": Ready, "description": "Not ready"}},
            summary="The database answers and the plan workers run")
def readyz(state: State) -> JSONResponse:
    expected = state.settings.workers
    workers = state.runner.alive_workers if state.runner else 0
    try:
        with state.db.reader() as s:
            queued = plans.count_queued(s)
        database = "ok"
    except SQLAlchemyError as exc:
        queued, database = 0, f"unavailable: {type(exc).__name__}"
    ok = database == "ok" and workers == expected
    body = Ready(status="ready" if ok else "not_ready", database=database, workers=workers, queued_jobs=queued)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
