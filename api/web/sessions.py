"""Sign-in for the page: an API key (from ``planner keys create``) is checked
once and exchanged for a session cookie. The cookie is HttpOnly and
SameSite=Strict (Secure on https) and holds a random token stored only as its
SHA-256; every state-changing request must also carry the session's CSRF
token (form field ``csrf_token`` or header ``X-CSRF-Token``) and, when the
browser sends one, an ``Origin`` of this server. A revoked key ends its
sessions at their next request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import delete, select

from ..auth import Principal, Role, authenticate
from ..deps import AppState, get_state
from ..errors import ApiError
from ..models import ApiKey, utcnow
from .i18n import LANGS, negotiate
from .models import WebPreference, WebSession

COOKIE = "planner_session"
SESSION_HOURS = 12
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class WebUser:
    """The signed-in user of a request: who (as the API sees them), the CSRF token, the language."""

    who: Principal
    csrf: str
    lang: str
    token_hash: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(state: AppState, api_key: str, *, accept_language: str | None) -> tuple[str, WebUser]:
    """A new session for ``api_key`` (401 ApiError when the key is unknown or revoked):
    the cookie token and the user."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with state.db.write() as s:
        who = authenticate(s, api_key.strip())
        pref = s.get(WebPreference, who.key_id)
        lang = pref.lang if pref is not None else negotiate(accept_language)
        s.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
        s.add(WebSession(token_hash=_hash(token), key_id=who.key_id, role=who.role.value, org=who.org,
                         csrf=csrf, expires_at=utcnow() + timedelta(hours=SESSION_HOURS)))
    return token, WebUser(who, csrf, lang, _hash(token))


def sign_out(state: AppState, user: WebUser) -> None:
    with state.db.write() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == user.token_hash))


def set_language(state: AppState, user: WebUser, lang: str) -> None:
    if lang not in LANGS:
        raise ApiError(422, "invalid_language", f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    with state.db.write() as s:
        pref = s.get(WebPreference, user.who.key_id)
        if pref is None:
            s.add(WebPreference(key_id=user.who.key_id, lang=lang))
        else:
            pref.lang = lang


def current(state: AppState, token: str | None) -> WebUser | None:
    """The user of a session cookie, or None (no cookie, expired, unknown, or its key revoked)."""
    if not token:
        return None
    with state.db.reader() as s:
        row = s.execute(
            select(WebSession, ApiKey.revoked_at, WebPreference.lang)
            .join(ApiKey, ApiKey.id == WebSession.key_id)
            .outerjoin(WebPreference, WebPreference.key_id == WebSession.key_id)
            .where(WebSession.token_hash == _hash(token))).first()
    if row is None:
        return None
    session, revoked, lang = row
    if revoked is not None or session.expires_at < utcnow():
        return None
    who = Principal(key_id=session.key_id, role=Role(session.role), org=session.org)
    return WebUser(who, session.csrf, lang or "vi", session.token_hash)


class SignInRequired(Exception):
    """No valid session: pages redirect to the sign-in page, fragments answer 401."""


def check_csrf(request: Request, user: WebUser, form_token: str | None) -> None:
    """403 unless a state-changing request carries the session's CSRF token
    and comes from this server's origin."""
    if request.method in SAFE_METHODS:
        return
    sent = form_token or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise ApiError(403, "csrf", "missing or wrong CSRF token: reload the page and try again")
    check_origin(request)


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise ApiError(403, "csrf", f"request from another site ({origin}) refused")


async def get_user(request: Request, state: Annotated[AppState, Depends(get_state)]) -> WebUser:
    from fastapi.concurrency import run_in_threadpool

    user = await run_in_threadpool(current, state, request.cookies.get(COOKIE))
    if user is None:
        raise SignInRequired()
    if request.method not in SAFE_METHODS:
        form_token = None
        if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded",
                                                              "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            form_token = value if isinstance(value, str) else None
        check_csrf(request, user, form_token)
    return user


User = Annotated[WebUser, Depends(get_user)]


def require_role(user: WebUser, *roles: Role) -> None:
    """403 unless the user has one of ``roles`` (planners see everything the API lets them)."""
    if user.who.role not in roles and not user.who.is_planner:
        raise ApiError(403, "forbidden", f"a {user.who.role} key may not open this page")
