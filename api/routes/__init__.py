"""Thin HTTP routes; the work is in api.services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response

from ..readcache import JsonBody
from ..schemas import ErrorBody

WHY = {
    304: "Not modified: the body named by If-None-Match is still the current one (no body)",
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


def conditional(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``errors`` plus the 304 of a route that answers ``If-None-Match``."""
    return {304: {"description": WHY[304]}, **errors(*codes)}


IfNoneMatch = Annotated[str | None, Header(max_length=2000, description=(
    "ETags of bodies already held (from earlier answers' ETag): 304 and no body while one is still current"))]
CACHE_CONTROL = "private, no-cache"  # per key, and revalidated at every use (ETag)


def body_response(body: JsonBody, if_none_match: str | None) -> Response:
    """``body`` with its ETag, or 304 when ``if_none_match`` names it."""
    headers = {"ETag": body.etag, "Cache-Control": CACHE_CONTROL}
    if body.matches(if_none_match):
        return Response(status_code=304, headers=headers)
    return Response(body.content, media_type="application/json", headers=headers)


def text_body(media_type: str, description: str, *codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries of a route answering ``media_type`` (errors stay JSON)."""
    ok = {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}
    return {200: ok, **errors(*codes)}
