"""orders.csv read a column at a time.

A case holds tens of thousands of orders; reading each through a
:class:`~planner.io.fields.RowReader` costs a method call per cell. Here each
column is converted in one pass (the few distinct texts of a column, such as
channels, deadlines and countries, converted once), and every row whose cells
all converted cleanly becomes an :class:`~planner.domain.Order` directly. A row
with anything to report (a problem, or a warning such as a region written as a
name) is read again by :func:`planner.io.csv_files.read_order`, so its messages
are exactly the row reader's, naming file, row and field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..domain import CaseSettings, Channel, Destination, Location, Order, Priority
from ..domain.units import DAY
from ..geo.regions import country_name, region_of
from .csv_files import read_order
from .fields import MAX_NUMBER, RowReader, clock_or_iso
from .tables import Table

_BAD: Any = None  # in a converted column: a cell the row reader must see (it reports it)
_NO_REGION = ("", False)  # (stored region, whether the row reader must warn about it)


def _texts(cells: tuple[str, ...], bad: set[int]) -> list[str]:
    """Required text: each cell stripped; the index of an empty one goes to ``bad``."""
    out = [c.strip() for c in cells]
    if not all(out):
        bad.update(i for i, c in enumerate(out) if not c)
    return out


def _numbers(
    cells: tuple[str, ...], bad: set[int], *, default: float | None = None, low: float = -MAX_NUMBER,
    high: float = MAX_NUMBER, above: bool = False,
) -> list[Any]:
    """Each cell as a float within [low, high] (> low if ``above``; NaN and
    infinities never are), ``default`` when empty; the index of anything else
    goes to ``bad``."""
    try:
        values: list[Any] = list(map(float, cells))  # the common column: every cell a number
    except ValueError:
        values = []
        for i, text in enumerate(cells):
            try:
                values.append(float(text) if text.strip() else float(default))  # type: ignore[arg-type]
            except (ValueError, TypeError):
                bad.add(i)
                values.append(_BAD)
    if above:
        bad.update(i for i, v in enumerate(values) if v is not _BAD and not low < v <= high)
    else:
        bad.update(i for i, v in enumerate(values) if v is not _BAD and not low <= v <= high)
    return values


def _counts(cells: tuple[str, ...], bad: set[int]) -> list[Any]:
    """Whole numbers >= 0 (0 when empty); the index of anything else goes to ``bad``."""
    out: list[Any] = []
    for i, text in enumerate(cells):
        try:
            value = int(text) if text.strip() else 0
        except ValueError:
            value = -1
        if value < 0:
            bad.add(i)
        out.append(value)
    return out


def _by_text(cells: tuple[str, ...], bad: set[int], convert: Callable[[str], Any]) -> list[Any]:
    """``convert`` of each cell (stripped), called once per distinct text; the
    index of a cell it refuses (raises ValueError) goes to ``bad``."""
    converted: dict[str, Any] = {}
    for text in set(cells):
        try:
            converted[text] = convert(text.strip())
        except ValueError:
            converted[text] = _BAD
    if _BAD in converted.values():
        bad.update(i for i, c in enumerate(cells) if converted[c] is _BAD)
    return [converted[c] for c in cells]


def _required(text: str) -> str:
    if not text:
        raise ValueError(text)
    return text


def _country(text: str) -> str:
    if not country_name(text):
        raise ValueError(text)
    return text.upper()


def _moment(settings: CaseSettings) -> Callable[[str], int]:
    def convert(text: str) -> int:
        return clock_or_iso(_required(text), settings.epoch, settings.timezone)

    return convert


def _priority(text: str) -> Priority:
    return Priority(text) if text else Priority.STANDARD


def read_orders(
    table: Table, settings: CaseSettings, problems: list[str], warnings: list[str],
) -> Iterator[tuple[str, Order]]:
    """``(where, order)`` of each valid row of the orders table (``where``:
    "orders.csv row 5"); every problem and warning of the others goes to
    ``problems`` and ``warnings``, as :func:`~planner.io.csv_files.read_order` words it."""
    columns = dict(zip(table.columns, zip(*table.records, strict=True), strict=False))  # a repeated name: its last column
    empty = ("",) * len(table.records)

    def col(name: str) -> tuple[str, ...]:
        return columns.get(name, empty)

    bad = set[int]()
    ids = _texts(col("id"), bad)
    markets, products, cities, hubs = (_by_text(col(f), bad, _required) for f in ("market", "product", "city", "hub"))
    channel = _by_text(col("channel"), bad, Channel)
    priority = _by_text(col("priority"), bad, _priority)
    ordered = _by_text(col("ordered"), bad, _moment(settings))
    deadline = _by_text(col("deadline"), bad, _moment(settings))
    kg = _numbers(col("kg"), bad, above=True, low=0)
    boxes = _counts(col("boxes"), bad)
    shelf = _numbers(col("min_shelf_life_days"), bad, default=0, low=0)
    value = _numbers(col("value"), bad, default=0, low=0)
    lat, lon = _numbers(col("lat"), bad, low=-90, high=90), _numbers(col("lon"), bad, low=-180, high=180)
    country = _by_text(col("country"), bad, _country)
    grades = _by_text(col("grade"), bad, lambda t: t or "A")
    partners = _by_text(col("partner"), bad, str)
    regions = _regions(col("region"), country, bad)
    file = table.note.source
    rows = zip(table.numbers, ids, channel, markets, products, kg, boxes, shelf, value, partners, grades,
               priority, ordered, deadline, lat, lon, regions, cities, country, hubs, strict=True)
    for i, (n, oid, chan, market, product, kg_, boxes_, shelf_, value_, partner, grade, prio, t0, t1,
            la, lo, region, city, iso, hub) in enumerate(rows):
        order = None
        if i not in bad and t1 > t0:
            try:
                destination = Destination(location=Location(la, lo), region=region, city=city, country=iso, hub=hub)
                order = Order(
                    id=oid, channel=chan, market=market, product=product, kg=kg_, boxes=boxes_,
                    min_shelf_life_s=round(shelf_ * DAY), value=value_, partner=partner, grade=grade,
                    priority=prio, destination=destination, ordered=t0, deadline=t1,
                )
            except (ValueError, TypeError):
                order = None
        if order is None:  # something to report: the row reader words it
            row = RowReader(file, n, dict(zip(table.columns, table.records[i], strict=False)), problems,
                            warnings=warnings)
            order = read_order(row, settings)
        if order is not None:
            yield f"{file} row {n}", order


def _regions(cells: tuple[str, ...], countries: list[Any], bad: set[int]) -> list[str]:
    """The stored region of each row (its ISO 3166-2 code, or the text as
    written); the index of a row whose region the row reader must warn about
    (written as a name, or a Vietnamese province merged in 2025) goes to ``bad``."""
    seen: dict[tuple[Any, str], tuple[str, bool]] = {}
    out = []
    for i, (text, country) in enumerate(zip(cells, countries, strict=True)):
        key = (country, text)
        stored, warn = seen.get(key) or seen.setdefault(key, _region(text.strip(), country))
        if warn:
            bad.add(i)
        out.append(stored)
    return out


def _region(text: str, country: str | None) -> tuple[str, bool]:
    if not text or not country:
        return text, False
    found = region_of(country, text)
    if found is None:
        return text, False
    return found.code, found.by_name or bool(found.former)
