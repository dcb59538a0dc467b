"""Reading rush hours from settings.toml: ``[[travel.corridors]]`` and
``[[travel.slow_periods]]`` (see docs/case-format.md)."""

from __future__ import annotations

from typing import Any

from ..domain.geo import Location
from ..domain.traffic import Corridor, SlowPeriod
from .fields import RowReader

FILE = "settings.toml"


def _time_of_day(row: RowReader, field: str) -> int:
    text = row.raw(field)
    try:
        hh, mm = text.split(":")
        seconds = int(hh) * 3600 + int(mm) * 60
        if not (0 <= int(mm) < 60 and 0 <= seconds <= 86_400):
            raise ValueError(text)
    except ValueError:
        row.problem(field, f"must be a local time HH:MM (00:00-24:00), got {text!r}")
        return 0
    return seconds


def _table_list(raw: Any, key: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        problems.append(f"{FILE} [[travel.{key}]]: must be an array of tables, got {raw!r}")
        return []
    return raw


def _corridor(n: int, item: dict[str, Any], problems: list[str]) -> Corridor | None:
    row = RowReader(FILE, 0, item, problems, place=f"{FILE} [[travel.corridors]] #{n}")
    for key in sorted(set(item) - {"id", "name", "points", "width_m"}):
        row.problem(key, "unknown key (expected id, name, points, width_m)")
    cid = row.text("id")
    points: list[Location] = []
    raw = item.get("points")
    try:
        points = [Location(float(lat), float(lon)) for lat, lon in raw]  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        row.problem("points", f"must be a list of [lat, lon] pairs in degrees ({exc}), got {raw!r}")
    width = row.number("width_m", default=1500.0, positive=True)
    if row.failed:
        return None
    try:
        return Corridor(cid, row.text("name", required=False, default=cid), tuple(points), round(width))
    except ValueError as exc:
        row.problem("points", str(exc))
        return None


def _period(n: int, item: dict[str, Any], problems: list[str]) -> SlowPeriod | None:
    row = RowReader(FILE, 0, item, problems, place=f"{FILE} [[travel.slow_periods]] #{n}")
    for key in sorted(set(item) - {"corridor", "from", "to", "speed_factor", "profiles"}):
        row.problem(key, "unknown key (expected corridor, from, to, speed_factor, profiles)")
    corridor = row.text("corridor")
    start, end = _time_of_day(row, "from"), _time_of_day(row, "to")
    factor = row.number("speed_factor", positive=True)
    profiles = item.get("profiles", [])
    if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
        row.problem("profiles", f"must be a list of vehicle profiles, got {profiles!r}")
        profiles = []
    if row.failed:
        return None
    try:
        return SlowPeriod(corridor, start, end, factor, tuple(profiles))
    except ValueError as exc:
        row.problem("speed_factor" if "speed_factor" in str(exc) else "from", str(exc))
        return None


def read_traffic(raw: dict[str, Any], problems: list[str]
                 ) -> tuple[tuple[Corridor, ...], tuple[SlowPeriod, ...]]:
    """Pop ``corridors`` and ``slow_periods`` from the ``[travel]`` table ``raw``."""
    corridors = [_corridor(n, item, problems) for n, item in
                 enumerate(_table_list(raw.pop("corridors", []), "corridors", problems), 1)]
    periods = [_period(n, item, problems) for n, item in
               enumerate(_table_list(raw.pop("slow_periods", []), "slow_periods", problems), 1)]
    return (tuple(c for c in corridors if c is not None),
            tuple(p for p in periods if p is not None))
