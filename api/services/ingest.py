"""Bulk ingestion of orders and lots: every row read by the case-file readers
(planner.io.csv_files.read_order / read_lot with a RowReader), cross-checked
against the case, and stored all at once or not at all. Idempotent by the
caller's id within its organisation: a retry creates nothing new.

CSV uploads are read by the case reader's table reader (planner.io.tables), so
a file saved by Excel (semicolons, decimal commas, Windows-1258, a BOM, UTF-16,
NFD text, a title row above the header) is read as ``planner validate`` reads
it, and problems name the row as the spreadsheet numbers it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from planner.domain import Case, CaseSettings, HarvestLot, Order, case_problems
from planner.domain.units import DAY, to_datetime
from planner.io import csv_files
from planner.io.fields import RowReader
from planner.io.tables import Table, TableError, parse_csv

from ..db import Database
from ..errors import ApiError
from ..limits import rows as check_rows
from ..models import CaseRecord, LotRecord, OrderRecord, utcnow
from ..schemas import LOT_FIELDS, ORDER_FIELDS, IngestResult, LotsIn, OrdersIn

MAX_ID_LENGTH = 128
#: Ids are used in URLs (``/v1/orders/{id}``) as they are: letters, digits and
#: ``. _ ~ -`` (the unreserved characters of RFC 3986), starting with a letter or digit.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$"
ID_RE = re.compile(ID_PATTERN)
ID_RULE = "must be 1-128 letters, digits, '.', '_', '~' or '-', starting with a letter or digit"
CHUNK = 500
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Kind:
    """What differs between orders and lots."""

    name: str  # "orders"
    singular: str  # "order", as case_problems names it
    fields: tuple[str, ...]
    columns: tuple[str, ...]  # required CSV columns
    times: tuple[str, ...]  # fields stored as absolute ISO datetimes
    span: tuple[str, str]  # (start, end) fields: the end may be at most the horizon plus the margin later
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
    "orders", "order", ORDER_FIELDS, csv_files.ORDER_COLUMNS, ("ordered", "deadline"), ("ordered", "deadline"),
    csv_files.read_order, OrderRecord, _order_columns,
)
LOTS = Kind(
    "lots", "lot", LOT_FIELDS, csv_files.LOT_COLUMNS, ("ready", "latest_pickup"), ("ready", "latest_pickup"),
    csv_files.read_lot, LotRecord, _lot_columns,
)


@dataclass(frozen=True)
class Bounds:
    """How far an order or lot may reach (see ``time_problems``): every time
    within ``season_days`` of the case's epoch, and a record's end (deadline,
    latest pickup) at most the case's horizon plus ``margin_days`` after its
    start (ordered, ready). The plan worker's work grows with these spans, so
    they are refused at ingest instead of planned."""

    season_days: int = 366
    margin_days: int = 7


def time_problems(kind: Kind, item: Any, settings: CaseSettings, bounds: Bounds) -> list[tuple[str, str]]:
    """(field, message) for each time of ``item`` outside ``bounds``."""
    season = bounds.season_days * DAY
    first = to_datetime(-season, settings.epoch).date()
    last = to_datetime(season, settings.epoch).date()
    out = []
    for name in kind.times:
        if not -season <= getattr(item, name) <= season:
            out.append((name, f"must be within {bounds.season_days} days of the case's epoch "
                              f"{settings.epoch.date()} ({first} to {last})"))
    start, end = kind.span
    reach = (settings.horizon_days + bounds.margin_days) * DAY
    if not out and getattr(item, end) - getattr(item, start) > reach:
        out.append((end, f"must be at most {settings.horizon_days + bounds.margin_days} days after {start} "
                         f"(the case's {settings.horizon_days}-day horizon plus a {bounds.margin_days}-day margin)"))
    return out


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


class Rows(list[dict[str, str]]):
    """Rows of an uploaded table and, in ``numbers``, the spreadsheet row of
    each (blank rows and a title above the header are skipped, not renumbered)."""

    numbers: list[int]


def table_rows(table: Table, kind: Kind, code: str, *, drop_unknown: bool = False) -> Rows:
    """The rows of a table read from a file, its header held to ``kind``'s fields
    as a JSON body is: a missing column is refused, and so is an unknown one
    unless ``drop_unknown`` (a workbook's notes column is left out)."""
    name = table.note.source
    problems = [] if drop_unknown else [f"{name}, {c}: unknown column (known: {', '.join(kind.fields)})"
                                        for c in table.columns if c and c not in kind.fields]
    problems += [f"{name}, {c}: missing column" for c in kind.columns if c not in table.columns]
    if problems:  # as a JSON body with an unknown or missing field
        raise ApiError(422, code, f"{name}: {len(problems)} problem(s) with the header; "
                       "nothing was stored", problems=problems)
    known = set(kind.fields)
    rows = Rows({k: v for k, v in cells.items() if k in known} for _, cells in table.rows)
    rows.numbers = list(table.numbers)
    return rows


def csv_rows(data: bytes, kind: Kind, name: str = "") -> Rows:
    """Rows of a CSV upload in any encoding, delimiter and decimal separator
    Excel writes, read as the case reader reads files."""
    try:
        table = parse_csv(data, name or f"{kind.name}.csv", required=kind.columns)
    except TableError as exc:
        raise ApiError(422, "invalid_csv", str(exc)) from None
    return table_rows(table, kind, "invalid_csv")


def _read(kind: Kind, row: RowReader, settings: CaseSettings, bounds: Bounds) -> Any:
    """The row read by the case reader, then held to the id pattern and ``bounds``."""
    ident = row.raw("id")
    if ident and not ID_RE.match(ident):
        row.problem("id", f"{ID_RULE}, got {ident[:40]!r}")
    try:
        item = kind.reader(row, settings)
    except (OverflowError, ValueError) as exc:  # a date the calendar or the time zone cannot hold
        row.problem(",".join(kind.times), f"out of range ({exc})")
        return None
    if item is None:
        return None
    for name, message in time_problems(kind, item, settings, bounds):
        row.problem(name, f"{message}, got {row.raw(name)}")
    return None if row.failed else item


_CHECKED = frozenset({"settings", "sites", "products", "markets"})


def validate(kind: Kind, base: Case, rows: list[dict[str, str]], *, file: str, first_row: int,
             bounds: Bounds | None = None) -> list[Valid]:
    """Every row read and cross-checked; raise 422 listing every problem."""
    bounds = bounds or Bounds()
    problems: list[str] = []
    settings = base.settings
    items: list[tuple[Any, dict[str, str]]] = []
    where: dict[str, str] = {}
    numbers = getattr(rows, "numbers", None) or range(first_row, first_row + len(rows))
    for n, values in zip(numbers, rows, strict=True):
        row = RowReader(file, n, values, problems)
        item = _read(kind, row, settings, bounds)
        if item is not None:
            items.append((item, values))
            where.setdefault(item.id, row.where)
    # the base case's reference data, and these rows as the only ones of their kind
    parts = SimpleNamespace(**{f.name: getattr(base, f.name) if f.name in _CHECKED else ()
                               for f in dataclasses.fields(base)})
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
    data = data.removeprefix(BOM)  # a byte-order mark, as spreadsheet programs write it, in CSV and JSON alike
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
