"""The logistics partner's pages: its shipments by day (departure, units,
fill, treatments), manifest downloads (CSV and XLSX) and order uploads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

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
    from .dayplan import CASES

    names = await run_in_threadpool(lambda: {x.id: x.name for x in CASES.get(state, job_id).sites})
    return page(request, "partner_plan.html", user=user, words=w, job_id=job_id, day=job.params.get("date") or "",
                shipments=rows, names=names)


def manifest_files(state: AppState, user: WebUser, job_id: str) -> tuple[bytes, bytes]:
    """The partner's manifest as the field-outputs work writes it (``planner.outputs``:
    CSV with BOM and an XLSX with a summary and a sheet per shipment, names beside
    ids, formulas neutralised), for its shipments only. Its own orders go by their
    own ids, another partner's order it carries by ``org:id``; lot ids stay out."""
    import dataclasses

    from planner.i18n import Lang
    from planner.outputs.manifests import manifest_frame, partner_file_name, write_manifest_frame

    from .dayplan import CASES, DOCUMENTS

    ships = _shipments(state, user, job_id)  # checks the caller may read them
    case = CASES.get(state, job_id)
    with state.db.reader() as s:
        itineraries = DOCUMENTS.get(s, job_id)["orders"]
    mine = "" if user.who.is_planner else user.who.org
    shown = {o.id: (o.id.split(":", 1)[1] if mine and o.id.startswith(mine + ":") else o.id) for o in case.orders}
    docs = [{**sh, "manifest": [{**{k: v for k, v in line.items() if k != "order_org"},
                                 "order_id": shown.get(f"{line['order_org']}:{line['order_id']}" if line["order_org"]
                                                       else line["order_id"], line["order_id"]),
                                 "supply_id": ""} for line in sh["manifest"]]} for sh in ships]
    view = case.replace(orders=tuple(dataclasses.replace(o, id=shown[o.id]) for o in case.orders), lots=())
    carried = {line["order_id"] for sh in docs for line in sh["manifest"]}
    orders = [{"order_id": shown.get(o["order_id"], o["order_id"]), "shipments": o["shipments"]}
              for o in itineraries if shown.get(o["order_id"], o["order_id"]) in carried]
    plan = {"case": {"currency": case.settings.currency}, "shipments": docs, "orders": orders}
    lang = Lang(user.lang, case.settings.currency)
    frame = manifest_frame(plan, view, lang)
    partners = sorted({sh["partner"] for sh in docs}) or [user.who.org]
    with tempfile.TemporaryDirectory(prefix="planner-manifest-") as tmp:
        written = write_manifest_frame(frame, list(partners), Path(tmp), plan=plan, case=view, lang=lang)
        if len(partners) == 1:
            name = partner_file_name(partners[0])
            folder = Path(tmp) / "manifests"
            return (folder / name).read_bytes(), (folder / name.replace(".csv", ".xlsx")).read_bytes()
        # a planner downloading every partner's lines: one CSV of all, the XLSX of the first partner
        csv = b"".join(p.read_bytes() if k == 0 else p.read_bytes().split(b"\n", 1)[-1]
                       for k, p in enumerate(x for x in written if x.suffix == ".csv"))
        return csv, next(x for x in written if x.suffix == ".xlsx").read_bytes()


def _download(body: bytes, media: str, user: WebUser, job_id: str, suffix: str) -> Response:
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="manifest-{user.who.org}-{job_id[:8]}.{suffix}"'})


@router.get("/plans/{job_id}/manifest.csv")
async def manifest_csv(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.PARTNER)
    csv, _ = await run_in_threadpool(manifest_files, state, user, job_id)
    return _download(csv, "text/csv; charset=utf-8", user, job_id, "csv")


@router.get("/plans/{job_id}/manifest.xlsx")
async def manifest_xlsx(state: State, user: User, job_id: str) -> Response:
    require_role(user, Role.PARTNER)
    _, xlsx = await run_in_threadpool(manifest_files, state, user, job_id)
    return _download(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", user, job_id, "xlsx")
