"""The TOML parts of a case: settings, products, markets and lanes."""

from __future__ import annotations

import codecs
import tomllib
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..domain import (
    CaseSettings,
    Departure,
    KineticsModel,
    Lane,
    MarketRule,
    Mode,
    ProductProfile,
    TravelSettings,
    Treatment,
)
from ..domain.products import DEFAULT_PRECOOL_AMBIENT_C
from ..domain.units import DAY, HOUR
from .decoding import DecodeError, decode, nfc
from .fields import RowReader, clock_or_iso, duration_s
from .plausibility import Thresholds
from .tables import DELIMITERS, FileNote, FileOptions, ReadLog
from .traffic_toml import read_traffic


def load_toml(path: Path, problems: list[str], *, log: ReadLog | None = None) -> dict[str, Any]:
    """A TOML file saved by any editor: a byte-order mark, UTF-16 or a Windows
    code page are accepted (and reported in ``log``), every string NFC."""
    if not path.exists():
        problems.append(f"{path.name}: file is missing")
        return {}
    try:
        decoded = decode(path.read_bytes())
        data = tomllib.loads(nfc(decoded.text))
    except DecodeError as exc:
        problems.append(f"{path.name}: {exc}")
        return {}
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: not valid TOML ({exc})")
        return {}
    except OSError as exc:
        problems.append(f"{path.name}: cannot be read ({exc.strerror or exc})")
        return {}
    if log is not None:
        note = FileNote(path.name, "TOML", encoding=decoded.encoding)
        note.nfc_cells = int(nfc(decoded.text) != decoded.text)
        log.files.append(note)
    return data


FILES_KEYS = frozenset({"delimiter", "decimal", "encoding", "dates"})
CHECKS_KEYS = frozenset({"far_site_km", "far_date_days", "kg_per_box_min", "kg_per_box_max", "outside_country_km"})


def check_thresholds(raw: Any, problems: list[str]) -> Thresholds:
    """``[checks]`` of settings.toml: where a legal value turns implausible
    (each key optional; the defaults are those of :class:`Thresholds`)."""
    if not isinstance(raw, dict):
        problems.append(f"settings.toml [checks]: must be a table, got {raw!r}")
        return Thresholds()
    row = RowReader("settings.toml", 0, raw, problems, place="settings.toml [checks]")
    _unknown_keys(row, CHECKS_KEYS)
    d = Thresholds()
    read = Thresholds(
        far_site_km=row.number("far_site_km", default=d.far_site_km, positive=True),
        far_date_days=row.number("far_date_days", default=d.far_date_days, minimum=0),
        kg_per_box=(row.number("kg_per_box_min", default=d.kg_per_box[0], minimum=0),
                    row.number("kg_per_box_max", default=d.kg_per_box[1], positive=True)),
        outside_country_km=row.number("outside_country_km", default=d.outside_country_km, minimum=0),
    )
    return d if row.failed else read


def file_options(raw: Any, problems: list[str]) -> FileOptions:
    """``[files]`` of settings.toml: how the case's CSV files are written
    (each key optional; what is not declared is detected)."""
    if not isinstance(raw, dict):
        problems.append(f"settings.toml [files]: must be a table, got {raw!r}")
        return FileOptions()
    row = RowReader("settings.toml", 0, raw, problems, place="settings.toml [files]")
    _unknown_keys(row, FILES_KEYS)
    delimiter = str(raw.get("delimiter", "")).replace("\\t", "\t")
    if delimiter and delimiter not in DELIMITERS:
        row.problem("delimiter", f"must be one of ',', ';', tab ('\\t') or '|', got {delimiter!r}")
    decimal = str(raw.get("decimal", ""))
    if decimal not in {"", ".", ","}:
        row.problem("decimal", f"must be '.' or ',', got {decimal!r}")
    encoding = str(raw.get("encoding", ""))
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            row.problem("encoding", f"unknown encoding {encoding!r} (e.g. utf-8, cp1258, utf-16)")
    dates = str(raw.get("dates", ""))
    if dates not in {"", "dmy", "mdy"}:
        row.problem("dates", f"must be 'dmy' (12/06/2025 is 12 June) or 'mdy', got {dates!r}")
    if row.failed:
        return FileOptions()
    return FileOptions(delimiter=delimiter, decimal=decimal, encoding=encoding, dates=dates)


def _build(where: str, problems: list[str], factory: Any, **kwargs: Any) -> Any:
    try:
        return factory(**kwargs)
    except (ValueError, TypeError, KeyError) as exc:
        problems.append(f"{where}: {exc}")
        return None


def _tables(data: dict[str, Any], file: str, problems: list[str]) -> Iterator[tuple[str, RowReader]]:
    """Each ``[name]`` table of a TOML file as a row reader placed ``file [name]``."""
    for name, raw in data.items():
        if not isinstance(raw, dict):
            problems.append(f"{file} [{name}]: must be a table, got {raw!r}")
            continue
        yield name, RowReader(file, 0, raw, problems, place=f"{file} [{name}]")


SETTINGS_KEYS = frozenset({
    "name", "epoch", "timezone", "currency", "horizon_days", "ambient_c", "iced_c",
    "packing_service_min", "travel", "lang",
})
PRODUCT_KEYS = frozenset({
    "name", "ref_temp_c", "ref_shelf_life_days", "q10", "model", "activation_energy_j_mol",
    "precool_budget_fraction", "kg_per_box", "precool_target_h", "shelf_life_value_per_kg_day",
    "precool_ambient_c", "precool_limit_h", "downgrade_loss_share",
})
MARKET_KEYS = frozenset({
    "name", "countries", "treatment", "forbidden_regions", "certifications", "min_shelf_life_days",
})
LANE_KEYS = frozenset({
    "id", "origin", "destination", "mode", "partner", "transit_h", "unit", "unit_kg", "unit_boxes",
    "units_per_departure", "temperature_c", "cost_per_unit", "cost_per_kg", "min_charge",
    "handling_h", "cutoff_h", "departures", "schedule", "daily",
})


def _unknown_keys(row: RowReader, known: frozenset[str]) -> None:
    """A misspelt key would silently leave its default in force: it is a problem."""
    for key in sorted(set(row.values) - known):
        row.problem(key, f"unknown key (known: {', '.join(sorted(known))})")


def _strings(row: RowReader, field: str) -> frozenset[str]:
    """A list of strings (``countries = ["US"]``); a bare string is a problem."""
    value = row.values.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        row.problem(field, f"must be a list of strings, got {value!r}")
        return frozenset()
    return frozenset(value)


def _zone(row: RowReader) -> ZoneInfo | None:
    tz = str(row.values.get("timezone", "Asia/Ho_Chi_Minh"))
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError, OSError):
        row.problem("timezone", f"unknown time zone {tz!r}")
        return None


def _travel(raw: Any, problems: list[str]) -> TravelSettings | None:
    where = "settings.toml [travel]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table, got {raw!r}")
        return None
    raw = dict(raw)
    speeds_raw = raw.pop("speeds_kmh", {"motorbike": 30.0, "truck": 40.0})
    if not isinstance(speeds_raw, dict):
        problems.append(f"{where}, speeds_kmh: must be a table of km/h per profile, got {speeds_raw!r}")
        return None
    speeds = RowReader("settings.toml", 0, speeds_raw, problems, place="settings.toml [travel.speeds_kmh]")
    corridors, slow_periods = read_traffic(raw, problems)
    row = RowReader("settings.toml", 0, raw, problems, place=where)
    for key in sorted(set(raw) - {"provider", "graph", "detour_factor"}):
        row.problem(key, "unknown key (expected provider, detour_factor, graph, speeds_kmh, "
                         "corridors, slow_periods)")
    values = {
        "corridors": corridors, "slow_periods": slow_periods,
        "speeds_kmh": tuple(sorted((str(k), speeds.number(k, positive=True)) for k in speeds_raw)),
        **{k: row.text(k) for k in ("provider", "graph") if k in raw},
        **{k: row.number(k) for k in ("detour_factor",) if k in raw},
    }
    if row.failed or speeds.failed:
        return None
    return _build(where, problems, TravelSettings, **values)


def _ambient(row: RowReader) -> tuple[float, ...]:
    value = row.values.get("ambient_c", 30.0)
    if isinstance(value, list):
        hourly = RowReader(row.file, 0, {f"ambient_c[{h}]": v for h, v in enumerate(value)},
                           row.problems, place=row.where)
        temps = tuple(hourly.number(f"ambient_c[{h}]") for h in range(len(value)))
        row.failed = row.failed or hourly.failed
        return temps
    return (row.number("ambient_c", default=30.0),) * 24


def read_settings(data: dict[str, Any], problems: list[str]) -> CaseSettings | None:
    row = RowReader("settings.toml", 0, data, problems, place="settings.toml")
    _unknown_keys(row, SETTINGS_KEYS)
    zone = _zone(row)
    raw_epoch, day = data.get("epoch"), None
    try:
        day = datetime.fromisoformat(str(raw_epoch)).date()
    except ValueError:
        if raw_epoch is None:
            row.problem("epoch", "is required (the first planning day, YYYY-MM-DD)")
        else:
            row.problem("epoch", f"must be a date (YYYY-MM-DD), got {raw_epoch!r}")
    travel = _travel(data.get("travel", {}), problems)
    values = {
        "name": row.text("name", required=False, default="case"),
        "currency": row.text("currency", required=False, default="VND"),
        "horizon_days": row.integer("horizon_days", default=3, minimum=1),
        "ambient_c": _ambient(row), "iced_c": row.number("iced_c", default=12.0),
        "packing_service_s": duration_s(
            minutes=row.number("packing_service_min", default=10, minimum=0)
        ),
        "lang": row.text("lang", required=False, default="en"),
    }
    if row.failed or zone is None or day is None or travel is None:
        return None
    return _build(
        "settings.toml", problems, CaseSettings, epoch=datetime.combine(day, time(0), zone),
        timezone=str(zone.key), travel=travel, **values,
    )


def _share(row: RowReader, field: str) -> float | None:
    """An optional share in [0, 1] (None: not stated)."""
    if not row.raw(field):
        return None
    value = row.number(field, minimum=0)
    if value > 1:
        row.problem(field, f"must be a share in [0, 1] (0.5: half), got {row.raw(field)}")
    return value


def read_products(data: dict[str, Any], problems: list[str]) -> list[ProductProfile]:
    products = []
    for pid, row in _tables(data, "products.toml", problems):
        _unknown_keys(row, PRODUCT_KEYS)
        values = {
            "model": row.choice("model", KineticsModel, required=False) or KineticsModel.Q10,
            "ref_temp_c": row.number("ref_temp_c"),
            "ref_shelf_life_s": round(row.number("ref_shelf_life_days", positive=True) * DAY),
            "q10": row.number("q10", default=3.0),
            "activation_energy_j_mol": row.number("activation_energy_j_mol", default=0.0),
            # 0 (the default): the hard budget is precool_limit_h at precool_ambient_c (planner/domain/products.py)
            "precool_budget_fraction": row.number("precool_budget_fraction", default=0.0, minimum=0),
            "precool_limit_s": round(row.number("precool_limit_h", default=0.0, minimum=0) * HOUR),
            "precool_ambient_c": row.number("precool_ambient_c", default=DEFAULT_PRECOOL_AMBIENT_C),
            "kg_per_box": row.number("kg_per_box", default=5.0, positive=True),
            "precool_target_s": round(row.number("precool_target_h", default=0.0, minimum=0) * HOUR),
            "shelf_life_value_per_kg_day": (
                row.number("shelf_life_value_per_kg_day", minimum=0)
                if row.raw("shelf_life_value_per_kg_day") else None),
            # what a kg unloaded after the target loses, a share of the orders' value per kg (products.py)
            "downgrade_loss_share": _share(row, "downgrade_loss_share"),
        }
        if row.failed:
            continue
        product = _build(
            row.where, problems, ProductProfile,
            id=pid, name=row.text("name", required=False, default=pid), **values,
        )
        if product:
            products.append(product)
    return products


def read_markets(data: dict[str, Any], problems: list[str]) -> list[MarketRule]:
    markets = []
    for mid, row in _tables(data, "markets.toml", problems):
        _unknown_keys(row, MARKET_KEYS)
        values = {
            "treatment": row.choice("treatment", Treatment, required=False),
            "countries": _strings(row, "countries"),
            "forbidden_regions": _strings(row, "forbidden_regions"),
            "certifications": _strings(row, "certifications"),
            "min_shelf_life_s": round(row.number("min_shelf_life_days", default=0, minimum=0) * DAY),
        }
        if row.failed:
            continue
        market = _build(
            row.where, problems, MarketRule,
            id=mid, name=row.text("name", required=False, default=mid), **values,
        )
        if market:
            markets.append(market)
    return markets


def _listing(row: RowReader, key: str) -> list[Any]:
    value = row.values.get(key, [])
    if not isinstance(value, list):
        row.problem(key, f"must be a list, got {value!r}")
        return []
    return value


def _departures(row: RowReader, settings: CaseSettings) -> tuple[Departure, ...]:
    cutoff = max(0, duration_s(hours=row.number("cutoff_h", default=0, minimum=0)))
    times: list[int] = []
    tz = settings.timezone
    for text in _listing(row, "departures"):
        try:
            times.append(clock_or_iso(str(text), settings.epoch, tz))
        except ValueError:
            row.problem("departures", f"must be ISO 8601 datetimes, got {text!r}")
    for text in _listing(row, "schedule"):
        try:
            offset, clock = str(text).lstrip("+").split()
            times.append(clock_or_iso(clock, settings.epoch, tz, day=int(offset)))
        except ValueError:
            row.problem("schedule", f"must be '+DAYS HH:MM' entries, got {text!r}")
    for text in _listing(row, "daily"):
        for day in range(settings.horizon_days):
            try:
                times.append(clock_or_iso(str(text), settings.epoch, tz, day=day))
            except ValueError:
                row.problem("daily", f"must be HH:MM times, got {text!r}")
                break
    return tuple(Departure(t, t - cutoff) for t in sorted(set(times)))


def read_lanes(
    data: dict[str, Any], settings: CaseSettings, problems: list[str]
) -> tuple[list[Lane], dict[str, str]]:
    lanes: list[Lane] = []
    where_of: dict[str, str] = {}
    raw_lanes = data.get("lane", [])
    if not isinstance(raw_lanes, list):
        problems.append(f"lanes.toml: lanes must be [[lane]] tables, got {raw_lanes!r}")
        return [], {}
    for n, raw in enumerate(raw_lanes, start=1):
        if not isinstance(raw, dict):
            problems.append(f"lanes.toml lane {n}: must be a [[lane]] table, got {raw!r}")
            continue
        lid = str(raw.get("id", "")).strip()
        place = f"lanes.toml lane {n} ({lid})" if lid else f"lanes.toml lane {n}"
        row = RowReader("lanes.toml", n, raw, problems, place=place)
        _unknown_keys(row, LANE_KEYS)
        values = {
            "id": row.text("id"), "origin": row.text("origin"),
            "destination": row.text("destination"), "mode": row.choice("mode", Mode),
            "partner": row.text("partner"), "departures": _departures(row, settings),
            "transit_s": duration_s(hours=row.number("transit_h", positive=True)),
            "unit_name": row.text("unit", required=False, default="unit"),
            "unit_kg": row.number("unit_kg", positive=True),
            "unit_boxes": row.integer("unit_boxes", default=0, minimum=0),
            "units_per_departure": row.integer("units_per_departure", default=1, minimum=1),
            "temperature_c": row.number("temperature_c"),
            "cost_per_unit": row.number("cost_per_unit", default=0, minimum=0),
            "cost_per_kg": row.number("cost_per_kg", default=0, minimum=0),
            "min_charge": row.number("min_charge", default=0, minimum=0),
            "handling_s": duration_s(hours=row.number("handling_h", default=0, minimum=0)),
        }
        lane = None if row.failed else _build(place, problems, Lane, **values)
        if lane:
            lanes.append(lane)
            where_of.setdefault(lid, place)
    return lanes, where_of
