"""Write a :class:`~planner.domain.Case` as a case folder that ``read_case``
reads back to an equal case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..domain import Case, TimeWindow
from ..domain.units import DAY, HOUR, to_datetime


def _iso(case: Case, t: int) -> str:
    s = case.settings
    spec = "minutes" if t % 60 == 0 else "seconds"
    return to_datetime(t, s.epoch, s.timezone).isoformat(timespec=spec)


def _clock(t: int) -> str:
    t %= DAY if t % DAY or t == 0 else DAY + 1
    return f"{t // HOUR:02d}:{t % HOUR // 60:02d}"


def _daily(windows: tuple[TimeWindow, ...], *, where: str = "site",
           horizon_days: int | None = None) -> tuple[str, str]:
    """The ``open``/``close`` pair of windows that repeat one window every
    day (what sites.csv can hold); anything else is refused rather than
    written as its first day only."""
    if not windows:
        return "", ""
    first = windows[0]
    day0 = first.start // DAY
    expected = [TimeWindow(first.start + k * DAY, first.end + k * DAY) for k in range(len(windows))]
    if list(windows) != expected or (horizon_days is not None and len(windows) != horizon_days):
        raise ValueError(f"{where}: opening hours that are not one window every day of the horizon "
                         "cannot be written to sites.csv")
    end = first.end - day0 * DAY
    return _clock(first.start), ("24:00" if end == DAY else _clock(end % DAY))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _toml_table(name: str, values: dict[str, Any]) -> str:
    lines = [name] + [f"{k} = {_toml_value(v)}" for k, v in values.items() if v is not None]
    return "\n".join(lines) + "\n"


#: Tables of settings.toml that say how to read the case rather than what it is;
#: a :class:`Case` does not hold them, so a rewrite of settings.toml keeps them as read.
READING_TABLES = ("files", "checks")


def reading_tables(folder: Path) -> dict[str, dict[str, Any]]:
    """The ``[files]`` and ``[checks]`` tables of ``folder/settings.toml`` as written there."""
    from .toml_files import load_toml

    data = load_toml(folder / "settings.toml", [])
    return {name: dict(data[name]) for name in READING_TABLES if isinstance(data.get(name), dict)}


def write_settings(case: Case, folder: Path, *, keep: dict[str, dict[str, Any]] | None = None) -> None:
    """``settings.toml`` of ``case``, followed by the tables of ``keep``
    (``{"files": {...}}``: what :func:`reading_tables` read before a rewrite)."""
    s = case.settings
    head = {
        "name": s.name, "epoch": s.epoch.date().isoformat(), "timezone": s.timezone,
        "currency": s.currency, "horizon_days": s.horizon_days, "ambient_c": list(s.ambient_c),
        "iced_c": s.iced_c, "packing_service_min": s.packing_service_s / 60, "lang": s.lang,
    }
    travel = {"provider": s.travel.provider, "detour_factor": s.travel.detour_factor}
    if s.travel.graph:
        travel["graph"] = s.travel.graph
    text = _toml_table("", head).lstrip("\n") + "\n" + _toml_table("[travel]", travel)
    text += "\n" + _toml_table("[travel.speeds_kmh]", dict(s.travel.speeds_kmh))
    for c in s.travel.corridors:
        text += "\n" + _toml_table("[[travel.corridors]]", {
            "id": c.id, "name": c.name, "points": [[p.lat, p.lon] for p in c.points],
            "width_m": c.width_m})
    for p in s.travel.slow_periods:
        text += "\n" + _toml_table("[[travel.slow_periods]]", {
            "corridor": p.corridor, "from": _clock(p.start_s), "to": _clock(p.end_s),
            "speed_factor": p.speed_factor, "profiles": list(p.profiles) or None})
    for name, values in (keep or {}).items():
        text += "\n" + _toml_table(f"[{name}]", values)
    (folder / "settings.toml").write_text(text, encoding="utf-8")


def write_tomls(case: Case, folder: Path) -> None:
    products = [
        _toml_table(f"[{p.id}]", {
            "name": p.name, "ref_temp_c": p.ref_temp_c, "ref_shelf_life_days": p.ref_shelf_life_s / DAY,
            "q10": p.q10, "model": p.model.value,
            "precool_budget_fraction": p.precool_budget_fraction or None,  # 0: not stated
            "kg_per_box": p.kg_per_box,
            "activation_energy_j_mol": p.activation_energy_j_mol or None,
            "precool_target_h": p.precool_target_s / HOUR or None,
            "precool_limit_h": p.precool_limit_s / HOUR or None,
            "precool_ambient_c": p.precool_ambient_c,
            "shelf_life_value_per_kg_day": p.shelf_life_value_per_kg_day,
            "downgrade_loss_share": p.downgrade_loss_share,
        }) for p in case.products
    ]
    (folder / "products.toml").write_text("\n".join(products), encoding="utf-8")
    markets = [
        _toml_table(f"[{m.id}]", {
            "name": m.name, "countries": sorted(m.countries),
            "treatment": m.treatment.value if m.treatment else None,
            "forbidden_regions": sorted(m.forbidden_regions),
            "certifications": sorted(m.certifications), "min_shelf_life_days": m.min_shelf_life_s / DAY,
        }) for m in case.markets
    ]
    (folder / "markets.toml").write_text("\n".join(markets), encoding="utf-8")
    lanes = []
    for lane in case.lanes:
        cutoffs = {d.time - d.cutoff for d in lane.departures}
        values = {
            "id": lane.id, "origin": lane.origin, "destination": lane.destination,
            "mode": lane.mode.value, "partner": lane.partner, "transit_h": lane.transit_s / HOUR,
            "unit": lane.unit_name, "unit_kg": lane.unit_kg, "unit_boxes": lane.unit_boxes,
            "units_per_departure": lane.units_per_departure, "temperature_c": lane.temperature_c,
            "cost_per_unit": lane.cost_per_unit, "cost_per_kg": lane.cost_per_kg,
            "min_charge": lane.min_charge, "handling_h": lane.handling_s / HOUR,
            "cutoff_h": (max(cutoffs) / HOUR) if cutoffs else None,
            "departures": [_iso(case, d.time) for d in lane.departures] or None,
        }
        if len(cutoffs) > 1:
            msg = f"lane {lane.id}: departures with different cut-offs cannot be written"
            raise ValueError(msg)
        lanes.append(_toml_table("[[lane]]", values))
    (folder / "lanes.toml").write_text("\n".join(lanes), encoding="utf-8")


def write_tables(case: Case, folder: Path) -> None:
    sites = []
    contacts = any(s.contact or s.phone or s.address for s in case.sites)
    for s in case.sites:
        opening, closing = _daily(s.opening, where=f"site {s.id}", horizon_days=case.settings.horizon_days)
        sites.append({
            "id": s.id, "name": s.name, "kind": s.kind.value, "lat": s.location.lat,
            "lon": s.location.lon, "open": opening, "close": closing,
            "intake_kg_per_hour": s.intake_kg_per_hour, "precooling": s.precooling,
            "cold_storage_kg": s.cold_storage_kg,
            "treatment": s.treatment.value if s.treatment else "",
            "treatment_kg_per_day": s.treatment_kg_per_day, "treatment_h": s.treatment_s / HOUR,
            "treatment_cost_per_kg": s.treatment_cost_per_kg, "commune": s.commune, "region": s.region,
        } | ({"contact": s.contact, "phone": s.phone, "address": s.address} if contacts else {}))
    lots = [{
        "id": lot.id, "farm": lot.farm, "product": lot.product, "grade": lot.grade, "kg": lot.kg,
        "boxes": lot.boxes, "ready": _iso(case, lot.ready), "latest_pickup": _iso(case, lot.latest_pickup),
        "service_min": lot.service_s / 60, "certifications": ";".join(sorted(lot.certifications)),
        "packing_houses": ";".join(lot.packing_houses), "value": lot.value,
    } for lot in case.lots]
    orders = [{
        "id": o.id, "channel": o.channel.value, "market": o.market, "product": o.product,
        "grade": o.grade, "kg": o.kg, "boxes": o.boxes, "ordered": _iso(case, o.ordered),
        "deadline": _iso(case, o.deadline), "min_shelf_life_days": o.min_shelf_life_s / DAY,
        "value": o.value, "partner": o.partner, "city": o.destination.city,
        "country": o.destination.country, "region": o.destination.region,
        "lat": o.destination.location.lat, "lon": o.destination.location.lon, "hub": o.destination.hub,
    } | ({"priority": o.priority.value} if any(x.priority.rank for x in case.orders) else {})
        for o in case.orders]
    fleet = [{
        "id": v.id, "name": v.name, "profile": v.profile, "capacity_kg": v.capacity_kg,
        "capacity_boxes": v.capacity_boxes, "temperature": v.temperature.value,
        "setpoint_c": v.setpoint_c, "home": v.home, "end": v.end,
        "shift_start": _iso(case, v.shift.start), "shift_end": _iso(case, v.shift.end),
        "count": v.count, "fixed_cost": v.fixed_cost, "cost_per_km": v.cost_per_km,
        "cost_per_hour": v.cost_per_hour,
    } | ({"max_work_h": None if v.max_work_s is None else v.max_work_s / 3600,
          "break_after_h": None if v.break_after_s is None else v.break_after_s / 3600,
          "break_min": v.break_s / 60}
         if any(x.max_work_s or x.break_after_s for x in case.vehicle_types) else {})
        for v in case.vehicle_types]
    for name, records in (("sites", sites), ("lots", lots), ("orders", orders), ("fleet", fleet)):
        pd.DataFrame.from_records(records).to_csv(folder / f"{name}.csv", index=False)
    drivers = [{"id": d.id, "name": d.name, "vehicle_type": d.vehicle_type, "phone": d.phone,
                "plate": d.plate, "home": d.home} for d in case.drivers]
    if drivers:
        pd.DataFrame.from_records(drivers).to_csv(folder / "drivers.csv", index=False)


def write_case(case: Case, folder: str | Path) -> Path:
    """Write ``case`` into ``folder`` (created if needed) and return the path."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    write_settings(case, path)
    write_tomls(case, path)
    write_tables(case, path)
    return path
