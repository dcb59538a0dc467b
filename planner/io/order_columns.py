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

import math
from collections.abc import Callable, Iterator
from typing import Any

from ..domain import CaseSettings, Channel, Destination, Location, Order, Priority
from ..domain.units import DAY
from ..geo.regions import country_name, region_of
from .csv_files import read_order
from .fields import MAX_NUMBER, RowReader, clock_or_iso
from .tables import Table

_BAD: Any = None  # in a converted column: a cell the row reader must see (it reports it)


def _numbers(
    cells: list[str], bad: set[int], *, default: float | None = None, low: float = -math.inf,
    high: float = MAX_NUMBER, above: bool = False,
) -> list[Any]:
    """Each cell as a float within [low, high] (> low if ``above``), ``default``
    when empty; the index of anything else goes to ``bad``."""
    out: list[Any] = []
    for i, text in enumerate(cells):
        try:
            value = float(text) if text else float(default)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            bad.add(i)
            out.append(_BAD)
            continue
        if not (math.isfinite(value) and abs(value) <= MAX_NUMBER and value <= high
                and (value > low if above else value >= low)):
            bad.add(i)
        out.append(value)
    return out


def _counts(cells: list[str], bad: set[int]) -> list[Any]:
    """Whole numbers >= 0 (0 when empty); the index of anything else goes to ``bad``."""
    out: list[Any] = []
    for i, text in enumerate(cells):
        try:
            value = int(text) if text else 0
        except ValueError:
            value = -1
        if value < 0:
            bad.add(i)
        out.append(value)
    return out


def _by_text(cells: list[str], bad: set[int], convert: Callable[[str], Any]) -> list[Any]:
    """``convert`` of each cell, called once per distinct text; the index of a
    cell it refuses (raises ValueError) goes to ``bad``."""
    seen: dict[str, Any] = {}
    out: list[Any] = []
    for i, text in enumerate(cells):
        value = seen.get(text, seen)
        if value is seen:
            try:
                value = convert(text)
            except ValueError:
                value = _BAD
            seen[text] = value
        if value is _BAD:
            bad.add(i)
        out.append(value)
    return out


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


def read_orders(
    table: Table, settings: CaseSettings, problems: list[str], warnings: list[str],
) -> Iterator[tuple[str, Order]]:
    """``(where, order)`` of each valid row of the orders table (``where``:
    "orders.csv row 5"); every problem and warning of the others goes to
    ``problems`` and ``warnings``, as :func:`~planner.io.csv_files.read_order` words it."""
    col, bad = table.column, set[int]()
    ids, markets, products, cities, hubs = (
        _by_text(col(f), bad, _required) for f in ("id", "market", "product", "city", "hub"))
    channel = _by_text(col("channel"), bad, Channel)
    priority = _by_text(col("priority"), bad, lambda t: Priority(t) if t else Priority.STANDARD)
    ordered = _by_text(col("ordered"), bad, _moment(settings))
    deadline = _by_text(col("deadline"), bad, _moment(settings))
    kg = _numbers(col("kg"), bad, above=True, low=0)
    boxes = _counts(col("boxes"), bad)
    shelf = _numbers(col("min_shelf_life_days"), bad, default=0, low=0)
    value = _numbers(col("value"), bad, default=0, low=0)
    lat, lon = _numbers(col("lat"), bad, low=-90, high=90), _numbers(col("lon"), bad, low=-180, high=180)
    country = _by_text(col("country"), bad, _country)
    regions, grades, partners = col("region"), col("grade"), col("partner")
    file = table.note.source
    for i, n in enumerate(table.numbers):
        order = None
        if i not in bad and deadline[i] > ordered[i]:
            destination = _destination(lat[i], lon[i], regions[i], cities[i], country[i], hubs[i])
            if destination is not None:
                order = _order(
                    id=ids[i], channel=channel[i], market=markets[i], product=products[i], kg=kg[i],
                    boxes=boxes[i], min_shelf_life_s=round(shelf[i] * DAY), value=value[i],
                    partner=partners[i], grade=grades[i] or "A", priority=priority[i],
                    destination=destination, ordered=ordered[i], deadline=deadline[i],
                )
        if order is None:  # something to report: the row reader words it
            row = RowReader(file, n, dict(zip(table.columns, table.records[i], strict=False)), problems,
                            warnings=warnings)
            order = read_order(row, settings)
        if order is not None:
            yield f"{file} row {n}", order


def _destination(lat: float, lon: float, region: str, city: str, country: str, hub: str) -> Destination | None:
    """The destination of a row whose cells all converted; None when the region
    was written as a name (a warning the row reader gives) or is refused."""
    if region:
        found = region_of(country, region)
        if found is not None:
            if found.by_name or found.former:
                return None
            region = found.code
    try:
        return Destination(location=Location(lat, lon), region=region, city=city, country=country, hub=hub)
    except (ValueError, TypeError):
        return None


def _order(**values: Any) -> Order | None:
    try:
        return Order(**values)
    except (ValueError, TypeError):  # the row reader reports it, naming the row
        return None
