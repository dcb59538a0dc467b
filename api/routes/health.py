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
            summary="The database answers and the plan workers run",
            description="Not ready (503) while the database does not answer or while fewer plan workers live than "
                        "expected (a worker process that died is noticed within the stale period and restarted by "
                        "`planner serve`). `workers`: plan-job slots of the live worker processes.")
def readyz(state: State) -> JSONResponse:
    s = state.settings
    expected = s.expected_workers if s.expected_workers >= 0 else s.workers
    try:
        workers = state.runner.live_workers() if state.runner else 0
        with state.db.reader() as session:
            queued = plans.count_queued(session)
        database = "ok"
    except SQLAlchemyError as exc:
        workers, queued, database = 0, 0, f"unavailable: {type(exc).__name__}"
    ok = database == "ok" and workers >= expected
    body = Ready(status="ready" if ok else "not_ready", database=database, workers=workers, queued_jobs=queued)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
