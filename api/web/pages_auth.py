"""Sign in, sign out, language, and the home page of each role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..auth import Role
from ..deps import State
from ..errors import ApiError
from .i18n import LANGS, Words, negotiate
from .render import PageRoute, page
from .sessions import (
    COOKIE,
    SESSION_HOURS,
    User,
    check_origin,
    current,
    set_language,
    sign_in,
    sign_out,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
HOME = {Role.DISPATCHER: "/dispatch", Role.PARTNER: "/partner", Role.PLANNER: "/planner"}


def _safe_next(target: str | None) -> str | None:
    return target if target and target.startswith("/") and not target.startswith("//") else None


@router.get("/")
async def root(request: Request, state: State) -> Response:
    user = await run_in_threadpool(current, state, request.cookies.get(COOKIE))
    return RedirectResponse(HOME[user.who.role] if user else "/login", status_code=303)


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:  # noqa: A002
    return page(request, "login.html", user=None, next=_safe_next(next) or "", error=None)


@router.post("/login")
async def login(request: Request, state: State, api_key: Annotated[str, Form(max_length=200)] = "",
                next: Annotated[str, Form(max_length=500)] = "") -> Response:  # noqa: A002
    check_origin(request)
    try:
        token, user = await run_in_threadpool(
            sign_in, state, api_key, accept_language=request.headers.get("accept-language"))
    except ApiError:
        w = Words(negotiate(request.headers.get("accept-language")))
        return page(request, "login.html", user=None, words=w, status=401, next=_safe_next(next) or "",
                    error=w._("This key is unknown or revoked. Ask your planner for a key "
                              "(planner keys create)."))
    response = RedirectResponse(_safe_next(next) or HOME[user.who.role], status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                        secure=secure, path="/")
    response.set_cookie("planner_lang", user.lang, max_age=365 * 86400, samesite="strict", secure=secure, path="/")
    return response


@router.post("/logout")
async def logout(state: State, user: User) -> Response:
    await run_in_threadpool(sign_out, state, user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/lang")
async def language(request: Request, state: State, user: User, lang: Annotated[str, Form(max_length=8)],
                   back: Annotated[str, Form(max_length=500)] = "/") -> Response:
    await run_in_threadpool(set_language, state, user, lang)
    response = RedirectResponse(_safe_next(back) or "/", status_code=303)
    response.set_cookie("planner_lang", lang if lang in LANGS else "vi", max_age=365 * 86400, samesite="strict",
                        path="/")
    return response
