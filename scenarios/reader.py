"""Read a scenario file (TOML) into a validated :class:`ScenarioSpec`.

Every problem is collected and reported at once, each naming the file, the
table and the key: ``heat-wave.toml [weather] offset_c: dist must be one of ...``.
References to the base case (vehicle types, lanes, sites, communes, cities,
markets) are checked against the case folder the file names."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from planner import ConsolidationParams, PlanParams, RoutingParams
from planner.domain import Case, SiteKind
from planner.exceptions import CaseError
from planner.io import read_case

from .distributions import Distribution, parse_distribution
from .errors import ScenarioError
from .spec import (
    ONE,
    TARGET_KEY,
    ZERO,
    DemandSpec,
    Disruption,
    DisruptionKind,
    ExecutionSpec,
    FleetChange,
    HarvestSpec,
    LaneChange,
    PackingHouseAdd,
    ScenarioSpec,
    StreamScale,
    WeatherSpec,
)

T = TypeVar("T")

_TABLES = {"scenario", "planner", "demand", "harvest", "weather", "fleet", "lane",
           "packing_house", "disruption", "execution"}


class Table:
    """Typed access to one TOML table; problems name the file, table and key."""

    def __init__(self, file: str, name: str, data: Mapping[str, Any], problems: list[str]):
        self.file, self.name, self.data, self.problems = file, name, data, problems
        self.used: set[str] = set()

    def problem(self, key: str, message: str) -> None:
        place = f"{self.file} [{self.name}]" + (f" {key}" if key else "")
        self.problems.append(f"{place}: {message}")

    def get(self, key: str, conv: Callable[[Any], T], default: T, kind: str) -> T:
        self.used.add(key)
        if key not in self.data:
            return default
        try:
            return conv(self.data[key])
        except (TypeError, ValueError) as exc:
            self.problem(key, f"must be {kind} ({exc})" if str(exc) else f"must be {kind}")
            return default

    def text(self, key: str, default: str = "", *, required: bool = False) -> str:
        if required and key not in self.data:
            self.problem(key, "is required")
        return self.get(key, _str, default, "a string")

    def integer(self, key: str, default: int, *, minimum: int | None = None) -> int:
        value = self.get(key, _int, default, "an integer")
        if minimum is not None and value < minimum:
            self.problem(key, f"must be >= {minimum}, got {value}")
            return default
        return value

    def number(self, key: str, default: float) -> float:
        return self.get(key, _float, default, "a number")

    def optional_number(self, key: str) -> float | None:
        return self.get(key, _float, None, "a number") if key in self.data else None

    def numbers(self, key: str) -> tuple[float, ...]:
        return self.get(key, lambda v: tuple(_float(x) for x in _list(v)), (), "a list of numbers")

    def dist(self, key: str, default: Distribution) -> Distribution:
        return self.get(key, parse_distribution, default, "a number or a distribution table")

    def build(self, factory: Callable[..., T], **kwargs: Any) -> T | None:
        try:
            return factory(**kwargs)
        except (TypeError, ValueError) as exc:
            self.problem("", str(exc))
            return None

    def check_unknown(self) -> None:
        for key in sorted(set(self.data) - self.used):
            self.problem(key, "unknown key")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError
    return float(value)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError
    return value


def load_scenario(path: str | Path, *, check_case: bool = True) -> ScenarioSpec:
    """Read, validate and cross-check the scenario file ``path``.

    Raises :class:`ScenarioError` listing every problem."""
    path = Path(path)
    data = _load_toml(path)
    problems: list[str] = []
    file = path.name
    for key in sorted(set(data) - _TABLES):
        problems.append(f"{file}: unknown table or key {key!r}")
    head = Table(file, "scenario", _table(data, "scenario", file, problems), problems)
    base_text = head.text("base_case", required=True)
    base = (path.parent / base_text).resolve() if base_text else path.parent
    case = _base_case(base, file, problems) if base_text and check_case else None
    start = head.get("start", _date, None, "a date (YYYY-MM-DD)")
    days = head.integer("days", 1, minimum=1)
    parts = {
        "name": head.text("name", path.stem), "description": head.text("description"),
        "days": days, "seed": head.integer("seed", 0, minimum=0),
        "runs": head.integer("runs", 10, minimum=1),
        "carry_orders": head.get("carry_orders", _bool, True, "true or false"),
        "sample": head.number("sample", 1.0),
    }
    head.check_unknown()
    epoch = case.settings.epoch.date() if case else None
    planner = _table(data, "planner", file, problems)
    _check_plan_params(planner, file, problems)
    demand = _demand(Table(file, "demand", _table(data, "demand", file, problems), problems))
    harvest = _harvest(Table(file, "harvest", _table(data, "harvest", file, problems), problems))
    weather = _weather(Table(file, "weather", _table(data, "weather", file, problems), problems))
    execution = _execution(Table(file, "execution", _table(data, "execution", file, problems), problems))
    fleet = [_fleet(t) for t in _array(data, "fleet", file, problems)]
    lanes = [_lane(t) for t in _array(data, "lane", file, problems)]
    houses = [_packing_house(t) for t in _array(data, "packing_house", file, problems)]
    first = start or epoch
    disruptions = [_disruption(t, first) for t in _array(data, "disruption", file, problems)]
    for name, value in (("demand", demand), ("harvest", harvest)):
        if value is not None and value.by_day and len(value.by_day) != days:
            problems.append(f"{file} [{name}] by_day: has {len(value.by_day)} values for {days} day(s)")
    if weather is not None and weather.by_day_c and len(weather.by_day_c) != days:
        problems.append(f"{file} [weather] by_day_c: has {len(weather.by_day_c)} values for {days} day(s)")
    spec = None
    if not problems:
        spec = Table(file, "scenario", {}, problems).build(
            ScenarioSpec, source=path.resolve(), base_case=base, planner=planner,
            demand=demand, harvest=harvest, weather=weather, execution=execution,
            fleet=tuple(fleet), lanes=tuple(lanes), packing_houses=tuple(houses), disruptions=tuple(disruptions), **parts,
        )
    if spec is not None and case is not None:
        problems += reference_problems(spec, case)
    if problems or spec is None:
        raise ScenarioError(problems)
    return spec


def _check_plan_params(planner: dict[str, Any], file: str, problems: list[str]) -> None:
    """The ``[planner]`` table must be valid :class:`planner.PlanParams`."""
    try:
        params = PlanParams.from_dict(dict(planner))
        RoutingParams.from_dict({**dict(params.routing), "time_limit_s": params.routing_time_s})
        ConsolidationParams.from_dict(
            {**dict(params.consolidation), "time_limit_s": params.consolidation_time_s})
    except (TypeError, ValueError) as exc:
        problems.append(f"{file} [planner]: {exc}")


def _load_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError([f"{path}: no such scenario file"])
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path.name}: not valid TOML ({exc})"]) from None


def _table(data: Mapping[str, Any], name: str, file: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"{file} [{name}]: must be a table")
        return {}
    return value


def _array(data: Mapping[str, Any], name: str, file: str, problems: list[str]) -> list[Table]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"{file} [[{name}]]: must be an array of tables ([[{name}]])")
        return []
    return [Table(file, f"[{name}] {n}", v, problems) for n, v in enumerate(value, start=1)]


@lru_cache(maxsize=4)
def _read_case_cached(folder: Path, stamp: tuple[tuple[str, float], ...]) -> Case:
    return read_case(folder)


def read_base_case(folder: Path) -> Case:
    """Read a case folder, once per version of its files."""
    stamp = tuple(sorted((p.name, p.stat().st_mtime) for p in folder.iterdir() if p.is_file())) \
        if folder.is_dir() else ()
    return _read_case_cached(folder, stamp)


def _base_case(folder: Path, file: str, problems: list[str]) -> Case | None:
    try:
        return read_base_case(folder)
    except CaseError as exc:
        problems.append(f"{file} [scenario] base_case: {folder} is not a valid case folder")
        problems.extend(f"  {p}" for p in exc.problems[:10])
        return None


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(_str(value))


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _demand(t: Table) -> DemandSpec | None:
    streams = []
    raws: list[Any] = t.get("stream", _list, [], "an array of tables")
    for n, raw in enumerate(raws, start=1):
        sub = Table(t.file, f"demand.stream {n}", raw if isinstance(raw, dict) else {}, t.problems)
        stream = sub.build(StreamScale, scale=sub.dist("scale", ONE), city=sub.text("city"),
                           market=sub.text("market"))
        sub.check_unknown()
        if stream:
            streams.append(stream)
    spec = t.build(
        DemandSpec, scale=t.dist("scale", ONE), by_day=t.numbers("by_day"), streams=tuple(streams),
        b2b_share=t.optional_number("b2b_share"),
        window_start_h=t.number("window_start_h", -6.0), window_h=t.number("window_h", 6.0),
    )
    t.check_unknown()
    return spec


def _harvest(t: Table) -> HarvestSpec | None:
    communes_raw: dict[str, Any] = t.get("communes", dict, {}, "a table of commune = scale")
    communes: dict[str, Distribution] = {}
    for name, raw in communes_raw.items():
        try:
            communes[name] = parse_distribution(raw)
        except ValueError as exc:
            t.problem(f"communes.{name}", str(exc))
    spec = t.build(HarvestSpec, scale=t.dist("scale", ONE), by_day=t.numbers("by_day"),
                   communes=communes)
    t.check_unknown()
    return spec


def _weather(t: Table) -> WeatherSpec | None:
    spec = t.build(WeatherSpec, offset_c=t.dist("offset_c", ZERO), by_day_c=t.numbers("by_day_c"),
                   hourly_sd_c=t.number("hourly_sd_c", 0.0))
    t.check_unknown()
    return spec


def _execution(t: Table) -> ExecutionSpec | None:
    spec = t.build(
        ExecutionSpec, route_delay_min=t.dist("route_delay_min", ZERO),
        leg_delay_min=t.dist("leg_delay_min", ZERO),
        temperature_deviation_c=t.dist("temperature_deviation_c", ZERO),
        reefer_failure_probability=t.number("reefer_failure_probability", 0.0),
        reefer_failure_c=t.dist("reefer_failure_c", ZERO) if "reefer_failure_c" in t.data else None,
        reefer_below_c=t.number("reefer_below_c", 15.0),
    )
    t.check_unknown()
    return spec


def _fleet(t: Table) -> FleetChange | None:
    vt = t.text("vehicle_type", required=True)
    count = t.get("count", _int, None, "an integer") if "count" in t.data else None
    change = t.build(FleetChange, vehicle_type=vt, add=t.integer("add", 0), count=count)
    t.check_unknown()
    return change


def _lane(t: Table) -> LaneChange | None:
    units = t.get("units_per_departure", _int, None, "an integer") if "units_per_departure" in t.data else None
    change = t.build(
        LaneChange, lane=t.text("id", required=True),
        remove=t.get("remove", _bool, False, "true or false"), units_per_departure=units,
        cost_factor=t.number("cost_factor", 1.0), transit_factor=t.number("transit_factor", 1.0),
    )
    t.check_unknown()
    return change


def _packing_house(t: Table) -> PackingHouseAdd | None:
    vehicles: dict[str, Any] = t.get("vehicles", dict, {}, "a table of vehicle type = count")
    for name, n in vehicles.items():
        if isinstance(n, bool) or not isinstance(n, int):
            t.problem(f"vehicles.{name}", "must be an integer")
    for key in ("lat", "lon"):
        if key not in t.data:
            t.problem(key, "is required")
    house = t.build(
        PackingHouseAdd, id=t.text("id", required=True), like=t.text("like", required=True),
        lat=t.number("lat", 0.0), lon=t.number("lon", 0.0), name=t.text("name"), commune=t.text("commune"),
        vehicles={k: v for k, v in vehicles.items() if isinstance(v, int) and not isinstance(v, bool)},
    )
    t.check_unknown()
    return house


def _disruption(t: Table, first: date | None) -> Disruption | None:
    kind = t.get("kind", DisruptionKind, None, f"one of {', '.join(k.value for k in DisruptionKind)}")
    if kind is None:
        if "kind" not in t.data:
            t.problem("kind", "is required")
        return None
    target_key = TARGET_KEY[kind]
    target = t.text(target_key, required=True) if target_key else ""
    no_days: tuple[int, ...] = ()
    no_dates: tuple[date, ...] = ()
    days = list(t.get("days", lambda v: tuple(_int(x) for x in _list(v)), no_days, "a list of day numbers"))
    dates = t.get("dates", lambda v: tuple(_date(x) for x in _list(v)), no_dates, "a list of dates")
    for d in dates:
        if first is None:
            t.problem("dates", "needs [scenario] start or a readable base case")
        elif (d - first).days < 0:
            t.problem("dates", f"{d} is before the first simulated day {first}")
        else:
            days.append((d - first).days)
    spec = t.build(
        Disruption, kind=kind, target=target, days=tuple(sorted(set(days))),
        probability=t.number("probability", 0.0), amount=t.dist("amount", ONE),
        start_h=t.number("start_h", 0.0), hours=t.number("hours", 24.0),
        announced_h=t.optional_number("announced_h"),
    )
    t.check_unknown()
    return spec


def reference_problems(spec: ScenarioSpec, case: Case) -> list[str]:
    """Names in ``spec`` that the base case does not know."""
    file = spec.source.name
    problems: list[str] = []
    vtypes = {v.id for v in case.vehicle_types}
    lanes = {lane.id for lane in case.lanes}
    for n, change in enumerate(spec.fleet, start=1):
        if change.vehicle_type not in vtypes:
            problems.append(f"{file} [fleet] {n} vehicle_type: unknown vehicle type {change.vehicle_type!r} "
                            f"(known: {', '.join(sorted(vtypes))})")
    for n, lc in enumerate(spec.lanes, start=1):
        if lc.lane not in lanes:
            problems.append(f"{file} [lane] {n} id: unknown lane {lc.lane!r}")
    problems += _packing_house_problems(spec, case, vtypes)
    communes = {s.commune for s in case.sites if s.commune}
    for name in spec.harvest.communes:
        if name not in communes:
            problems.append(f"{file} [harvest] communes.{name}: unknown commune "
                            f"(known: {', '.join(sorted(communes))})")
    cities = {o.destination.city for o in case.orders}
    markets = {m.id for m in case.markets}
    for n, s in enumerate(spec.demand.streams, start=1):
        if s.city and s.city not in cities:
            problems.append(f"{file} [demand.stream {n}] city: no base order goes to {s.city!r}")
        if s.market and s.market not in markets:
            problems.append(f"{file} [demand.stream {n}] market: unknown market {s.market!r}")
    for n, d in enumerate(spec.disruptions, start=1):
        problems += _disruption_problems(file, n, d, case, vtypes, lanes)
        if d.days and max(d.days) >= spec.days:
            problems.append(f"{file} [disruption] {n} days: day {max(d.days)} is after the last "
                            f"simulated day ({spec.days - 1}; days count from 0)")
    return problems


def _packing_house_problems(spec: ScenarioSpec, case: Case, vtypes: set[str]) -> list[str]:
    file = spec.source.name
    problems = []
    moved: dict[str, int] = {}
    for n, h in enumerate(spec.packing_houses, start=1):
        where = f"{file} [packing_house] {n}"
        like = case.site_by_id.get(h.like)
        if like is None or like.kind is not SiteKind.PACKING_HOUSE:
            problems.append(f"{where} like: {h.like!r} is not a packing house of the base case")
        if h.id in case.site_by_id or sum(x.id == h.id for x in spec.packing_houses) > 1:
            problems.append(f"{where} id: site {h.id!r} already exists")
        for vt, k in h.vehicles.items():
            if vt not in vtypes:
                problems.append(f"{where} vehicles.{vt}: unknown vehicle type")
            moved[vt] = moved.get(vt, 0) + k
    counts = {v.id: v.count for v in case.vehicle_types}
    for vt, k in sorted(moved.items()):
        if vt in counts and k > counts[vt]:
            problems.append(f"{file} [packing_house] vehicles.{vt}: moves {k} of {counts[vt]} vehicles")
    return problems


def _disruption_problems(file: str, n: int, d: Disruption, case: Case,
                         vtypes: set[str], lanes: set[str]) -> list[str]:
    where = f"{file} [disruption] {n}"
    problems = []
    if d.kind is DisruptionKind.VEHICLE_BREAKDOWN and d.target not in vtypes:
        problems.append(f"{where} vehicle_type: unknown vehicle type {d.target!r}")
    if d.kind is DisruptionKind.FLIGHT_CANCELLATION:
        lane = next((x for x in case.lanes if x.id == d.target), None)
        if lane is None:
            problems.append(f"{where} lane: unknown lane {d.target!r}")
        elif lane.on_demand:
            problems.append(f"{where} lane: {d.target!r} has no scheduled departures to cancel")
    kinds = {DisruptionKind.TREATMENT_OUTAGE: SiteKind.TREATMENT_FACILITY,
             DisruptionKind.PACKING_HOUSE_OUTAGE: SiteKind.PACKING_HOUSE}
    if d.kind in kinds:
        site = case.site_by_id.get(d.target)
        if site is None or site.kind is not kinds[d.kind]:
            problems.append(f"{where} site: {d.target!r} is not a {kinds[d.kind]} of the base case")
    return problems
