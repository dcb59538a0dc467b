"""Orders (partners) and lots (dispatchers): bulk ingest of JSON or CSV,
pages with filters, one by id, withdrawal."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, AwareDatetime, BeforeValidator
from sqlalchemy import Connection

from ..auth import Principal, Role
from ..deps import AppState, Caller, CaseParam, Cursor, Limit, State, allow
from ..models import CaseRecord
from ..readcache import JsonBody
from ..schemas import IngestResult, LotOut, OrderOut, Page
from ..services import ingest, records
from ..services.ingest import LOTS, ORDERS, Kind
from ..services.versions import VersionOf
from . import IfNoneMatch, body_response, conditional, errors

router = APIRouter(prefix="/v1")


def iso_only(value: object) -> object:
    """Query times are ISO 8601 text, not numbers (which pydantic would read as Unix times)."""
    if isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit():
        raise ValueError("must be an ISO 8601 datetime with an offset, e.g. 2025-06-12T09:00+07:00")
    return value


EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


def in_range(value: datetime | None) -> datetime | None:
    """Query times a database can compare: 1970-01-01 to 2999-12-31 (UTC)."""
    if value is None:
        return None
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError("must be between 1970-01-01T00:00Z and 2999-12-31T00:00Z")
    return utc


Text = Annotated[str | None, Query(max_length=128)]
Org = Annotated[str | None, Query(max_length=64, description="Organisation (planners; others see their own)")]
Moment = Annotated[AwareDatetime | None, BeforeValidator(iso_only), AfterValidator(in_range),
                   Query(description="ISO 8601 with an offset, 1970-01-01 to 2999-12-31",
                         examples=["2025-06-12T00:00:00+07:00"])]
RecordId = Annotated[str, Path(pattern=ingest.ID_PATTERN, max_length=128,
                               description="The caller's id: " + ingest.ID_RULE.removeprefix("must be "))]

CSV_EXAMPLES = {
    "orders": "id,channel,market,product,kg,ordered,deadline,city,country,lat,lon,hub,partner\n"
              "LS-1,livestream,domestic,lychee,5,2025-06-12T09:00,2025-06-13T20:00,Hanoi,VN,21.042,105.85,hub-hanoi,viettel-post\n",
    "lots": "id,farm,product,kg,ready,latest_pickup\nL1,farm-0033,lychee,150,2025-06-12T04:00,2025-06-12T10:00\n",
}


def _body_doc(kind: Kind) -> dict[str, Any]:
    schema = "OrdersIn" if kind is ORDERS else "LotsIn"
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
        "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLES[kind.name]},
    }}}


async def _ingest(kind: Kind, request: Request, state: State, who: Principal, case: CaseRecord) -> IngestResult:
    data = await request.body()

    def work() -> IngestResult:
        rows, file, first = ingest.parse(kind, request.headers.get("content-type", ""), data,
                                         max_rows=state.settings.max_rows_per_request)
        bounds = ingest.Bounds(state.settings.season_days, state.settings.horizon_margin_days)
        valid = ingest.validate(kind, state.cases.base(case), rows, file=file, first_row=first, bounds=bounds)
        return ingest.store(state.db, kind, case, who.org, valid)

    return await run_in_threadpool(work)


INGEST_DOC = ("Every row is read as the case files are (same fields, same rules). If any row has a "
              "problem, the answer lists every problem (file, row, field) and nothing is stored. "
              "Ids are the caller's: sending a row again updates it or leaves it unchanged, never duplicates.")


@router.post("/orders", tags=["orders"], response_model=IngestResult, summary="Ingest orders (JSON or CSV)",
             description=INGEST_DOC, openapi_extra=_body_doc(ORDERS), responses=errors(403, 404, 413, 415))
async def ingest_orders(request: Request, state: State, who: Caller, case: CaseParam) -> IngestResult:
    allow(who, Role.PARTNER)
    return await _ingest(ORDERS, request, state, who, case)


@router.post("/lots", tags=["lots"], response_model=IngestResult, summary="Ingest harvest lots (JSON or CSV)",
             description=INGEST_DOC, openapi_extra=_body_doc(LOTS), responses=errors(403, 404, 413, 415))
async def ingest_lots(request: Request, state: State, who: Caller, case: CaseParam) -> IngestResult:
    allow(who, Role.DISPATCHER)
    return await _ingest(LOTS, request, state, who, case)


def _page(state: AppState, kind: Kind, case: CaseRecord, who: Principal, filters: records.Filters, limit: int,
          cursor: str | None) -> Awaitable[JsonBody]:
    def kept(version_of: VersionOf) -> JsonBody | None:
        return records.kept_page(version_of, state.reads, kind, case, who, filters, limit=limit, cursor=cursor)

    def build(conn: Connection, version_of: VersionOf | None) -> JsonBody:
        return records.page_body(conn, state.reads, kind, case, who, filters, limit=limit, cursor=cursor,
                                 version_of=version_of)

    return state.read_kept(kept, build)


def _one(state: AppState, kind: Kind, case: CaseRecord, who: Principal, ident: str,
         org: str | None) -> Awaitable[JsonBody]:
    def kept(version_of: VersionOf) -> JsonBody | None:
        return records.kept_one(version_of, state.reads, kind, case, who, ident, org)

    def build(conn: Connection, version_of: VersionOf | None) -> JsonBody:
        return records.one_body(conn, state.reads, kind, case, who, ident, org, version_of=version_of)

    return state.read_kept(kept, build)


@router.get("/orders", tags=["orders"], response_model=Page[OrderOut], summary="List orders",
            responses=conditional(400, 403, 404))
async def list_orders(
    state: State, who: Caller, case: CaseParam, limit: Limit, cursor: Cursor = None,
    market: Text = None, product: Text = None, channel: Text = None, partner: Text = None,
    ordered_from: Moment = None, ordered_to: Moment = None, org: Org = None, if_none_match: IfNoneMatch = None,
) -> Response:
    allow(who, Role.PARTNER)
    equal = {k: v for k, v in {"market": market, "product": product, "channel": channel, "partner": partner}.items() if v}
    filters = records.Filters(equal, "ordered_at", ordered_from, ordered_to, org)
    return body_response(await _page(state, ORDERS, case, who, filters, limit, cursor), if_none_match)


@router.get("/lots", tags=["lots"], response_model=Page[LotOut], summary="List harvest lots",
            responses=conditional(400, 403, 404))
async def list_lots(
    state: State, who: Caller, case: CaseParam, limit: Limit, cursor: Cursor = None,
    farm: Text = None, product: Text = None, ready_from: Moment = None, ready_to: Moment = None, org: Org = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    allow(who, Role.DISPATCHER)
    equal = {k: v for k, v in {"farm": farm, "product": product}.items() if v}
    filters = records.Filters(equal, "ready_at", ready_from, ready_to, org)
    return body_response(await _page(state, LOTS, case, who, filters, limit, cursor), if_none_match)


@router.get("/orders/{order_id}", tags=["orders"], response_model=OrderOut, summary="One order",
            responses=conditional(403, 404))
async def get_order(order_id: RecordId, state: State, who: Caller, case: CaseParam, org: Org = None,
                    if_none_match: IfNoneMatch = None) -> Response:
    allow(who, Role.PARTNER)
    return body_response(await _one(state, ORDERS, case, who, order_id, org), if_none_match)


@router.get("/lots/{lot_id}", tags=["lots"], response_model=LotOut, summary="One harvest lot",
            responses=conditional(403, 404))
async def get_lot(lot_id: RecordId, state: State, who: Caller, case: CaseParam, org: Org = None,
                  if_none_match: IfNoneMatch = None) -> Response:
    allow(who, Role.DISPATCHER)
    return body_response(await _one(state, LOTS, case, who, lot_id, org), if_none_match)


@router.delete("/orders/{order_id}", tags=["orders"], status_code=204, summary="Withdraw an order",
               responses=errors(403, 404))
def delete_order(order_id: RecordId, state: State, who: Caller, case: CaseParam, org: Org = None) -> Response:
    allow(who, Role.PARTNER)
    with state.db.write() as session:
        records.withdraw(session, ORDERS, case, who, order_id, org)
    return Response(status_code=204)


@router.delete("/lots/{lot_id}", tags=["lots"], status_code=204, summary="Withdraw a harvest lot",
               responses=errors(403, 404))
def delete_lot(lot_id: RecordId, state: State, who: Caller, case: CaseParam, org: Org = None) -> Response:
    allow(who, Role.DISPATCHER)
    with state.db.write() as session:
        records.withdraw(session, LOTS, case, who, lot_id, org)
    return Response(status_code=204)
