"""Limits with a clear 4xx each: request body size (413), rows per ingest
(413), page size (422); the plan-job rate per key (429) is in services.plans.
JSON bodies may start with a byte-order mark, as CSV ones may."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from .errors import ApiError, body

BOM = b"\xef\xbb\xbf"


class BodySizeLimit:
    """ASGI middleware: 413 for a body over ``max_bytes``, whether announced by
    Content-Length or streamed in chunks."""

    def __init__(self, app: Any, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    def _error(self) -> ApiError:
        return ApiError(413, "body_too_large", f"request body exceeds {self.max_bytes} bytes")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            err = self._error()
            await JSONResponse(body(err.code, err.message), status_code=413)(scope, receive, send)
            return
        seen = 0
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        json_body = media == b"application/json" or media.endswith(b"+json")

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                if json_body and seen == 0 and chunk.startswith(BOM):  # as Excel's "UTF-8" writes it
                    message = {**message, "body": chunk[len(BOM):]}
                seen += len(chunk)
                if seen > self.max_bytes:
                    raise self._error()  # handled by the app's ApiError handler
            return message

        await self.app(scope, limited, send)


def page_size(limit: int | None, *, default: int, maximum: int) -> int:
    """The page size asked (``default`` if none); 422 naming ``limit`` outside 1..``maximum``
    (the OpenAPI document states the same bounds)."""
    if limit is None:
        return default
    if limit < 1 or limit > maximum:
        raise ApiError(422, "invalid_request", "the request is not valid",
                       problems=[f"query.limit: must be between 1 and {maximum}, got {limit}"])
    return limit


def rows(count: int, *, maximum: int) -> None:
    if count > maximum:
        raise ApiError(413, "too_many_rows", f"at most {maximum} rows per request, got {count}; send them in batches")
    if count == 0:
        raise ApiError(422, "no_rows", "the request holds no rows")
