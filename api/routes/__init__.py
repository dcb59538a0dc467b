"""Thin HTTP routes; the work is in api.services."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response

from ..schemas import ErrorBody

WHY = {
    400: "Bad query (page size over the limit, unknown cursor)",
    401: "Missing, unknown or revoked API key",
    403: "The key's role or organisation may not do this",
    404: "No such object (for this organisation)",
    409: "Conflict with the object's state",
    413: "Body or row count over the limit",
    415: "Unsupported content type",
    422: "Invalid request or rows; every problem listed, nothing stored",
    429: "Too many plan jobs for this key; see Retry-After",
    503: "The engine or the database is unavailable",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error responses a route can give."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in sorted({400, 401, 422, *codes})}


def text_body(media_type: str, description: str, *codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries of a route answering ``media_type`` (errors stay JSON)."""
    ok = {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}
    return {200: ok, **errors(*codes)}


def json_response(body: Any) -> Response:
    """``body`` as JSON (orjson; aware datetimes in UTC as ``...Z``, as pydantic writes them)."""
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type="application/json")
