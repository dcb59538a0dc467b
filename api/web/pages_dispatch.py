"""The dispatcher's pages: the day's lots (upload or form), plan jobs with
their progress, the plan on a map with its drivers, moves checked on the
server, accept or undo, re-plan from now, stops done from the field, and
printable route sheets. Every call goes through the API's services."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..auth import Role
from ..deps import AppState, State
from ..errors import ApiError
from ..schemas import PlanIn
from ..services import ingest, plans, records, results
from ..services.ingest import LOTS
from . import dayplan, editing, sheets, views
from .i18n import Words
from .render import PageRoute, page, wants_json
from .sessions import User, WebUser, require_role
from .uploads import problems_of, rows_of_upload

router = APIRouter(prefix="/dispatch", route_class=PageRoute, include_in_schema=False)
LOT_FORM_FIELDS = ("id", "farm", "product", "grade", "kg", "boxes", "ready", "latest_pickup", "service_min",
                   "certifications", "packing_houses", "value")
FINAL = {"succeeded", "failed", "cancelled"}


def _words(state: AppState, user: WebUser) -> Words:
    settings = state.cases.base(state.case_record(state.settings.default_case)).settings
    return Words(user.lang, settings.timezone, settings.currency)


def _home_context(state: AppState, user: WebUser) -> dict[str, Any]:
    record = state.case_record(state.settings.default_case)
    base = state.cases.base(record)
    with state.db.reader() as s:
        lots = records.page(s, LOTS, record, user.who, records.Filters({}, "ready_at"), limit=500, cursor=None)
        jobs, _ = plans.listing(s, user.who, status=None, limit=30, cursor=None)
        names = plans.case_names(s, jobs)
        outs = [plans.out(j, names[j.case_id]) for j in jobs]
    farms = sorted((x.id, x.name) for x in base.sites if x.kind.value == "farm")
    return {"lots": lots.items, "more_lots": lots.next_cursor is not None, "jobs": outs, "farms": farms,
            "farm_names": dict(farms),
            "products": [p.id for p in base.products], "default_date": base.settings.epoch.date().isoformat(),
            "time_limit": state.settings.plan_time_limit_s}


@router.get("")
async def home(request: Request, state: State, user: User) -> Response:
    require_role(user, Role.DISPATCHER)
    context = await run_in_threadpool(_home_context, state, user)
    return page(request, "dispatch.html", user=user, words=_words(state, user), **context, upload=None, form=None)


def _store_rows(state: AppState, user: WebUser, rows: list[dict[str, str]], file: str, first: int) -> Any:
    record = state.case_record(state.settings.default_case)
    valid = ingest.validate(LOTS, state.cases.base(record), rows, file=file, first_row=first)
    return ingest.store(state.db, LOTS, record, user.who.org, valid)


@router.post("/lots/upload")
async def upload_lots(request: Request, state: State, user: User, file: Annotated[UploadFile, File()]) -> Response:
    require_role(user, Role.DISPATCHER)
    name = file.filename or "lots.csv"
    data = await file.read()
    result, problems, message = None, [], ""
    try:
        rows = rows_of_upload(LOTS, name, data)
        result = await run_in_threadpool(_store_rows, state, user, rows, name, 2)
    except ApiError as exc:
        message, problems = exc.message, problems_of(exc.problems)
    context = await run_in_threadpool(_home_context, state, user)
    upload = {"name": name, "result": result, "problems": problems, "message": message}
    return page(request, "dispatch.html", user=user, words=_words(state, user), status=422 if message else 200,
                **context, upload=upload, form=None)


@router.post("/lots/form")
async def lot_form(request: Request, state: State, user: User) -> Response:
    require_role(user, Role.DISPATCHER)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in LOT_FORM_FIELDS}
    result, problems, message = None, [], ""
    try:
        result = await run_in_threadpool(_store_rows, state, user, [values], "form", 1)
    except ApiError as exc:
        message, problems = exc.message, problems_of(exc.problems)
    context = await run_in_threadpool(_home_context, state, user)
    lot_form_state = {"fields": values, "result": result, "problems": problems, "message": message}
    return page(request, "dispatch.html", user=user, words=_words(state, user), status=422 if message else 200,
                **context, upload=None, form=lot_form_state)


@router.post("/plans")
async def start_plan(state: State, user: User, day: Annotated[date, Form(alias="date")],
                     time_limit_s: Annotated[int, Form(ge=1, le=3600)] = 30,
                     seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0) -> Response:
    require_role(user, Role.DISPATCHER)

    def submit() -> str:
        with state.db.write() as s:
            job = plans.submit(s, user.who, state.settings, PlanIn(date=day, time_limit_s=time_limit_s, seed=seed),
                                store=state.cases)
            return job.id

    job_id = await run_in_threadpool(submit)
    return RedirectResponse(f"/dispatch/plans/{job_id}", status_code=303)


def _job(state: AppState, user: WebUser, job_id: str) -> Any:
    with state.db.reader() as s:
        job = plans.get(s, job_id)
        if not user.who.is_planner and job.org != user.who.org:
            raise ApiError(403, "forbidden", "only the organisation that started this plan may open it")
        return plans.out(job, plans.case_names(s, [job])[job.case_id])


@router.get("/plans/{job_id}/status")
async def status(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.DISPATCHER)
    job = await run_in_threadpool(_job, state, user, job_id)
    return JSONResponse({"status": job.status, "progress": job.progress, "message": job.message,
                         "error": job.error, "final": job.status in FINAL})


@router.post("/plans/{job_id}/cancel")
async def cancel(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.DISPATCHER)

    def work() -> None:
        with state.db.write() as s:
            plans.cancel(s, user.who, job_id)

    await run_in_threadpool(work)
    return RedirectResponse(f"/dispatch/plans/{job_id}", status_code=303)


def _plan_context(state: AppState, user: WebUser, job_id: str, w: Words, only: str | None) -> dict[str, Any]:
    job = _job(state, user, job_id)
    if job.status != "succeeded":
        return {"job": job, "view": None}
    now = dayplan.current(state, user.who, job_id)
    case = dayplan.CASES.get(state, job_id)
    done = dayplan.done_stops(state, job_id)
    view = views.plan_view(case, user.who, now, done, w, draft=now.draft is not None)
    shown = [r for r in view["routes"] if not only or r["vehicle_id"] == only]
    history = [{"number": v.number, "who": v.author_org, "role": v.author_role, "when": w.clock(v.created_at),
                "change": v.change} for v in dayplan.versions(state, job_id)]
    return {"job": job, "view": view, "shown": shown, "only": only or "", "number": now.number,
            "draft": now.draft, "history": history, "map": views.map_data({**view, "routes": shown}),
            "sheets": None}


@router.get("/plans/{job_id}")
async def plan_page(request: Request, state: State, user: User, job_id: str, only: str | None = None) -> Response:
    require_role(user, Role.DISPATCHER)
    w = _words(state, user)
    context = await run_in_threadpool(_plan_context, state, user, job_id, w, only)
    return page(request, "plan.html", user=user, words=w, **context)


def _back(job_id: str, extra: str = "") -> RedirectResponse:
    return RedirectResponse(f"/dispatch/plans/{job_id}{extra}", status_code=303)


@router.post("/plans/{job_id}/move")
async def move(request: Request, state: State, user: User, job_id: str,
               lot: Annotated[str, Form(max_length=200)], vehicle: Annotated[str, Form(max_length=64)],
               position: Annotated[str, Form(max_length=6)] = "") -> Response:
    require_role(user, Role.DISPATCHER)
    lot_id = lot if ":" in lot or user.who.is_planner else f"{user.who.org}:{lot}"
    if position.strip() and not position.strip().isdigit():
        raise ApiError(422, "invalid_edit", f"position must be a whole number, got {position!r}")
    spec = editing.Move(lot_id, vehicle, int(position) if position.strip() else None)
    draft = await run_in_threadpool(dayplan.propose_move, state, user.who, job_id, spec)
    if wants_json(request):  # a script's answer: what changed and every violation in words
        case = dayplan.CASES.get(state, job_id)
        findings = views.worded(case, user.who, draft.findings, _words(state, user))
        return JSONResponse({"changed": draft.change["changed"], "valid": not draft.findings,
                             "findings": findings})
    return _back(job_id, "#edit")


@router.post("/plans/{job_id}/accept")
async def accept(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.DISPATCHER)
    await run_in_threadpool(dayplan.accept, state, user.who, job_id)
    return _back(job_id)


@router.post("/plans/{job_id}/undo")
async def undo(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.DISPATCHER)
    await run_in_threadpool(dayplan.undo, state, user.who, job_id)
    return _back(job_id)


@router.post("/plans/{job_id}/done")
async def stop_done(state: State, user: User, job_id: str, vehicle: Annotated[str, Form(max_length=64)],
                    stop: Annotated[int, Form(ge=0, le=10_000)], kg: Annotated[float, Form(ge=0, le=100_000)],
                    at: Annotated[str, Form(max_length=5)] = "", back: Annotated[str, Form(max_length=200)] = "") -> Response:
    require_role(user, Role.DISPATCHER)
    moment = None
    if at.strip():
        case = dayplan.CASES.get(state, job_id)
        try:
            clock = time.fromisoformat(at.strip())
        except ValueError:
            raise ApiError(422, "invalid_time", f"time done must be HH:MM, got {at!r}") from None
        day = _job(state, user, job_id).date or case.settings.epoch.date()
        moment = datetime.combine(day, clock, ZoneInfo(case.settings.timezone))
    await run_in_threadpool(lambda: dayplan.mark_done(state, user.who, job_id, vehicle_id=vehicle, stop=stop,
                                                      kg=kg, at=moment))
    target = back if back.startswith(f"/dispatch/plans/{job_id}") else f"/dispatch/plans/{job_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/plans/{job_id}/replan")
async def replan(request: Request, state: State, user: User, job_id: str,
                 now_time: Annotated[str, Form(alias="now", max_length=5)] = "",
                 time_limit_s: Annotated[int, Form(ge=1, le=3600)] = 30) -> Response:
    require_role(user, Role.DISPATCHER)
    form = await request.form()
    dispatched = [str(v) for v in form.getlist("dispatched")]
    unavailable = [str(v) for v in form.getlist("unavailable")]

    def submit() -> str:
        case = dayplan.CASES.get(state, job_id)
        with state.db.write() as s:
            previous = results.finished(s, job_id)
            results.require(user.who, Role.DISPATCHER, job=previous)
            p = previous.params
            day = date.fromisoformat(p["date"]) if p.get("date") else case.settings.epoch.date()
            when = None
            if now_time.strip():
                try:
                    when = datetime.combine(day, time.fromisoformat(now_time.strip()), ZoneInfo(case.settings.timezone))
                except ValueError:
                    raise ApiError(422, "invalid_time", f"now must be HH:MM, got {now_time!r}") from None
            name = plans.case_names(s, [previous])[previous.case_id]
            spec = PlanIn(case=name, date=day, time_limit_s=time_limit_s, seed=int(p.get("seed") or 0))
            job = plans.submit(s, user.who, state.settings, spec, store=state.cases, replan_of=previous,
                               dispatched=dispatched, now=when, unavailable=unavailable)
            return job.id

    new_id = await run_in_threadpool(submit)
    return RedirectResponse(f"/dispatch/plans/{new_id}", status_code=303)


@router.get("/plans/{job_id}/vehicles/{vehicle_id}")
async def driver_page(request: Request, state: State, user: User, job_id: str, vehicle_id: str) -> Response:
    require_role(user, Role.DISPATCHER)
    w = _words(state, user)
    context = await run_in_threadpool(_plan_context, state, user, job_id, w, vehicle_id)
    if context["view"] is None or not context["shown"]:
        raise ApiError(404, "not_found", f"no route of {vehicle_id} in this plan")
    return page(request, "driver.html", user=user, words=w, route=context["shown"][0], **context)


@router.get("/plans/{job_id}/print")
async def print_view(request: Request, state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.DISPATCHER)
    w = _words(state, user)
    context = await run_in_threadpool(_plan_context, state, user, job_id, w, None)
    if context["view"] is None:
        raise ApiError(409, "plan_not_ready", "the plan is not finished")
    return page(request, "sheets.html", user=user, words=w, **context)


def _sheets(state: AppState, user: WebUser, job_id: str, vehicle: str | None) -> str:
    now = dayplan.current(state, user.who, job_id)
    if vehicle is not None and vehicle not in dayplan.visible_vehicles(user.who, now.document):
        raise ApiError(404, "not_found", f"no route sheet of {vehicle} in this plan")
    return sheets.book(dayplan.CASES.get(state, job_id), now.document, user.who, user.lang, vehicle)


SHEET_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                 "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; "
                                            "script-src 'none'; frame-ancestors 'none'"}


@router.get("/plans/{job_id}/sheets")
async def route_sheets(state: State, user: User, job_id: str) -> Response:
    """The route sheets of the field-outputs work, one after another, to print."""
    require_role(user, Role.DISPATCHER)
    html = await run_in_threadpool(_sheets, state, user, job_id, None)
    return HTMLResponse(html, headers=SHEET_HEADERS)


@router.get("/plans/{job_id}/sheets/{vehicle_id}")
async def route_sheet(state: State, user: User, job_id: str, vehicle_id: str) -> Response:
    """One driver's sheet for a phone (tap to call, navigation per stop)."""
    require_role(user, Role.DISPATCHER)
    html = await run_in_threadpool(_sheets, state, user, job_id, vehicle_id)
    return HTMLResponse(html, headers=SHEET_HEADERS)
