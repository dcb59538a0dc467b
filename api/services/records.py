"""Reading back stored orders and lots: pages with filters, one by id, and
withdrawal; each organisation sees its own, planners see all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Integer, Select, String, Text, bindparam, cast, delete, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..auth import Principal
from ..db import json_loads
from ..errors import ApiError
from ..models import CaseRecord, LotRecord, OrderRecord
from ..readcache import JsonBody, ReadCache
from ..schemas import LotOut, OrderOut, Page
from . import versions
from .ingest import LOTS, ORDERS, Kind

Reader = Session | Connection  # the plain-row reads take either


@dataclass(frozen=True)
class Filters:
    """Equality filters on typed columns and a time range on one column."""

    equal: dict[str, str]
    time_column: str
    since: datetime | None = None
    until: datetime | None = None
    org: str | None = None


def _cursor(value: str | None) -> int:
    if value is None:
        return 0
    if not value.isdigit() or len(value) > 18:
        raise ApiError(400, "invalid_cursor", f"cursor must be one returned by a previous page, got {value!r}")
    return int(value)


def _scoped(query: Select[Any], record: Any, case: CaseRecord, who: Principal, org: str | None) -> Select[Any]:
    query = query.where(record.case_id == case.id)
    if not who.is_planner:
        if org is not None and org != who.org:
            raise ApiError(403, "forbidden", "you may only read your own organisation's records")
        return query.where(record.org == who.org)
    return query if org is None else query.where(record.org == org)


def page(
    session: Session, kind: Kind, case: CaseRecord, who: Principal, filters: Filters,
    *, limit: int, cursor: str | None,
) -> Page[Any]:
    R = kind.record
    query = _scoped(select(R), R, case, who, filters.org).where(R.id > _cursor(cursor))
    for name, value in filters.equal.items():
        query = query.where(getattr(R, name) == value)
    column = getattr(R, filters.time_column)
    if filters.since is not None:
        query = query.where(column >= filters.since)
    if filters.until is not None:
        query = query.where(column < filters.until)
    rows = list(session.scalars(query.order_by(R.id).limit(limit + 1)))
    more = len(rows) > limit
    items = [out(r, case) for r in rows[:limit]]
    return Page[Any](items=items, next_cursor=str(rows[limit - 1].id) if more else None)


# The columns a page of each kind serves, read as plain rows (no ORM objects)
# and serialised once (api.routes.records): the partners' hot path. Two
# columns are passed through as the database holds them instead of decoded
# and encoded again (a profile of a 100-row page put half its time there):
# the fields' JSON text (embedded as an orjson.Fragment) and, on SQLite, the
# UTC times' text (``2025-06-12 02:00:00.000000`` written as pydantic writes
# an aware UTC datetime, ``2025-06-12T02:00:00Z``).
_OUT = {
    "orders": ("channel", "market", "partner", ("ordered", "ordered_at"), ("deadline", "deadline_at")),
    "lots": ("farm", ("ready", "ready_at"), ("latest_pickup", "latest_pickup_at")),
}
_TIMES = ("created_at", "updated_at", "ordered_at", "deadline_at", "ready_at", "latest_pickup_at")


def json_text(text: str | None) -> Any:
    """Stored JSON as it is; decoded (and written again) only when it holds
    what JSON does not allow (NaN, Infinity, which ``json.dumps`` writes)."""
    if text is None:
        return None
    if "NaN" in text or "Infinity" in text:
        return json_loads(text)
    return orjson.Fragment(text)


def _sqlite_utc(text: str | None) -> str | None:
    """SQLite's ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (UTC) as ISO 8601 with ``Z``."""
    if text is None:
        return None
    fraction = text[19:]
    return f"{text[:10]}T{text[11:19]}{fraction if fraction.strip('.0') else ''}Z"


def _read(column: Any, *, sqlite: bool) -> Any:
    """``column`` as the text the database holds, where that is cheaper to pass on."""
    if column.key == "values":
        return cast(column, Text)
    if column.key in _TIMES and sqlite:
        return type_coerce(column, String)
    return column


def _columns(kind: Kind, *, sqlite: bool) -> tuple[list[tuple[str, str]], list[Any]]:
    R = kind.record
    names = [(n, n) if isinstance(n, str) else n for n in _OUT[kind.name]]
    columns = [R.id, R.external_id, R.org, R.product, R.kg, R.values, R.created_at, R.updated_at,
               *(getattr(R, column) for _, column in names)]
    return names, [_read(c, sqlite=sqlite) for c in columns]


def _item(row: Any, names: list[tuple[str, str]], case: CaseRecord, sqlite: bool) -> dict[str, Any]:
    time = _sqlite_utc if sqlite else (lambda value: value)
    item = {"id": row[1], "org": row[2], "case": case.name, "product": row[3], "kg": float(row[4]),
            "fields": json_text(row[5]), "created_at": time(row[6]), "updated_at": time(row[7])}
    item.update({out: time(row[8 + i]) if column in _TIMES else row[8 + i]
                 for i, (out, column) in enumerate(names)})
    return item


# The statements of the hot path are built once for each shape (kind, backend,
# which filters) with bound parameters, not once a request: building a select
# cost about as much as running it.
_KINDS = {kind.name: kind for kind in (ORDERS, LOTS)}


@lru_cache(maxsize=512)
def _one_statement(kind_name: str, sqlite: bool) -> tuple[list[tuple[str, str]], Select[Any]]:
    R = _KINDS[kind_name].record
    names, columns = _columns(_KINDS[kind_name], sqlite=sqlite)
    return names, select(*columns).where(R.case_id == bindparam("case_id"), R.org == bindparam("org"),
                                         R.external_id == bindparam("ident"))


@lru_cache(maxsize=512)
def _page_statement(kind_name: str, sqlite: bool, by_org: bool, equal: tuple[str, ...], time_column: str,
                    since: bool, until: bool) -> tuple[list[tuple[str, str]], Select[Any]]:
    R = _KINDS[kind_name].record
    names, columns = _columns(_KINDS[kind_name], sqlite=sqlite)
    query = select(*columns).where(R.case_id == bindparam("case_id"), R.id > bindparam("after"))
    if by_org:
        query = query.where(R.org == bindparam("org"))
    for name in equal:
        query = query.where(getattr(R, name) == bindparam(f"equal_{name}"))
    column = getattr(R, time_column)
    if since:
        query = query.where(column >= bindparam("since"))
    if until:
        query = query.where(column < bindparam("until"))
    return names, query.order_by(R.id).limit(bindparam("limit", type_=Integer, literal_execute=True))


def _is_sqlite(conn: Reader) -> bool:
    return (conn.dialect if isinstance(conn, Connection) else conn.get_bind().dialect).name == "sqlite"


def one_row(session: Reader, kind: Kind, case: CaseRecord, who: Principal, ident: str,
            org: str | None) -> dict[str, Any]:
    """One record as the JSON body of ``OrderOut`` / ``LotOut`` (as ``get``)."""
    owner = org if who.is_planner and org else who.org
    if org and not who.is_planner and org != who.org:
        raise ApiError(403, "forbidden", "you may only read your own organisation's records")
    sqlite = _is_sqlite(session)
    names, statement = _one_statement(kind.name, sqlite)
    row = session.execute(statement, {"case_id": case.id, "org": owner, "ident": ident}).first()
    if row is None:
        raise ApiError(404, "not_found", f"no {kind.singular} {ident!r} of {owner} in case {case.name!r}")
    return _item(row, names, case, sqlite)


def page_rows(
    session: Reader, kind: Kind, case: CaseRecord, who: Principal, filters: Filters,
    *, limit: int, cursor: str | None,
) -> dict[str, Any]:
    """A page as the JSON body of ``Page[OrderOut]`` / ``Page[LotOut]`` (the same
    fields and values as ``page``), built from plain rows."""
    if not who.is_planner and filters.org is not None and filters.org != who.org:
        raise ApiError(403, "forbidden", "you may only read your own organisation's records")
    org = filters.org if who.is_planner else who.org
    equal = tuple(sorted(filters.equal))
    sqlite = _is_sqlite(session)
    names, statement = _page_statement(kind.name, sqlite, org is not None, equal, filters.time_column,
                                       filters.since is not None, filters.until is not None)
    params: dict[str, Any] = {"case_id": case.id, "after": _cursor(cursor), "org": org, "since": filters.since,
                              "until": filters.until, "limit": limit + 1}
    params.update({f"equal_{name}": filters.equal[name] for name in equal})
    rows = session.execute(statement, params).all()
    items = [_item(row, names, case, sqlite) for row in rows[:limit]]
    return {"items": items, "next_cursor": str(rows[limit - 1][0]) if len(rows) > limit else None}


def _page_key(kind: Kind, case: CaseRecord, who: Principal, filters: Filters, limit: int,
              cursor: str | None) -> tuple[str | None, tuple[Any, ...]]:
    """The organisation a page reads (None: every one, a planner's) and what it holds (403 for another's)."""
    if not who.is_planner and filters.org is not None and filters.org != who.org:
        raise ApiError(403, "forbidden", "you may only read your own organisation's records")
    org = filters.org if who.is_planner else who.org
    return org, ("page", kind.name, case.id, org, limit, cursor, tuple(sorted(filters.equal.items())),
                 filters.time_column, filters.since, filters.until)


def _one_key(kind: Kind, case: CaseRecord, who: Principal, ident: str, org: str | None) -> tuple[str, tuple[Any, ...]]:
    if org and not who.is_planner and org != who.org:
        raise ApiError(403, "forbidden", "you may only read your own organisation's records")
    owner = org if who.is_planner and org else who.org
    return owner, ("one", kind.name, case.id, owner, ident)


def _version(version_of: versions.VersionOf, kind: Kind, case: CaseRecord, org: str) -> int:
    return version_of(kind.record.__tablename__, case.id, org)


def kept_page(
    version_of: versions.VersionOf, cache: ReadCache, kind: Kind, case: CaseRecord, who: Principal,
    filters: Filters, *, limit: int, cursor: str | None,
) -> JsonBody | None:
    """The body of this page kept in ``cache``, if it is still current (``version_of``: read after the request came)."""
    org, key = _page_key(kind, case, who, filters, limit, cursor)
    return None if org is None else cache.get(key, _version(version_of, kind, case, org))


def page_body(
    conn: Connection, cache: ReadCache, kind: Kind, case: CaseRecord, who: Principal, filters: Filters,
    *, limit: int, cursor: str | None, version_of: versions.VersionOf | None = None,
) -> JsonBody:
    """``page_rows`` as a JSON body: kept in ``cache`` while the organisation's
    records are unchanged (a planner's page of every organisation is not kept).
    The version is read before the rows (see api.readcache), on ``conn`` unless
    ``version_of`` gives one already read after the request came."""
    org, key = _page_key(kind, case, who, filters, limit, cursor)
    if org is None:
        return JsonBody.json(page_rows(conn, kind, case, who, filters, limit=limit, cursor=cursor))
    version = _version(version_of or versions.of_connection(conn), kind, case, org)
    return cache.get(key, version) or cache.put(
        key, version, JsonBody.json(page_rows(conn, kind, case, who, filters, limit=limit, cursor=cursor)))


def kept_one(version_of: versions.VersionOf, cache: ReadCache, kind: Kind, case: CaseRecord, who: Principal,
             ident: str, org: str | None) -> JsonBody | None:
    """The body of this record kept in ``cache``, if it is still current."""
    owner, key = _one_key(kind, case, who, ident, org)
    return cache.get(key, _version(version_of, kind, case, owner))


def one_body(conn: Connection, cache: ReadCache, kind: Kind, case: CaseRecord, who: Principal, ident: str,
             org: str | None, *, version_of: versions.VersionOf | None = None) -> JsonBody:
    """``one_row`` as a JSON body, kept in ``cache`` while the organisation's records are unchanged."""
    owner, key = _one_key(kind, case, who, ident, org)
    version = _version(version_of or versions.of_connection(conn), kind, case, owner)
    return cache.get(key, version) or cache.put(
        key, version, JsonBody.json(one_row(conn, kind, case, who, ident, org)))


def _one(session: Session, kind: Kind, case: CaseRecord, who: Principal, ident: str, org: str | None) -> Any:
    R = kind.record
    owner = org if who.is_planner and org else who.org
    if org and not who.is_planner and org != who.org:
        raise ApiError(403, "forbidden", "you may only read your own organisation's records")
    record = session.scalar(
        select(R).where(R.case_id == case.id, R.org == owner, R.external_id == ident))
    if record is None:
        raise ApiError(404, "not_found", f"no {kind.singular} {ident!r} of {owner} in case {case.name!r}")
    return record


def get(session: Session, kind: Kind, case: CaseRecord, who: Principal, ident: str, org: str | None) -> Any:
    return out(_one(session, kind, case, who, ident, org), case)


def withdraw(session: Session, kind: Kind, case: CaseRecord, who: Principal, ident: str, org: str | None) -> None:
    record = _one(session, kind, case, who, ident, org)
    session.execute(delete(kind.record).where(kind.record.id == record.id))


def out(record: OrderRecord | LotRecord, case: CaseRecord) -> OrderOut | LotOut:
    common = {
        "id": record.external_id, "org": record.org, "case": case.name, "product": record.product,
        "kg": record.kg, "fields": dict(record.values), "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
    if isinstance(record, OrderRecord):
        return OrderOut(
            **common, channel=record.channel, market=record.market, partner=record.partner,
            ordered=record.ordered_at, deadline=record.deadline_at,
        )
    return LotOut(**common, farm=record.farm, ready=record.ready_at, latest_pickup=record.latest_pickup_at)
