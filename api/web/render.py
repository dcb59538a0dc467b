"""Jinja2 templates of the page (``api/web/templates``), rendered in the
user's language, and the route class that turns errors into pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..errors import ApiError, engine_error
from .i18n import LANGS, Words, negotiate
from .sessions import SignInRequired, WebUser

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)


def _json(value: Any) -> Markup:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))  # noqa: S704 - escaped above


ENV.filters["json"] = _json


def page(request: Request, template_name: str, *, user: WebUser | None, words: Words | None = None,
         status: int = 200, **context: Any) -> HTMLResponse:
    w = words or Words(user.lang if user else negotiate(request.headers.get("accept-language")))
    template = ENV.get_template(template_name)
    html = template.render(
        _=w._, gettext=w._, ngettext=w.n_, w=w, user=user, lang=w.lang, langs=LANGS, request=request,
        csrf=user.csrf if user else "", path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
                                   "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
                                   "form-action 'self'; base-uri 'none'",
    })


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


class PageRoute(APIRoute):
    """A page route: no session sends the browser to sign in; an API or engine
    error becomes a page with its message (or JSON for scripts)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except SignInRequired:
                if request.method == "GET" and not wants_json(request):
                    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
                return _error(request, ApiError(401, "unauthenticated", "sign in first"))
            except ApiError as exc:
                return _error(request, exc)
            except Exception as exc:
                mapped = engine_error(exc)
                if mapped is None:
                    raise
                return _error(request, mapped)

        return handler


def _error(request: Request, exc: ApiError) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"code": exc.code, "message": exc.message, "problems": exc.problems}},
                            status_code=exc.status, headers=exc.headers)
    lang = request.cookies.get("planner_lang") or negotiate(request.headers.get("accept-language"))
    return page(request, "error.html", user=None, words=Words(lang if lang in LANGS else "vi"),
                status=exc.status, error=exc)
