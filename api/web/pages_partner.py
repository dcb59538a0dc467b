"""The logistics partner's pages: its shipments by day (departure, units,
fill, treatments), manifest downloads (CSV and XLSX) and order uploads."""

from __future__ import annotations

import io
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import select

from ..auth import Role
from ..deps import AppState, State
from ..errors import ApiError
from ..models import PlanJob, PlanShipment
from ..services import ingest, plans, results
from ..services.ingest import ORDERS
from ..services.results import MANIFEST_COLUMNS
from .i18n import Words
from .render import PageRoute, page
from .sessions import User, WebUser, require_role
from .uploads import problems_of, rows_of_upload

router = APIRouter(prefix="/partner", route_class=PageRoute, include_in_schema=False)


def _words(state: AppState, user: WebUser) -> Words:
    settings = state.cases.base(state.case_record(state.settings.default_case)).settings
    return Words(user.lang, settings.timezone, settings.currency)


def _days(state: AppState, user: WebUser) -> list[dict[str, Any]]:
    """Finished plans carrying the partner's shipments (planners: all), newest day first."""
    with state.db.reader() as s:
        query = select(PlanJob).where(PlanJob.status == "succeeded").order_by(PlanJob.created_at.desc()).limit(60)
        if not user.who.is_planner:
            mine = select(PlanShipment.job_id).where(PlanShipment.partner == user.who.org)
            query = query.where(PlanJob.id.in_(mine))
        jobs = list(s.scalars(query))
        out = []
        for job in jobs:
            ships = results.shipments(s, job.id, user.who)
            out.append({"job": job.id, "date": job.params.get("date") or "", "created": job.created_at,
                        "shipments": len(ships), "kg": sum(u["kg"] for sh in ships for u in sh["units"])})
    return sorted(out, key=lambda d: (d["date"], d["created"]), reverse=True)


@router.get("")
async def home(request: Request, state: State, user: User) -> Response:
    require_role(user, Role.PARTNER)
    days = await run_in_threadpool(_days, state, user)
    return page(request, "partner.html", user=user, words=_words(state, user), days=days, upload=None)


@router.post("/orders/upload")
async def upload_orders(request: Request, state: State, user: User, file: Annotated[UploadFile, File()]) -> Response:
    require_role(user, Role.PARTNER)
    name = file.filename or "orders.csv"
    data = await file.read()
    result, problems, message = None, [], ""

    def store() -> Any:
        record = state.case_record(state.settings.default_case)
        rows = rows_of_upload(ORDERS, name, data)
        valid = ingest.validate(ORDERS, state.cases.base(record), rows, file=name, first_row=2)
        return ingest.store(state.db, ORDERS, record, user.who.org, valid)

    try:
        result = await run_in_threadpool(store)
    except ApiError as exc:
        message, problems = exc.message, problems_of(exc.problems)
    days = await run_in_threadpool(_days, state, user)
    return page(request, "partner.html", user=user, words=_words(state, user), days=days,
                status=422 if message else 200,
                upload={"name": name, "result": result, "problems": problems, "message": message})


def _shipments(state: AppState, user: WebUser, job_id: str) -> list[dict[str, Any]]:
    with state.db.reader() as s:
        return results.shipments(s, job_id, user.who)


@router.get("/plans/{job_id}")
async def shipments(request: Request, state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.PARTNER)
    ships = await run_in_threadpool(_shipments, state, user, job_id)
    with state.db.reader() as s:
        job = plans.get(s, job_id)
    w = _words(state, user)
    rows = [{**sh, "kg": sum(u["kg"] for u in sh["units"]), "boxes": sum(u["boxes"] for u in sh["units"]),
             "fill": sum(u["fill"] for u in sh["units"]) / max(1, len(sh["units"])),
             "orders": len({m["order_id"] for m in sh["manifest"]})} for sh in ships]
    return page(request, "partner_plan.html", user=user, words=w, job_id=job_id, day=job.params.get("date") or "",
                shipments=rows)


def manifest_frame(ships: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(results.manifest_rows(ships), columns=list(MANIFEST_COLUMNS))


def _neutral(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as formulas start with a quote (OWASP CSV injection)."""
    def fix(value: object) -> object:
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    return frame.map(fix)


@router.get("/plans/{job_id}/manifest.csv")
async def manifest_csv(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.PARTNER)
    ships = await run_in_threadpool(_shipments, state, user, job_id)
    text = _neutral(manifest_frame(ships)).to_csv(index=False, lineterminator="\r\n")
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="manifest-{user.who.org}-{job_id[:8]}.csv"'})


@router.get("/plans/{job_id}/manifest.xlsx")
async def manifest_xlsx(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.PARTNER)
    ships = await run_in_threadpool(_shipments, state, user, job_id)
    frame = _neutral(manifest_frame(ships))
    for column in ("departure", "arrival"):
        frame[column] = pd.to_datetime(frame[column], utc=False).map(
            lambda t: t.tz_localize(None) if t is not pd.NaT and t.tzinfo else t)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="manifest", index=False)
    return Response(buffer.getvalue(),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition":
                             f'attachment; filename="manifest-{user.who.org}-{job_id[:8]}.xlsx"'})
