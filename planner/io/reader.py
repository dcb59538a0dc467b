"""Read a case folder into a validated :class:`~planner.domain.Case`.

Every problem in every file is collected and reported at once, each naming
its file, row and field; nothing is half-read."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

from ..domain import Case, CaseSettings, Order, Problem, case_problems
from ..exceptions import CaseError
from ..geo.regions import fold
from . import csv_files as cf
from .fields import RowReader
from .order_columns import read_orders
from .plausibility import case_warnings, region_problems
from .tables import ReadLog, source_of
from .toml_files import (
    check_thresholds,
    file_options,
    load_toml,
    read_lanes,
    read_markets,
    read_products,
    read_settings,
)

T = TypeVar("T")


def _read_table(
    source: Iterator[RowReader], reader: Callable[[RowReader, CaseSettings], T | None],
    settings: CaseSettings, where_of: dict[str, str], rejected: set[str] | None = None,
) -> list[T]:
    """The valid items of a table; the ids of invalid rows go to ``rejected``."""
    items: list[T] = []
    for row in source:
        item = reader(row, settings)
        if item is not None:
            items.append(item)
            where_of.setdefault(getattr(item, "id"), row.where)  # noqa: B009
        elif rejected is not None:
            rejected.add(row.raw("id"))
    return items


class _Unreported:
    """What was already reported as invalid, so that references to it are not
    reported again: ids of invalid rows or tables, and kinds whose whole file
    could not be read ("sites.csv: file is missing" says enough)."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = {"site": set(), "product": set(), "market": set()}
        self.kinds: set[str] = set()

    def toml(self, kind: str, data: dict[str, Any], before: int, problems: list[str]) -> None:
        if len(problems) > before and not data:
            self.kinds.add(kind)
        self.ids[kind].update(str(k) for k in data)

    def covers(self, problem: Problem, valid: dict[str, set[str]]) -> bool:
        kind = problem.ref_kind
        if not kind:
            return False
        return kind in self.kinds or problem.ref in self.ids.get(kind, set()) - valid.get(kind, set())


def _site_rows(folder: Path, problems: list[str], log: ReadLog) -> Iterator[RowReader]:
    geo = folder / "sites.geojson"
    if geo.exists() and source_of(folder / "sites.csv") is None:
        return cf.geojson_rows(geo, problems)
    return cf.rows(folder / "sites.csv", problems, cf.SITE_COLUMNS, log=log)


def read_case(folder: str | Path, *, log: ReadLog | None = None) -> Case:
    """Read and validate the case in ``folder``; raise CaseError listing every problem.

    ``log``, if given, receives a note per file (encoding, delimiter, decimal
    separator, what was normalised) and the warnings: values that are legal
    but implausible, each naming its file, row and field."""
    folder = Path(folder)
    if not folder.is_dir():
        what = "is a file, not a case folder" if folder.exists() else "no such case folder"
        raise CaseError([f"{folder}: {what}"])
    log = ReadLog() if log is None else log
    problems: list[str] = []
    unreported = _Unreported()
    data = load_toml(folder / "settings.toml", problems, log=log)
    log.options = file_options(data.pop("files", {}), problems)
    thresholds = check_thresholds(data.pop("checks", {}), problems)
    settings = None if problems else read_settings(data, problems)
    before = len(problems)
    data = load_toml(folder / "products.toml", problems, log=log)
    unreported.toml("product", data, before, problems)
    products = read_products(data, problems)
    before = len(problems)
    data = load_toml(folder / "markets.toml", problems, log=log)
    unreported.toml("market", data, before, problems)
    markets = read_markets(data, problems)
    if settings is None:
        raise CaseError(problems or ["settings.toml: cannot be read"])
    where: dict[str, dict[str, str]] = {k: {} for k in ("site", "lot", "order", "vehicle type", "lane", "driver")}
    lanes, where["lane"] = read_lanes(load_toml(folder / "lanes.toml", problems, log=log), settings, problems) \
        if (folder / "lanes.toml").exists() else ([], {})
    before = len(problems)
    sites = _read_table(
        _site_rows(folder, problems, log), cf.read_site, settings, where["site"], unreported.ids["site"]
    )
    if not sites and not unreported.ids["site"] and len(problems) > before:
        unreported.kinds.add("site")
    lots = _optional(folder / "lots.csv", cf.LOT_COLUMNS, cf.read_lot, settings, where["lot"], problems, log)
    orders = _orders(folder / "orders.csv", settings, where["order"], problems, log)
    fleet = _optional(folder / "fleet.csv", cf.FLEET_COLUMNS, cf.read_vehicle_type, settings, where["vehicle type"], problems, log)
    drivers = _optional(folder / "drivers.csv", cf.DRIVER_COLUMNS, cf.read_driver, settings, where["driver"], problems, log)
    parts = SimpleNamespace(
        settings=settings, sites=tuple(sites), products=tuple(products), markets=tuple(markets),
        vehicle_types=tuple(fleet), lanes=tuple(lanes), lots=tuple(lots), orders=tuple(orders),
        drivers=tuple(drivers),
    )
    valid = {
        "site": {x.id for x in sites}, "product": {x.id for x in products},
        "market": {x.id for x in markets},
    }
    for p in case_problems(parts):  # type: ignore[arg-type]
        if unreported.covers(p, valid):
            continue
        location = where.get(p.kind, {}).get(p.id) or _toml_place(p.kind, p.id)
        message = p.message + _did_you_mean(p, valid)
        problems.append(f"{location}, {p.field}: {message}" if location else f"{p.kind} {p.id}, {p.field}: {message}")
    problems += region_problems(orders, markets, where)
    if problems:
        raise CaseError(problems)
    case = Case(**vars(parts))
    log.warnings += case_warnings(case, where, thresholds)
    return case


def _did_you_mean(problem: Problem, valid: dict[str, set[str]]) -> str:
    """For an unknown id, the existing one it was probably meant to be (another
    case, spaces, diacritics or a typo: ``farm-0O12`` for ``farm-0012``)."""
    if not problem.ref or not problem.message.startswith("unknown"):
        return ""
    ids = valid.get(problem.ref_kind, set())
    folded = {fold(i): i for i in ids}
    meant = folded.get(fold(problem.ref)) or next(iter(difflib.get_close_matches(problem.ref, sorted(ids), n=1, cutoff=0.85)), "")
    return f"; did you mean {meant!r}?" if meant else ""


def _optional(
    path: Path, columns: tuple[str, ...], reader: Callable[[RowReader, CaseSettings], Any],
    settings: CaseSettings, where_of: dict[str, str], problems: list[str], log: ReadLog | None = None,
) -> list[Any]:
    if source_of(path) is None:
        return []
    return _read_table(cf.rows(path, problems, columns, log=log), reader, settings, where_of)


def _orders(path: Path, settings: CaseSettings, where_of: dict[str, str], problems: list[str], log: ReadLog) -> list[Order]:
    """The orders table, read a column at a time (it is the case's longest)."""
    table = cf.open_table(path, problems, cf.ORDER_COLUMNS, log=log) if source_of(path) is not None else None
    if table is None:
        return []
    orders = []
    for place, order in read_orders(table, settings, problems, log.warnings):
        orders.append(order)
        where_of.setdefault(order.id, place)
    return orders


def _toml_place(kind: str, ident: str) -> str:
    return {"market": f"markets.toml [{ident}]", "product": f"products.toml [{ident}]"}.get(kind, "")


def problems_of(folder: str | Path) -> Iterable[str]:
    """Every problem of the case in ``folder`` (empty when it is valid)."""
    try:
        read_case(folder)
    except CaseError as exc:
        return exc.problems
    return []
