"""Plan jobs and their results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import Connection

from ..auth import Role
from ..deps import DB, Caller, Cursor, Limit, State, allow
from ..engine import check_plan
from ..readcache import JsonBody
from ..schemas import (
    CheckOut,
    FeatureCollection,
    JobOut,
    JobStatus,
    KpisOut,
    ManifestRowOut,
    Page,
    PlanIn,
    ReplanIn,
    RouteOut,
    ShipmentOut,
)
from ..services import plans, results
from ..services.results import MANIFEST_COLUMNS
from . import IfNoneMatch, body_response, conditional, errors, text_body

router = APIRouter(prefix="/v1/plans", tags=["plans"])
Partner = Annotated[str | None, Query(max_length=64, description="Partner (planners; a partner sees its own)")]
SHIPMENT_COLUMNS = ("id", "lane_id", "mode", "partner", "origin", "destination", "departure", "arrival",
                    "temperature_c", "units", "kg", "boxes", "orders", "cost")


PlanId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A plan job id (32 hex digits)")]


def _job_out(session: Any, job: Any) -> JobOut:
    return plans.out(job, plans.case_names(session, [job])[job.case_id])


@router.post("", status_code=202, response_model=JobOut, summary="Start a plan job",
             description="Queues a plan for a date: the lots ready that day and the orders open on it (ordered "
                         "before its end, due after its start). Poll `GET /v1/plans/{id}` for status and progress.",
             responses=errors(403, 404, 429))
def start_plan(body: PlanIn, state: State, who: Caller, response: Response) -> JobOut:
    with state.db.write() as session:
        job = plans.submit(session, who, state.settings, body, store=state.cases)
        out = _job_out(session, job)
    response.headers["Location"] = f"/v1/plans/{out.id}"
    return out


@router.get("", response_model=Page[JobOut], summary="List plan jobs, newest first",
            description="Planners see every job; a cooperative the jobs it started; a partner the finished plans "
                        "carrying its shipments.", responses=errors(400))
def list_plans(db: DB, who: Caller, limit: Limit,
               cursor: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$",
                                                   description="next_cursor of the previous page (a job id)")] = None,
               status: Annotated[JobStatus | None, Query()] = None) -> Page[JobOut]:
    with db.reader() as session:
        jobs, next_cursor = plans.listing(session, who, status=status, limit=limit, cursor=cursor)
        names = plans.case_names(session, jobs)
        return Page[JobOut](items=[plans.out(j, names[j.case_id]) for j in jobs], next_cursor=next_cursor)


@router.get("/{plan_id}", response_model=JobOut, summary="Status and progress of a plan job",
            description="404 for a job the caller may not see (see `GET /v1/plans`).", responses=errors(404))
def get_plan(plan_id: PlanId, db: DB, who: Caller) -> JobOut:
    with db.reader() as session:
        return _job_out(session, plans.get(session, plan_id, who))


@router.delete("/{plan_id}", status_code=202, response_model=JobOut, summary="Cancel a plan job",
               description="A queued job is cancelled at once; a running one at its next progress report.",
               responses=errors(403, 404, 409))
def cancel_plan(plan_id: PlanId, state: State, who: Caller) -> JobOut:
    with state.db.write() as session:
        return _job_out(session, plans.cancel(session, who, plan_id))


@router.post("/{plan_id}/replan", status_code=202, response_model=JobOut, summary="Re-plan with dispatched routes fixed",
             description="A new job for the same case and day: the routes of the `dispatched` vehicles in this "
                         "plan (as last accepted on the web page) are kept, everything else (with orders and lots "
                         "that arrived since) is planned again without the `unavailable` vehicles.",
             responses=errors(403, 404, 409, 429))
def replan(plan_id: PlanId, body: ReplanIn, state: State, who: Caller, response: Response) -> JobOut:
    with state.db.write() as session:
        previous = results.finished(session, plan_id)
        results.require(who, Role.DISPATCHER, job=previous)
        case_name = plans.case_names(session, [previous])[previous.case_id]
        p = previous.params
        spec = PlanIn(case=case_name, date=p.get("date"), time_limit_s=body.time_limit_s, seed=body.seed)
        job = plans.submit(session, who, state.settings, spec, store=state.cases, replan_of=previous,
                           dispatched=body.dispatched, now=body.now, unavailable=body.unavailable)
        out = _job_out(session, job)
    response.headers["Location"] = f"/v1/plans/{out.id}"
    return out


@router.get("/{plan_id}/routes", response_model=list[RouteOut], summary="Pickup routes (dispatchers: those carrying their lots)",
            responses=errors(403, 404, 409))
def get_routes(plan_id: PlanId, db: DB, who: Caller) -> list[dict[str, Any]]:
    with db.reader() as session:
        return results.routes(session, plan_id, who)


@router.get("/{plan_id}/routes.geojson", response_model=FeatureCollection, summary="Pickup routes as GeoJSON",
            responses=errors(403, 404, 409))
def get_routes_geojson(plan_id: PlanId, db: DB, who: Caller) -> dict[str, Any]:
    with db.reader() as session:
        return results.routes_geojson(results.routes(session, plan_id, who))


@router.get("/{plan_id}/shipments", response_model=Page[ShipmentOut], summary="Shipments (partners: their own)",
            responses=errors(400, 403, 404, 409))
def get_shipments(plan_id: PlanId, db: DB, who: Caller, limit: Limit, cursor: Cursor = None,
                  partner: Partner = None) -> Page[Any]:
    with db.reader() as session:
        items, next_cursor = results.shipments_page(session, plan_id, who, partner, limit=limit, cursor=cursor)
        return Page[Any](items=items, next_cursor=next_cursor)


@router.get("/{plan_id}/shipments.csv", response_model=None, summary="Shipments as CSV",
            responses=text_body("text/csv", "One row per shipment", 403, 404, 409))
def get_shipments_csv(plan_id: PlanId, db: DB, who: Caller, partner: Partner = None) -> PlainTextResponse:
    with db.reader() as session:
        rows = [{**s, "units": len(s["units"]), "kg": sum(x["kg"] for x in s["manifest"]),
                 "boxes": sum(x["boxes"] for x in s["manifest"]), "orders": len(s["manifest"])}
                for s in results.shipments(session, plan_id, who, partner)]
        return PlainTextResponse(results.to_csv(rows, SHIPMENT_COLUMNS), media_type="text/csv")


@router.get("/{plan_id}/manifests", response_model=Page[ManifestRowOut],
            summary="Manifest lines (partners: their own), `limit` lines a page",
            responses=conditional(400, 403, 404, 409))
async def get_manifests(plan_id: PlanId, state: State, who: Caller, limit: Limit, cursor: Cursor = None,
                        partner: Partner = None, if_none_match: IfNoneMatch = None) -> Response:
    key = results.manifest_key(plan_id, who, partner, limit=limit, cursor=cursor)

    def read(conn: Connection) -> JsonBody:  # as the record reads (api.deps.AppState.read)
        return results.manifest_body(conn, state.reads, key, who)

    kept = state.reads.get(key, 0)  # a succeeded plan's page: no database
    return body_response(kept if kept is not None else await state.read(read), if_none_match)


@router.get("/{plan_id}/manifests.csv", response_model=None, summary="Manifest lines as CSV",
            responses=text_body("text/csv", "One row per manifest line", 403, 404, 409))
def get_manifests_csv(plan_id: PlanId, db: DB, who: Caller, partner: Partner = None) -> PlainTextResponse:
    with db.reader() as session:
        rows = results.manifest_rows(results.shipments(session, plan_id, who, partner))
        return PlainTextResponse(results.to_csv(rows, MANIFEST_COLUMNS), media_type="text/csv")


@router.get("/{plan_id}/kpis", response_model=KpisOut, summary="KPIs (planners; the dispatcher that started it)",
            responses=errors(403, 404, 409))
def get_kpis(plan_id: PlanId, db: DB, who: Caller) -> KpisOut:
    with db.reader() as session:
        return KpisOut(plan=plan_id, kpis=results.result(session, plan_id, who).kpis)


@router.get("/{plan_id}/plan.json", response_model=dict[str, Any], summary="The whole plan document (planners)",
            responses=errors(403, 404, 409))
def get_document(plan_id: PlanId, db: DB, who: Caller) -> dict[str, Any]:
    with db.reader() as session:
        allow(who)
        return results.result(session, plan_id, who).document


@router.get("/{plan_id}/report", response_model=None, summary="The report page (planners)",
            responses=text_body("text/html", "A self-contained HTML page", 403, 404, 409))
def get_report(plan_id: PlanId, db: DB, who: Caller) -> HTMLResponse:
    with db.reader() as session:
        allow(who)
        record = results.result(session, plan_id, who)
        return HTMLResponse(record.report_html or f"<!doctype html><title>plan {plan_id}</title><pre>{record.summary}</pre>")


@router.post("/{plan_id}/check", response_model=CheckOut, summary="Check an edited plan against its case (planners)",
             description="Send the plan document (as from `plan.json`) with edits: moved stops, swapped vehicles. "
                         "Times, loads, freshness and costs are recomputed and every violation listed, against the "
                         "orders and lots the plan was made from (`against=plan`, the default) or those stored now "
                         "for its day (`against=today`: what changed since).",
             responses=errors(403, 404, 409))
def check(plan_id: PlanId, document: Annotated[dict[str, Any], Body()], state: State, db: DB, who: Caller,
          against: Annotated[Literal["plan", "today"], Query(description="Data to check against")] = "plan",
          ) -> CheckOut:
    with db.reader() as session:
        allow(who)
        results.result(session, plan_id, who)
        case = plans.case_of_job(session, state.cases, plans.get(session, plan_id), today=against == "today")
    return check_plan(case, document)
