"""The TOML parts of a case: settings, products, markets and lanes."""

from __future__ import annotations

import tomllib
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
    Treatment,
    TravelSettings,
)
from ..domain.units import DAY
from .fields import RowReader, clock_or_iso, duration_s


def load_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    if not path.exists():
        problems.append(f"{path.name}: file is missing")
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: not valid TOML ({exc})")
        return {}


def _build(where: str, problems: list[str], factory: Any, **kwargs: Any) -> Any:
    try:
        return factory(**kwargs)
    except (ValueError, TypeError, KeyError) as exc:
        problems.append(f"{where}: {exc}")
        return None


def read_settings(data: dict[str, Any], problems: list[str]) -> CaseSettings | None:
    where = "settings.toml"
    tz = str(data.get("timezone", "Asia/Ho_Chi_Minh"))
    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError):
        problems.append(f"{where}, timezone: unknown time zone {tz!r}")
        return None
    raw_epoch = data.get("epoch")
    try:
        day = datetime.fromisoformat(str(raw_epoch)).date()
    except ValueError:
        problems.append(f"{where}, epoch: must be a date (YYYY-MM-DD), got {raw_epoch!r}")
        return None
    travel_raw = dict(data.get("travel", {}))
    speeds = travel_raw.pop("speeds_kmh", {"motorbike": 30.0, "truck": 40.0})
    travel = _build(
        f"{where} [travel]", problems, TravelSettings,
        speeds_kmh=tuple(sorted((str(k), float(v)) for k, v in speeds.items())), **travel_raw,
    )
    if travel is None:
        return None
    ambient = data.get("ambient_c", 30.0)
    ambient_c = tuple(float(x) for x in ambient) if isinstance(ambient, list) else (float(ambient),) * 24
    return _build(
        where, problems, CaseSettings,
        name=str(data.get("name", "case")), epoch=datetime.combine(day, time(0), zone),
        timezone=tz, currency=str(data.get("currency", "VND")),
        horizon_days=int(data.get("horizon_days", 3)), ambient_c=ambient_c,
        iced_c=float(data.get("iced_c", 12.0)),
        packing_service_s=duration_s(minutes=float(data.get("packing_service_min", 10))),
        travel=travel,
    )


def read_products(data: dict[str, Any], problems: list[str]) -> list[ProductProfile]:
    products = []
    for pid, raw in data.items():
        where = f"products.toml [{pid}]"
        try:
            model = KineticsModel(raw.get("model", "q10"))
        except ValueError:
            problems.append(f"{where}, model: must be q10 or arrhenius, got {raw.get('model')!r}")
            continue
        product = _build(
            where, problems, ProductProfile,
            id=pid, name=str(raw.get("name", pid)), ref_temp_c=float(raw["ref_temp_c"]),
            ref_shelf_life_s=round(float(raw["ref_shelf_life_days"]) * DAY),
            q10=float(raw.get("q10", 3.0)), model=model,
            activation_energy_j_mol=float(raw.get("activation_energy_j_mol", 0.0)),
            precool_budget_fraction=float(raw.get("precool_budget_fraction", 0.2)),
            kg_per_box=float(raw.get("kg_per_box", 5.0)),
        ) if "ref_temp_c" in raw and "ref_shelf_life_days" in raw else None
        if not ("ref_temp_c" in raw and "ref_shelf_life_days" in raw):
            problems.append(f"{where}: ref_temp_c and ref_shelf_life_days are required")
        if product:
            products.append(product)
    return products


def read_markets(data: dict[str, Any], problems: list[str]) -> list[MarketRule]:
    markets = []
    for mid, raw in data.items():
        where = f"markets.toml [{mid}]"
        treatment = raw.get("treatment")
        if treatment is not None and treatment not in {t.value for t in Treatment}:
            problems.append(f"{where}, treatment: must be irradiation or fumigation, got {treatment!r}")
            continue
        market = _build(
            where, problems, MarketRule,
            id=mid, name=str(raw.get("name", mid)),
            countries=frozenset(raw.get("countries", [])),
            treatment=Treatment(treatment) if treatment else None,
            forbidden_regions=frozenset(raw.get("forbidden_regions", [])),
            certifications=frozenset(raw.get("certifications", [])),
            min_shelf_life_s=round(float(raw.get("min_shelf_life_days", 0)) * DAY),
        )
        if market:
            markets.append(market)
    return markets


def _departures(row: RowReader, raw: dict[str, Any], settings: CaseSettings) -> tuple[Departure, ...]:
    cutoff = duration_s(hours=float(raw.get("cutoff_h", 0)))
    times: list[int] = []
    tz = settings.timezone
    for text in raw.get("departures", []):
        try:
            times.append(clock_or_iso(str(text), settings.epoch, tz))
        except ValueError:
            row.problem("departures", f"must be ISO 8601 datetimes, got {text!r}")
    for text in raw.get("schedule", []):
        try:
            offset, clock = str(text).lstrip("+").split()
            times.append(clock_or_iso(clock, settings.epoch, tz, day=int(offset)))
        except ValueError:
            row.problem("schedule", f"must be '+DAYS HH:MM' entries, got {text!r}")
    for text in raw.get("daily", []):
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
    lanes, where_of = [], {}
    for n, raw in enumerate(data.get("lane", []), start=1):
        row = RowReader("lanes.toml", n, {k: v for k, v in raw.items() if not isinstance(v, list)}, problems)
        lid = row.text("id")
        mode = row.choice("mode", Mode)
        departures = _departures(row, raw, settings)
        lane = _build(
            f"lanes.toml lane {n} ({lid})", problems, Lane,
            id=lid, origin=row.text("origin"), destination=row.text("destination"),
            mode=mode, partner=row.text("partner"),
            transit_s=duration_s(hours=row.number("transit_h", positive=True)),
            unit_name=row.text("unit", required=False, default="unit"),
            unit_kg=row.number("unit_kg", positive=True),
            unit_boxes=row.integer("unit_boxes", default=0, minimum=0),
            units_per_departure=row.integer("units_per_departure", default=1, minimum=1),
            temperature_c=row.number("temperature_c"),
            cost_per_unit=row.number("cost_per_unit", default=0, minimum=0),
            cost_per_kg=row.number("cost_per_kg", default=0, minimum=0),
            min_charge=row.number("min_charge", default=0, minimum=0),
            departures=departures,
            handling_s=duration_s(hours=row.number("handling_h", default=0, minimum=0)),
        ) if mode is not None else None
        if lane:
            lanes.append(lane)
            where_of[lid] = f"lanes.toml lane {n}"
    return lanes, where_of

