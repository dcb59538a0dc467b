"""Bulk ingestion of orders and lots: every row read by the case-file readers
(planner.io.csv_files.read_order / read_lot with a RowReader), cross-checked
against the case, and stored all at once or not at all. Idempotent by the
caller's id within its organisation: a retry creates nothing new."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from planner.domain import Case, CaseSettings, HarvestLot, Order, case_problems
from planner.domain.units import to_datetime
from planner.io import csv_files
from planner.io.fields import RowReader

from ..db import Database
from ..errors import ApiError
from ..limits import rows as check_rows
from ..models import CaseRecord, LotRecord, OrderRecord, utcnow
from ..schemas import LOT_FIELDS, ORDER_FIELDS, IngestResult, LotsIn, OrdersIn

MAX_ID_LENGTH = 128
CHUNK = 500


@dataclass(frozen=True)
class Kind:
    """What differs between orders and lots."""

    name: str  # "orders"
    singular: str  # "order", as case_problems names it
    fields: tuple[str, ...]
    columns: tuple[str, ...]  # required CSV columns
    times: tuple[str, ...]  # fields stored as absolute ISO datetimes
    reader: Callable[[RowReader, CaseSettings], Any]
    record: type[OrderRecord] | type[LotRecord]
    typed: Callable[[Any, CaseSettings], dict[str, Any]]


def _when(t: int, settings: CaseSettings) -> datetime:
    return to_datetime(t, settings.epoch, settings.timezone)


def _order_columns(order: Order, settings: CaseSettings) -> dict[str, Any]:
    return {
        "channel": order.channel.value, "market": order.market, "product": order.product,
        "partner": order.partner, "kg": order.kg, "ordered_at": _when(order.ordered, settings),
        "deadline_at": _when(order.deadline, settings),
    }


def _lot_columns(lot: HarvestLot, settings: CaseSettings) -> dict[str, Any]:
    return {
        "farm": lot.farm, "product": lot.product, "kg": lot.kg,
        "ready_at": _when(lot.ready, settings), "latest_pickup_at": _when(lot.latest_pickup, settings),
    }


ORDERS = Kind(
    "orders", "order", ORDER_FIELDS, csv_files.ORDER_COLUMNS, ("ordered", "deadline"),
    csv_files.read_order, OrderRecord, _order_columns,
)
LOTS = Kind(
    "lots", "lot", LOT_FIELDS, csv_files.LOT_COLUMNS, ("ready", "latest_pickup"),
    csv_files.read_lot, LotRecord, _lot_columns,
)


@dataclass(frozen=True)
class Valid:
    external_id: str
    values: dict[str, str]
    digest: str
    columns: dict[str, Any]


def json_rows(rows: Sequence[Any]) -> list[dict[str, str]]:
    """Rows of a JSON body (pydantic rows) as the strings a CSV file would hold."""
    return json_rows_of([row.model_dump() for row in rows])


def json_rows_of(rows: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Rows given as dicts of JSON values, as the strings a CSV file would hold."""
    return [
        {k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in row.items()}
        for row in rows
    ]


def csv_rows(data: bytes, kind: Kind) -> list[dict[str, str]]:
    """Rows of a CSV upload (header = row 1), read as the case reader reads files."""
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ApiError(422, "invalid_csv", f"{kind.name}.csv: not a readable CSV file ({exc})") from None
    missing = [c for c in kind.columns if c not in frame.columns]
    if missing:
        raise ApiError(422, "invalid_csv", f"{kind.name}.csv: missing column(s) {', '.join(missing)}")
    known = [c for c in frame.columns if c in kind.fields]
    return [{k: str(v) for k, v in rec.items()} for rec in frame[known].to_dict("records")]


def validate(kind: Kind, base: Case, rows: list[dict[str, str]], *, file: str, first_row: int) -> list[Valid]:
    """Every row read and cross-checked; raise 422 listing every problem."""
    problems: list[str] = []
    settings = base.settings
    items: list[tuple[Any, dict[str, str]]] = []
    where: dict[str, str] = {}
    for n, values in enumerate(rows, start=first_row):
        row = RowReader(file, n, values, problems)
        if len(row.raw("id")) > MAX_ID_LENGTH:
            row.problem("id", f"must be at most {MAX_ID_LENGTH} characters")
        item = kind.reader(row, settings)
        if item is not None:
            items.append((item, values))
            where.setdefault(item.id, row.where)
    parts = SimpleNamespace(
        settings=settings, sites=base.sites, products=base.products, markets=base.markets,
        vehicle_types=(), lanes=(), lots=(), orders=(),
    )
    setattr(parts, kind.name, tuple(item for item, _ in items))
    for p in case_problems(parts):  # type: ignore[arg-type]
        if p.kind == kind.singular:
            problems.append(f"{where.get(p.id, f'{kind.singular} {p.id}')}, {p.field}: {p.message}")
    if problems:
        raise ApiError(422, "invalid_rows", f"{len(problems)} problem(s); nothing was stored", problems=problems)
    return [_valid(kind, item, values, settings) for item, values in items]


def _valid(kind: Kind, item: Any, values: dict[str, str], settings: CaseSettings) -> Valid:
    stored = {k: str(v).strip() for k, v in values.items() if k in kind.fields and str(v).strip()}
    columns = kind.typed(item, settings)
    for name in kind.times:  # absolute, so a plan for another day reads the same moment
        stored[name] = columns[f"{name}_at"].isoformat()
    text = json.dumps(stored, sort_keys=True, separators=(",", ":"))
    return Valid(item.id, stored, hashlib.sha256(text.encode()).hexdigest(), columns)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def store(db: Database, kind: Kind, case: CaseRecord, org: str, valid: list[Valid]) -> IngestResult:
    """Insert new rows, update changed ones, skip identical ones; one transaction.
    A concurrent insert of the same id (a unique-key clash) is retried once."""
    for attempt in range(2):
        try:
            return _store_once(db, kind, case, org, valid)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _store_once(db: Database, kind: Kind, case: CaseRecord, org: str, valid: list[Valid]) -> IngestResult:
    R = kind.record
    now = utcnow()
    created = updated = 0
    with db.write() as session:
        existing: dict[str, tuple[int, str]] = {}
        for chunk in _chunks([v.external_id for v in valid]):
            query = select(R.id, R.external_id, R.digest).where(
                R.case_id == case.id, R.org == org, R.external_id.in_(chunk))
            existing.update({ext: (pk, dig) for pk, ext, dig in session.execute(query)})
        inserts, updates = [], []
        for v in valid:
            row = {"digest": v.digest, "values": v.values, **v.columns, "updated_at": now}
            if v.external_id not in existing:
                inserts.append({"case_id": case.id, "org": org, "external_id": v.external_id, "created_at": now, **row})
            elif existing[v.external_id][1] != v.digest:
                updates.append({"id": existing[v.external_id][0], **row})
        for chunk in _chunks(inserts):
            session.execute(insert(R), list(chunk))
        for chunk in _chunks(updates):
            session.execute(update(R), list(chunk))
        created, updated = len(inserts), len(updates)
    return IngestResult(
        case=case.name, received=len(valid), created=created, updated=updated,
        unchanged=len(valid) - created - updated,
    )


def parse(kind: Kind, content_type: str, data: bytes, *, max_rows: int) -> tuple[list[dict[str, str]], str, int]:
    """Rows of a JSON (``{"orders": [...]}``) or CSV body, the file name
    problems are reported under, and the number of its first row."""
    media = content_type.split(";")[0].strip().lower()
    if media in {"text/csv", "application/csv"}:
        found = csv_rows(data, kind)
        check_rows(len(found), maximum=max_rows)
        return found, f"{kind.name}.csv", 2
    if media == "application/json" or media.endswith("+json"):
        model = OrdersIn if kind is ORDERS else LotsIn
        try:
            parsed = model.model_validate_json(data)
        except ValidationError as exc:
            problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:200]]
            raise ApiError(422, "invalid_request", "the body is not valid", problems=problems) from None
        items = getattr(parsed, kind.name)
        check_rows(len(items), maximum=max_rows)
        return json_rows(items), kind.name, 1
    raise ApiError(415, "unsupported_media_type", f"send application/json or text/csv, not {media or 'nothing'}")
