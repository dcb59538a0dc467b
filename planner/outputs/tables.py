"""The numbers of the HTML report: KPI cards and the tables, as plain rows.

Large plans stay readable: served orders are aggregated by market and city,
and long lists (unserved orders, unassigned lots, shipments) are capped with
the count of rows left out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .index import Plan, PlanIndex, parse_time, shipment_fill, shipment_kg, trips_of


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    left_out: int = 0
    numeric: frozenset[int] = frozenset()


def number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def kg(value: float) -> str:
    return f"{value / 1000:,.1f} t" if abs(value) >= 1000 else f"{value:,.0f} kg"


def pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def money_short(value: float, currency: str) -> str:
    """Millions and billions abbreviated (cards are narrow): ``184.9 M VND``."""
    for size, unit in ((1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"{value / size:,.1f} {unit} {currency}"
    return money(value, currency)


def clock(text: str) -> str:
    """``12 Jun 06:00`` from an ISO time of the plan."""
    return f"{parse_time(text, 'time'):%d %b %H:%M}"


NONE = "—"
Fmt = Callable[[Any], str]


def _show(value: Any, fmt: Fmt) -> str:
    """A KPI value for people: ``fmt`` for numbers, a dash for null."""
    if value is None:
        return NONE
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_show(v, fmt)}" for k, v in value.items())
    return str(value)


def _generic(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value, 0 if float(value).is_integer() else 2)
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    return _show(value, _generic)


def _value(s: Mapping[str, Any], key: str, fmt: Fmt) -> tuple[str, list[tuple[str, str]]]:
    """A scalar KPI formatted with ``fmt``, or a mapping KPI as detail lines."""
    value = s.get(key)
    if isinstance(value, Mapping):
        lines = [(str(k), _show(v, fmt)) for k, v in sorted(value.items())]
        return (lines[0][1] if len(lines) == 1 else "" if lines else "none"), lines
    return _show(value, fmt), []


def _lines(s: Mapping[str, Any], spec: list[tuple[str, str, Fmt]]) -> list[tuple[str, str]]:
    """Detail lines for the optional KPIs of ``spec`` the summary has."""
    out = []
    for key, label, fmt in spec:
        if key in s:
            value = s[key]
            if isinstance(value, Mapping):
                out += [(f"{label} {k}", _show(v, fmt)) for k, v in sorted(value.items())]
            else:
                out.append((label, _show(value, fmt)))
    return out


def _of(s: Mapping[str, Any], part: str, whole: str) -> str:
    return f"{_show(s.get(part), number)} of {_show(s.get(whole), number)}"


def kpi_cards(summary: Mapping[str, Any], currency: str) -> list[Card]:
    """Cards for the known KPIs in reading order (optional details where the
    summary has them), then a card for every other summary field."""
    s = summary
    cur: Fmt = lambda v: money_short(v, currency)  # noqa: E731
    days: Fmt = lambda d: f"{d:.1f} d"  # noqa: E731
    count: Fmt = number
    fill = _value(s, "vehicle_fill", pct)
    units = _value(s, "unit_fill", pct)
    cards = [
        Card("orders_served", "Orders served", _of(s, "orders_served", "orders_total"),
             _lines(s, [("orders_unserved", "unserved", count)])),
        Card("orders_on_time_rate", "On time", *_value(s, "orders_on_time_rate", pct)),
        Card("kg_served", "Served", _show(s.get("kg_served"), kg),
             _lines(s, [("kg_ordered", "ordered", kg), ("kg_supply", "supply", kg)])),
        Card("kg_unserved", "Unserved", _show(s.get("kg_unserved"), kg),
             _value(s, "kg_unserved_by_reason", kg)[1]),
        Card("kg_at_risk", "At risk", *_value(s, "kg_at_risk", kg)),
        Card("shelf_life_left_days_by_market", "Shelf life left at delivery",
             *_value(s, "shelf_life_left_days_by_market", days)),
        Card("cost_total", "Cost", _show(s.get("cost_total"), cur), _lines(s, [
            ("cost_per_kg", "per kg served", cur), ("pickup_cost", "pickup", cur),
            ("freight_cost", "freight", cur), ("treatment_cost", "treatment", cur),
            ("consolidation_gap_pct", "consolidation gap", lambda g: f"{g:.2f} %")])),
        Card("cost_per_kg_by_mode", "Cost per kg by mode", *_value(s, "cost_per_kg_by_mode", cur)),
        Card("vehicle_fill", "Vehicle fill", fill[0],
             fill[1] + _lines(s, [("vehicles_used", "vehicles", count), ("trips", "trips", count)])),
        Card("unit_fill", "Unit fill", units[0],
             units[1] + _lines(s, [("shipments", "shipments", count), ("units_by_mode", "units", count)])),
        Card("km", "Distance", _show(s.get("km"), lambda v: f"{v:,.0f} km"),
             _lines(s, [("pickup_hours", "pickup hours", lambda h: f"{h:,.1f} h")])),
        Card("co2e_kg", "CO2e", _show(s.get("co2e_kg"), kg), _value(s, "co2e_kg_by_mode", kg)[1]),
        Card("lots_routed", "Lots routed", _of(s, "lots_routed", "lots_total"), _lines(s, [
            ("kg_picked", "picked", kg), ("kg_lots_unpicked", "not picked", kg),
            ("kg_lots_unpicked_by_reason", "not picked:", kg)])),
    ]
    used = {c.key for c in cards} | {
        "orders_total", "kg_ordered", "kg_supply", "kg_unserved_by_reason", "cost_per_kg",
        "pickup_cost", "freight_cost", "treatment_cost", "vehicles_used", "trips", "shipments",
        "units_by_mode", "pickup_hours", "co2e_kg_by_mode", "lots_total", "kg_picked",
        "kg_lots_unpicked_by_reason", "kg_lots_unpicked", "orders_unserved", "pickup_co2e_kg",
        "consolidation_gap_pct",
    }
    for key, value in s.items():
        if key not in used:
            details = [(str(k), _generic(v)) for k, v in value.items()] if isinstance(value, Mapping) else []
            cards.append(Card(key, key.replace("_", " ").capitalize(),
                              "" if details else _generic(value), details))
    return cards


def reason_table(items: Iterable[Mapping[str, Any]], weight: Callable[[int, Mapping[str, Any]], float]) -> Table:
    """Count and kg (``weight(i, item)``) of unplanned items by reason code, most kg first."""
    count: dict[str, int] = defaultdict(int)
    total: dict[str, float] = defaultdict(float)
    for i, item in enumerate(items):
        count[item["reason"]] += 1
        total[item["reason"]] += weight(i, item)
    rows = [[r, number(count[r]), kg(total[r])] for r in sorted(count, key=lambda r: -total[r])]
    return Table(["reason", "count", "weight"], rows, numeric=frozenset({1, 2}))


def _capped(rows: list[list[str]], cap: int) -> tuple[list[list[str]], int]:
    return rows[:cap], max(len(rows) - cap, 0)


def unserved_orders_table(plan: Plan, index: PlanIndex, *, cap: int) -> Table:
    rows = []
    for i, u in enumerate(plan["unserved_orders"]):
        o = index.order(u["order_id"], f"unserved_orders[{i}].order_id")
        rows.append([o.id, u["reason"], u["detail"] or "", o.market, o.destination.city,
                     kg(o.kg), clock(index.iso(o.deadline))])
    rows.sort(key=lambda r: (r[1], r[0]))
    shown, left = _capped(rows, cap)
    return Table(["order", "reason", "detail", "market", "city", "weight", "deadline"],
                 shown, left, frozenset({5}))


def unassigned_lots_table(plan: Plan, index: PlanIndex, *, cap: int) -> Table:
    rows = []
    for i, u in enumerate(plan["unassigned_lots"]):
        lot = index.lot(u["lot_id"], f"unassigned_lots[{i}].lot_id")
        farm = index.site(lot.farm, f"lot {lot.id} farm")
        rows.append([lot.id, u["reason"], u["detail"] or "", farm.name, kg(lot.kg),
                     clock(index.iso(lot.ready)), clock(index.iso(lot.latest_pickup))])
    rows.sort(key=lambda r: (r[1], r[0]))
    shown, left = _capped(rows, cap)
    return Table(["lot", "reason", "detail", "farm", "weight", "ready", "latest pickup"],
                 shown, left, frozenset({4}))


def served_orders_table(plan: Plan, index: PlanIndex) -> Table:
    """Served orders by market and destination city."""
    groups: dict[tuple[str, str], list[tuple[float, bool, float]]] = defaultdict(list)
    for i, o in enumerate(plan["orders"]):
        order = index.order(o["order_id"], f"orders[{i}].order_id")
        key = (order.market, f"{order.destination.city}, {order.destination.country}")
        groups[key].append((order.kg, o["on_time"], o["shelf_life_left_days"]))
    rows = []
    for (market, city), items in sorted(groups.items(), key=lambda kv: -sum(x[0] for x in kv[1])):
        n = len(items)
        rows.append([market, city, number(n), kg(sum(x[0] for x in items)),
                     pct(sum(x[1] for x in items) / n),
                     f"{sum(x[2] for x in items) / n:.1f}", f"{min(x[2] for x in items):.1f}"])
    return Table(["market", "destination", "orders", "weight", "on time",
                  "shelf life left (d, mean)", "min"], rows, numeric=frozenset({2, 3, 4, 5, 6}))


def shipments_table(plan: Plan, index: PlanIndex, currency: str, *, cap: int) -> Table:
    ordered = sorted(enumerate(plan["shipments"]),
                     key=lambda js: (parse_time(js[1]["departure"], "departure"), js[1]["id"]))
    rows = []
    for i, s in ordered:
        origin = index.site(s["origin"], f"shipments[{i}].origin")
        dest = index.site(s["destination"], f"shipments[{i}].destination")
        treat = ", ".join(f"{t['treatment']} {clock(t['start'])[-5:]}" for t in s["treatments"])
        rows.append([s["id"], s["lane_id"], s["mode"], s["partner"],
                     f"{origin.name.split(' (')[0]} → {dest.name.split(' (')[0]}",
                     clock(s["departure"]), clock(s["arrival"]), kg(shipment_kg(s)),
                     number(len(s["units"])), pct(shipment_fill(s)),
                     number(len({m["order_id"] for m in s["manifest"]})),
                     money(s["cost"], currency), treat])
    shown, left = _capped(rows, cap)
    return Table(["shipment", "lane", "mode", "partner", "from → to", "departs", "arrives",
                  "weight", "units", "fill", "orders", "cost", "treatment"],
                 shown, left, frozenset({7, 8, 9, 10, 11}))


def fleet_table(plan: Plan, index: PlanIndex, currency: str) -> Table:
    """Routes by vehicle type: vehicles, trips, km, kg picked up, cost."""
    acc: dict[str, dict[str, Any]] = {}
    trips = Counter(plan["routes"][t.route]["vehicle_type"] for t in trips_of(plan))
    for i, r in enumerate(plan["routes"]):
        a = acc.setdefault(r["vehicle_type"], {"v": set(), "m": 0, "kg": 0.0, "cost": 0.0,
                                               "temp": r["temperature"]})
        a["v"].add(r["vehicle_id"])
        a["m"] += r["distance_m"]
        a["cost"] += r["cost"]
        a["kg"] += sum(index.lot(lot, f"routes[{i}].stops").kg
                       for s in r["stops"] if s["kind"] == "pickup" for lot in s["lot_ids"])
    rows = [[t, a["temp"], number(len(a["v"])), number(trips[t]), f"{a['m'] / 1000:,.0f} km",
             kg(a["kg"]), money(a["cost"], currency)] for t, a in sorted(acc.items())]
    return Table(["vehicle type", "temperature", "vehicles", "trips", "distance",
                  "picked up", "cost"], rows, numeric=frozenset({2, 3, 4, 5, 6}))


def packing_house_table(plan: Plan, index: PlanIndex) -> Table:
    """Lots delivered to each packing house: count, kg, first and last
    delivery, mean shelf life left on arrival."""
    acc: dict[str, list[tuple[float, str, float]]] = defaultdict(list)
    for i, d in enumerate(plan["deliveries"]):
        lot = index.lot(d["lot_id"], f"deliveries[{i}].lot_id")
        index.site(d["packing_house"], f"deliveries[{i}].packing_house")
        acc[d["packing_house"]].append((lot.kg, d["delivered"], d["shelf_life_left_days"]))
    rows = []
    for ph, items in sorted(acc.items()):
        times = sorted((parse_time(t, "deliveries"), t) for _, t, _ in items)
        rows.append([index.sites[ph].name.split(" (")[0], number(len(items)),
                     kg(sum(x[0] for x in items)), clock(times[0][1]), clock(times[-1][1]),
                     f"{sum(x[2] for x in items) / len(items):.1f}"])
    return Table(["packing house", "lots", "weight", "first", "last", "shelf life left (d, mean)"],
                 rows, numeric=frozenset({1, 2, 5}))
