"""The table parts of a case: sites, lots, orders and fleet (CSV; sites may
also be GeoJSON points)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..domain import (
    CaseSettings,
    Channel,
    Destination,
    Driver,
    HarvestLot,
    Location,
    Order,
    Priority,
    Site,
    SiteKind,
    TemperatureClass,
    TimeWindow,
    Treatment,
    VehicleType,
)
from ..domain.units import DAY
from ..geo import vietnam
from ..geo.regions import country_guess, country_name, region_of
from .decoding import nfc
from .fields import RowReader, clock_or_iso, duration_s
from .tables import FileOptions, ReadLog, Table, TableError, read_table


def open_table(
    path: Path, problems: list[str], required: tuple[str, ...], *, log: ReadLog | None = None,
) -> Table | None:
    """A table (header = row 1) whose columns are checked: the CSV file ``path``
    in any encoding, delimiter and decimal separator Excel writes, or the XLSX
    workbook or sheet of the same name (see ``tables.source_of``); None, with
    the problem reported, when it cannot be read."""
    try:
        table = read_table(path, log.options if log else FileOptions(), required)
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
        return None
    except TableError as exc:
        problems.append(str(exc))
        return None
    if log is not None:
        log.files.append(table.note)
        if path.exists() and path.with_suffix(".xlsx").exists():
            log.warnings.append(f"{path.with_suffix('.xlsx').name}: not read, {path.name} was (remove one of them)")
    missing = [c for c in required if c not in table.columns]
    if missing:
        # (a header cell may hold a line break or a tab: quoted, a problem stays one line)
        found = ", ".join(c if c.isprintable() else repr(c) for c in table.columns if c) or "none"
        problems.append(f"{table.note.source}: missing column(s) {', '.join(missing)} (found: {found})")
        return None
    return table


def rows(
    path: Path, problems: list[str], required: tuple[str, ...], *, log: ReadLog | None = None,
) -> Iterator[RowReader]:
    """Each row of the table :func:`open_table` reads."""
    table = open_table(path, problems, required, log=log)
    if table is None:
        return
    warnings = log.warnings if log is not None else None
    for n, record in table.rows:
        yield RowReader(table.note.source, n, record, problems, warnings=warnings)


def geojson_rows(path: Path, problems: list[str]) -> Iterator[RowReader]:
    """Each Point feature of a GeoJSON file, its properties plus lat and lon."""
    try:
        data = json.loads(nfc(path.read_text(encoding="utf-8-sig")))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problems.append(f"{path.name}: not a GeoJSON FeatureCollection ({exc})")
        return
    if not isinstance(features, list):
        problems.append(f"{path.name}: features must be a list")
        return
    for n, feature in enumerate(features, start=1):
        place = f"{path.name} feature {n}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = dict(props) if isinstance(props, dict) else {}
        row = RowReader(path.name, n, props, problems, place=place)
        if not isinstance(geometry, dict) or geometry.get("type") != "Point" \
                or not isinstance(coords, list) or len(coords) < 2:
            row.problem("geometry", "must be a Point with [lon, lat] coordinates")
        else:
            props["lon"], props["lat"] = coords[:2]
        yield row  # a failed row still names its id, so references to it are not repeated


def build(row: RowReader, factory: Callable[..., Any], **kwargs: Any) -> Any:
    """Construct a domain object; its own validation errors name the row.

    A row whose fields already failed is not built: its placeholder values
    would only repeat the problem ("kg must be positive, got 0.0")."""
    if row.failed:
        return None
    try:
        return factory(**kwargs)
    except (ValueError, TypeError) as exc:
        row.problems.append(f"{row.where}: {exc}")
        return None


def location(row: RowReader) -> Location | None:
    reported = len(row.problems)
    lat, lon = row.number("lat"), row.number("lon")
    for field, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        if not -bound <= value <= bound:
            row.problem(field, f"must be within [-{bound}, {bound}], got {row.raw(field)}")
    return Location(lat, lon) if len(row.problems) == reported else None


def opening(row: RowReader, settings: CaseSettings) -> tuple[TimeWindow, ...]:
    """Daily ``open``-``close`` (HH:MM) repeated over the horizon; empty: always open."""
    start, end = row.raw("open"), row.raw("close")
    if not start and not end:
        return ()
    try:
        windows = []
        for day in range(settings.horizon_days):
            a = clock_or_iso(start or "00:00", settings.epoch, settings.timezone, day=day)
            b = clock_or_iso(end or "24:00", settings.epoch, settings.timezone, day=day)
            if b <= a:
                b += DAY  # open over midnight
            windows.append(TimeWindow(a, b))
        return tuple(windows)
    except ValueError:
        row.problem("open", f"open/close must be HH:MM with close after open, got {start}-{end}")
        return ()


SITE_COLUMNS = ("id", "name", "kind", "lat", "lon")


def read_site(row: RowReader, settings: CaseSettings) -> Site | None:
    if row.failed:  # a GeoJSON feature without a usable point
        return None
    values = {  # every field is read, so every bad one is reported
        "kind": row.choice("kind", SiteKind), "location": location(row),
        "treatment": row.choice("treatment", Treatment, required=False),
        "opening": opening(row, settings),
        "intake_kg_per_hour": row.optional_number("intake_kg_per_hour", positive=True),
        "precooling": row.boolean("precooling"),
        "cold_storage_kg": row.optional_number("cold_storage_kg", positive=True),
        "treatment_kg_per_day": row.optional_number("treatment_kg_per_day", positive=True),
        "treatment_s": duration_s(hours=row.number("treatment_h", default=0, minimum=0)),
        "treatment_cost_per_kg": row.number("treatment_cost_per_kg", default=0, minimum=0),
    }
    if values["kind"] is None or values["location"] is None:
        return None
    return build(
        row, Site, id=row.text("id"), name=row.text("name", required=False, default=row.raw("id")),
        commune=row.raw("commune"), region=row.raw("region"), contact=row.raw("contact"),
        phone=row.raw("phone"), address=row.raw("address"), **_admin_codes(row, values["location"]),
        **values,
    )


def _admin_codes(row: RowReader, where: object) -> dict[str, str]:
    """The 2025 codes of a Vietnamese site's commune and province, named by
    their current or former (before 1 July 2025) names; unknown names are warnings."""
    commune, region = row.raw("commune"), row.raw("region")
    if not region or not isinstance(where, Location) or not vietnam.contains(where.lat, where.lon):
        return {}
    prov = vietnam.province(region)
    if prov is None:
        row.warn("region", f"{region!r} is no province of Vietnam, of 2025 or before: the commune is not checked")
        return {}
    commune_code, region_code = vietnam.codes(commune, region)
    if commune and not commune_code:
        row.warn("commune", f"{commune!r} is no commune of {prov.province} (2025) nor of the former "
                            "provinces merged into it (or names two of them: write xã or phường)")
    return {"commune_code": commune_code, "region_code": region_code}


LOT_COLUMNS = ("id", "farm", "product", "kg", "ready", "latest_pickup")


def window(row: RowReader, first: str, last: str, settings: CaseSettings, *, strict: bool) -> tuple[int, int]:
    """Two datetimes of a row; ``last`` before ``first`` (or at it, if ``strict``) is a
    problem that quotes both as written."""
    reported = len(row.problems)
    a = row.moment(first, settings.epoch, settings.timezone)
    b = row.moment(last, settings.epoch, settings.timezone)
    if len(row.problems) == reported and (b <= a if strict else b < a):
        order = "after" if strict else "at or after"
        row.problem(last, f"must be {order} {first} ({row.raw(first)}), got {row.raw(last)}")
    return a, b


def read_lot(row: RowReader, settings: CaseSettings) -> HarvestLot | None:
    ready, latest = window(row, "ready", "latest_pickup", settings, strict=False)
    return build(
        row, HarvestLot, id=row.text("id"), farm=row.text("farm"), product=row.text("product"),
        kg=row.number("kg", positive=True), ready=ready, latest_pickup=latest,
        grade=row.text("grade", required=False, default="A"),
        boxes=row.integer("boxes", default=0, minimum=0),
        service_s=duration_s(minutes=row.number("service_min", default=5, minimum=0)),
        certifications=frozenset(row.listing("certifications")),
        packing_houses=row.listing("packing_houses"),
        value=row.number("value", default=0, minimum=0),
    )


ORDER_COLUMNS = (
    "id", "channel", "market", "product", "kg", "ordered", "deadline", "city", "country",
    "lat", "lon", "hub",
)


def read_order(row: RowReader, settings: CaseSettings) -> Order | None:
    ordered, deadline = window(row, "ordered", "deadline", settings, strict=True)
    values = {  # every field is read, so every bad one is reported
        "id": row.text("id"), "channel": row.choice("channel", Channel),
        "market": row.text("market"), "product": row.text("product"),
        "kg": row.number("kg", positive=True), "boxes": row.integer("boxes", default=0, minimum=0),
        "min_shelf_life_s": round(row.number("min_shelf_life_days", default=0, minimum=0) * DAY),
        "value": row.number("value", default=0, minimum=0), "partner": row.raw("partner"),
        "grade": row.text("grade", required=False, default="A"),
        "priority": row.choice("priority", Priority, required=False) or Priority.STANDARD,
    }
    loc = location(row)
    where = {"city": row.text("city"), "country": _country(row), "hub": row.text("hub")}
    if row.failed or loc is None:
        return None
    destination = Destination(location=loc, region=_region(row, where["country"]), **where)
    return build(row, Order, destination=destination, ordered=ordered, deadline=deadline, **values)


def _country(row: RowReader) -> str:
    """An ISO 3166-1 alpha-2 code (upper case); a name or alpha-3 code is refused
    with the code it probably means."""
    value = row.text("country")
    if not value or country_name(value):
        return value.upper()
    guess = country_guess(value)
    hint = f"; did you mean {guess}?" if guess else ""
    row.problem("country", f"must be an ISO 3166-1 alpha-2 code (VN, US, AU, JP...), got {value!r}{hint}")
    return value


def _region(row: RowReader, country: str) -> str:
    """The ISO 3166-2 subdivision code (``FL``) a region cell names; a name
    (``Florida``), or a Vietnamese province merged on 1 July 2025 (``Bắc Giang``,
    ``54``: read as Bắc Ninh, ``56``), is mapped to it with a warning. Anything else (a district,
    a ward) is kept as written: it is checked where a market rule needs it."""
    value = row.raw("region")
    found = region_of(country, value) if value and country else None
    if found is None:
        return value
    if found.former:
        row.warn("region", f"{value!r} names {found.former}, merged into {found.name} on 1 July 2025: read as "
                           f"ISO 3166-2 {country}-{found.code} ({found.name}); write {found.code}")
    elif found.by_name:
        row.warn("region", f"{value!r} read as ISO 3166-2 {country}-{found.code} ({found.name}): write {found.code}")
    return found.code


FLEET_COLUMNS = ("id", "profile", "capacity_kg", "temperature", "home", "shift_start", "shift_end")


def read_vehicle_type(row: RowReader, settings: CaseSettings) -> VehicleType | None:
    start, end = window(row, "shift_start", "shift_end", settings, strict=True)
    values = {  # every field is read, so every bad one is reported
        "id": row.text("id"), "name": row.text("name", required=False, default=row.raw("id")),
        "profile": row.text("profile"), "capacity_kg": row.number("capacity_kg", positive=True),
        "capacity_boxes": row.integer("capacity_boxes", default=0, minimum=0),
        "temperature": row.choice("temperature", TemperatureClass),
        "setpoint_c": row.optional_number("setpoint_c"),
        "home": row.text("home"), "end": row.raw("end"),
        "count": row.integer("count", default=1, minimum=0),
        "fixed_cost": row.number("fixed_cost", default=0, minimum=0),
        "cost_per_km": row.number("cost_per_km", default=0, minimum=0),
        "cost_per_hour": row.number("cost_per_hour", default=0, minimum=0),
    }
    max_work_h, break_after_h = row.optional_number("max_work_h", positive=True), row.optional_number(
        "break_after_h", positive=True)
    break_min = row.number("break_min", default=0, minimum=0)
    if row.failed:
        return None
    return build(row, VehicleType, shift=TimeWindow(start, end), **values,
                 max_work_s=None if max_work_h is None else round(max_work_h * 3600),
                 break_after_s=None if break_after_h is None else round(break_after_h * 3600),
                 break_s=round(break_min * 60))


DRIVER_COLUMNS = ("id", "name", "vehicle_type")


def read_driver(row: RowReader, settings: CaseSettings) -> Driver | None:
    """A row of the optional drivers.csv: id, name, vehicle_type, phone, plate, home."""
    values = {f: row.text(f) for f in DRIVER_COLUMNS}
    extra = {f: row.raw(f) for f in ("phone", "plate", "home")}
    return build(row, Driver, **values, **extra)
