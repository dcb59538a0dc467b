"""One place that turns errors into HTTP responses: the API's own errors,
request validation, and the engine's exceptions (planner.exceptions)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from planner.exceptions import (
    CaseError,
    InfeasibleError,
    PlanCheckError,
    SolverError,
    TravelTimeError,
)


class ApiError(Exception):
    """An error with its HTTP status, a stable code and a message."""

    def __init__(
        self, status: int, code: str, message: str, *, problems: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems = list(problems)
        self.headers = headers or {}


log = logging.getLogger("api")

# planner.exceptions -> (status, code); the first matching class wins.
ENGINE_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (CaseError, 422, "invalid_case"),
    (PlanCheckError, 422, "invalid_plan"),
    (InfeasibleError, 422, "infeasible"),
    (TravelTimeError, 503, "travel_times_unavailable"),
    (SolverError, 503, "solver_failed"),
)


def engine_error(exc: Exception) -> ApiError | None:
    """The API error for an engine exception, or None if it is not one."""
    for cls, status, code in ENGINE_ERRORS:
        if isinstance(exc, cls):
            problems = exc.problems if isinstance(exc, CaseError) else []
            message = f"{len(problems)} problem(s) in the case" if problems else str(exc)
            return ApiError(status, code, message, problems=problems)
    return None


def body(code: str, message: str, problems: Sequence[str] = ()) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "problems": list(problems)}}


def _response(err: ApiError) -> JSONResponse:
    return JSONResponse(body(err.code, err.message, err.problems), status_code=err.status, headers=err.headers)


def _where(loc: Sequence[object]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) or "request"


def allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return _response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
        return _response(ApiError(422, "invalid_request", "the request is not valid", problems=problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            headers["Allow"] = ", ".join(allowed_methods(request))
        return _response(ApiError(exc.status_code, code, str(exc.detail), headers=headers))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return _response(ApiError(500, "internal_error", "an unexpected error; it was logged"))

    for cls, _status, _code in ENGINE_ERRORS:
        @app.exception_handler(cls)
        async def _engine(_: Request, exc: Exception) -> JSONResponse:
            err = engine_error(exc)
            assert err is not None
            return _response(err)
