"""The numbers of the HTML report: KPI cards and the tables, as plain rows.

Large plans stay readable: served orders are aggregated by market and city,
and long lists (unserved orders, unassigned lots, shipments) are capped with
the count of rows left out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import N_, Lang
from .index import Plan, PlanIndex, parse_time, shipment_fill, shipment_kg, trips_of
from .labels import label


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


def money_short(value: float, lang: Lang) -> str:
    """Millions and billions abbreviated (cards are narrow): ``184,9 triệu ₫``."""
    for size, unit in ((1e9, lang._("bn")), (1e6, lang._("M"))):
        if abs(value) >= size:
            return f"{lang.number(value / size, 1)} {unit} {lang.symbol}"
    return lang.money(value)


def clock(text: str, lang: Lang) -> str:
    """``12/06 06:00`` from an ISO time of the plan."""
    return lang.day_clock(parse_time(text, "time"))


NONE = "—"
Fmt = Callable[[Any], str]


def _show(value: Any, fmt: Fmt, lang: Lang | None = None) -> str:
    """A KPI value for people: ``fmt`` for numbers, a dash for null; the
    codes of a mapping's keys in words when ``lang`` is given."""
    if value is None:
        return NONE
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{label(k, lang) if lang else k} {_show(v, fmt)}" for k, v in value.items())
    return str(value)


def _generic(lang: Lang) -> Fmt:
    def fmt(value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return lang.number(value, 0 if float(value).is_integer() else 2)
        if isinstance(value, list):
            return lang.n_("{n} item", "{n} items", len(value))
        return _show(value, fmt, lang)
    return fmt


def _value(s: Mapping[str, Any], key: str, fmt: Fmt, none: str,
           lang: Lang | None = None) -> tuple[str, list[tuple[str, str]]]:
    """A scalar KPI formatted with ``fmt``, or a mapping KPI as detail lines
    (its codes in words when ``lang`` is given)."""
    value = s.get(key)
    if isinstance(value, Mapping):
        lines = [(label(k, lang) if lang else str(k), _show(v, fmt)) for k, v in sorted(value.items())]
        return (lines[0][1] if len(lines) == 1 else "" if lines else none), lines
    return _show(value, fmt), []


def _lines(s: Mapping[str, Any], spec: list[tuple[str, str, Fmt]], lang: Lang | None = None) -> list[tuple[str, str]]:
    """Detail lines for the optional KPIs of ``spec`` the summary has (the
    codes of a mapping's keys in words when ``lang`` is given)."""
    out = []
    for key, words, fmt in spec:
        if key in s:
            value = s[key]
            if isinstance(value, Mapping):
                out += [(f"{words} {label(k, lang) if lang else k}", _show(v, fmt))
                        for k, v in sorted(value.items())]
            else:
                out.append((words, _show(value, fmt)))
    return out


def _rate(s: Mapping[str, Any], key: str, whole: str, lang: Lang) -> str:
    """A rate of ``s[whole]`` items, never shown as 100 % (or 0 %) when it is not."""
    value, total = s.get(key), s.get(whole)
    if value is None:
        return NONE
    if isinstance(total, (int, float)) and total > 0:
        return lang.pct(round(value * total), total)
    return lang.pct(value)


KNOWN = {
    "orders_total", "kg_ordered", "kg_supply", "kg_unserved_by_reason", "cost_per_kg",
    "pickup_cost", "freight_cost", "treatment_cost", "vehicles_used", "trips", "shipments",
    "units_by_mode", "pickup_hours", "co2e_kg_by_mode", "lots_total", "kg_picked",
    "kg_lots_unpicked_by_reason", "kg_lots_unpicked", "orders_unserved", "pickup_co2e_kg",
    "consolidation_gap_pct", "pickup_day_cost", "pickup_shelf_life_cost", "pickup_kg_per_vehicle_min",
    "pickup_kg_per_vehicle_max", "pickup_lots_per_vehicle_min", "pickup_lots_per_vehicle_max",
    "pickup_precool_hours_median", "pickup_precool_late_lots", "pickup_precool_late_kg",
    "pickup_precool_late_cost", "pickup_left_out_cost", "shelf_life_used_kg_days",
}


def kpi_cards(summary: Mapping[str, Any], lang: Lang, *, ref_temp_c: float | None = None) -> list[Card]:
    """Cards for the known KPIs in reading order (optional details where the
    summary has them), then a card for every other summary field.
    ``ref_temp_c``: the temperature shelf-life days are counted at."""
    s, _ = summary, lang._
    cur: Fmt = lambda v: money_short(v, lang)  # noqa: E731
    per_kg: Fmt = lang.money
    days: Fmt = lambda d: lang._("{days} d", days=lang.number(d, 1))  # noqa: E731
    count: Fmt = lang.number
    kg: Fmt = lang.kg
    pct: Fmt = lambda v: lang.pct(v)  # noqa: E731
    hours: Fmt = lambda h: f"{lang.number(h, 1)} h"  # noqa: E731
    none = _("none")
    fill = _value(s, "vehicle_fill", pct, none)
    units = _value(s, "unit_fill", pct, none)
    shelf = _("Shelf life left at delivery")
    if ref_temp_c is not None:
        shelf = _("Shelf life left at delivery (days at {t} °C)", t=lang.number(ref_temp_c, 0))
    cards = [
        Card("orders_served", _("Orders served"),
             _("{part} of {whole}", part=_show(s.get("orders_served"), count),
               whole=_show(s.get("orders_total"), count)),
             _lines(s, [("orders_unserved", _("unserved"), count)])),
        Card("orders_on_time_rate", _("On time (of all orders)"),
             _rate(s, "orders_on_time_rate", "orders_total", lang), []),
        Card("kg_served", _("Served"), _show(s.get("kg_served"), kg),
             _lines(s, [("kg_ordered", _("ordered"), kg), ("kg_supply", _("supply"), kg)])),
        Card("kg_unserved", _("Unserved"), _show(s.get("kg_unserved"), kg),
             _value(s, "kg_unserved_by_reason", kg, none, lang)[1]),
        Card("kg_at_risk", _("At risk"), *_value(s, "kg_at_risk", kg, none)),
        Card("shelf_life_left_days_by_market", shelf,
             *_value(s, "shelf_life_left_days_by_market", days, none, lang)),
        Card("cost_total", _("Cost"), _show(s.get("cost_total"), cur), _lines(s, [
            ("cost_per_kg", _("per kg served"), per_kg), ("pickup_cost", _("pickup"), cur),
            ("freight_cost", _("freight"), cur), ("treatment_cost", _("treatment"), cur),
            ("pickup_day_cost", _("pickup day in all"), cur),
            ("pickup_left_out_cost", _("lots left at the farms"), cur),
            ("consolidation_gap_pct", _("consolidation gap"),
             lambda g: f"{lang.number(g, 2)} %")])),
        Card("cost_per_kg_by_mode", _("Cost per kg by mode"),
             *_value(s, "cost_per_kg_by_mode", per_kg, none, lang)),
        Card("vehicle_fill", _("Vehicle fill"), fill[0],
             fill[1] + _lines(s, [("vehicles_used", _("vehicles"), count),
                                  ("trips", _("trips"), count)])),
        Card("unit_fill", _("Unit fill"), units[0],
             units[1] + _lines(s, [("shipments", _("shipments"), count),
                                   ("units_by_mode", _("units"), count)], lang)),
        Card("km", _("Distance"), _show(s.get("km"), lambda v: f"{lang.number(v)} km"),
             _lines(s, [("pickup_hours", _("pickup hours"), hours)])),
        Card("co2e_kg", "CO₂e", _show(s.get("co2e_kg"), kg), _value(s, "co2e_kg_by_mode", kg, none, lang)[1]),
        Card("lots_routed", _("Lots routed"),
             _("{part} of {whole}", part=_show(s.get("lots_routed"), count),
               whole=_show(s.get("lots_total"), count)), _lines(s, [
                 ("kg_picked", _("picked"), kg), ("kg_lots_unpicked", _("not picked"), kg),
                 ("kg_lots_unpicked_by_reason", _("not picked:"), kg)], lang)),
        *_field_cards(s, lang, cur, kg, count, hours),
    ]
    used = {c.key for c in cards} | KNOWN
    generic = _generic(lang)
    for key, value in s.items():
        if key not in used:
            details = [(label(k, lang), generic(v)) for k, v in value.items()] if isinstance(value, Mapping) else []
            cards.append(Card(key, key.replace("_", " ").capitalize(),
                              "" if details else generic(value), details))
    return cards


def _field_cards(s: Mapping[str, Any], lang: Lang, cur: Fmt, kg: Fmt, count: Fmt, hours: Fmt) -> list[Card]:
    """Cards of the pickup day as the packing houses and riders live it
    (harvest to pre-cooling, load per vehicle), the shelf life the plan uses,
    and its check: each where the summary has its figures."""
    _ = lang._
    cards = []

    def span(lo: str, hi: str, fmt: Fmt) -> str:
        return f"{_show(s.get(lo), fmt)} – {_show(s.get(hi), fmt)}"

    if "pickup_precool_hours_mean" in s:
        cards.append(Card("pickup_precool_hours_mean", _("Harvest to pre-cooling"),
                          _show(s.get("pickup_precool_hours_mean"), hours), _lines(s, [
                              ("pickup_precool_hours_median", _("median"), hours),
                              ("pickup_precool_late_lots", _("lots after the target"), count),
                              ("pickup_precool_late_kg", _("kg after the target"), kg),
                              ("pickup_precool_late_cost", _("their loss"), cur)])))
    if "pickup_kg_per_vehicle_max" in s:
        details = [(_("spread"), _show(s.get("pickup_kg_per_vehicle_spread"), kg))]
        if "pickup_lots_per_vehicle_max" in s:
            details.append((_("lots per vehicle"),
                            span("pickup_lots_per_vehicle_min", "pickup_lots_per_vehicle_max", count)))
        cards.append(Card("pickup_kg_per_vehicle_spread", _("Load per vehicle"),
                          span("pickup_kg_per_vehicle_min", "pickup_kg_per_vehicle_max", kg), details))
    if "shelf_life_used_value" in s:
        cards.append(Card("shelf_life_used_value", _("Shelf life used"), _show(s.get("shelf_life_used_value"), cur),
                          _lines(s, [("shelf_life_used_kg_days", _("by freight, kg-days"), count),
                                     ("pickup_shelf_life_cost", _("by the pickups"), cur)])))
    check = s.get("plan_check")
    if isinstance(check, Mapping):
        broken = int(check.get("violations", 0))
        cards.append(Card("plan_check", _("Plan check"),
                          _("passed") if broken == 0
                          else lang.n_("{n} rule broken", "{n} rules broken", broken),
                          [(_("rules broken"), count(broken)),
                           (_("lots taken out"), count(check.get("lots_taken_out", 0))),
                           (_("orders taken out"), count(check.get("orders_taken_out", 0)))]))
    notes = s.get("consolidation_outcome")
    if isinstance(notes, list):
        cards.append(Card("consolidation_outcome", _("Freight search"),
                          lang.n_("{n} note", "{n} notes", len(notes)) if notes else _("none"), []))
    return cards


def reason_table(items: Iterable[Mapping[str, Any]], weight: Callable[[int, Mapping[str, Any]], float],
                 lang: Lang) -> Table:
    """Count and kg (``weight(i, item)``) of unplanned items by reason code, most kg first."""
    count: dict[str, int] = defaultdict(int)
    total: dict[str, float] = defaultdict(float)
    for i, item in enumerate(items):
        count[item["reason"]] += 1
        total[item["reason"]] += weight(i, item)
    rows = [[label(r, lang), lang.number(count[r]), lang.kg(total[r])] for r in sorted(count, key=lambda r: -total[r])]
    return Table([lang._("reason"), lang._("count"), lang._("weight")], rows, numeric=frozenset({1, 2}))


def _capped(rows: list[list[str]], cap: int) -> tuple[list[list[str]], int]:
    return rows[:cap], max(len(rows) - cap, 0)


def unserved_orders_table(plan: Plan, index: PlanIndex, lang: Lang, *, cap: int) -> Table:
    rows = []
    for i, u in enumerate(plan["unserved_orders"]):
        o = index.order(u["order_id"], f"unserved_orders[{i}].order_id")
        rows.append([o.id, label(u["reason"], lang), u["detail"] or "", label(o.market, lang), o.destination.city,
                     lang.kg(o.kg), clock(index.iso(o.deadline), lang)])
    rows.sort(key=lambda r: (r[1], r[0]))
    shown, left = _capped(rows, cap)
    _ = lang._
    return Table([_("order"), _("reason"), _("detail"), _("market"), _("city"), _("weight"),
                  _("deadline")], shown, left, frozenset({5}))


def unassigned_lots_table(plan: Plan, index: PlanIndex, lang: Lang, *, cap: int) -> Table:
    rows = []
    for i, u in enumerate(plan["unassigned_lots"]):
        lot = index.lot(u["lot_id"], f"unassigned_lots[{i}].lot_id")
        farm = index.site(lot.farm, f"lot {lot.id} farm")
        rows.append([lot.id, label(u["reason"], lang), u["detail"] or "", farm.name, lang.kg(lot.kg),
                     clock(index.iso(lot.ready), lang), clock(index.iso(lot.latest_pickup), lang)])
    rows.sort(key=lambda r: (r[1], r[0]))
    shown, left = _capped(rows, cap)
    _ = lang._
    return Table([_("lot"), _("reason"), _("detail"), _("farm"), _("weight"), _("ready"),
                  _("latest pickup")], shown, left, frozenset({4}))


def served_orders_table(plan: Plan, index: PlanIndex, lang: Lang) -> Table:
    """Served orders by market and destination city."""
    groups: dict[tuple[str, str], list[tuple[float, bool, float]]] = defaultdict(list)
    for i, o in enumerate(plan["orders"]):
        order = index.order(o["order_id"], f"orders[{i}].order_id")
        key = (order.market, f"{order.destination.city}, {order.destination.country}")
        groups[key].append((order.kg, o["on_time"], o["shelf_life_left_days"]))
    rows = []
    for (market, city), items in sorted(groups.items(), key=lambda kv: -sum(x[0] for x in kv[1])):
        n = len(items)
        rows.append([label(market, lang), city, lang.number(n), lang.kg(sum(x[0] for x in items)),
                     lang.pct(sum(x[1] for x in items), n),
                     lang.number(sum(x[2] for x in items) / n, 1),
                     lang.number(min(x[2] for x in items), 1)])
    _ = lang._
    return Table([_("market"), _("destination"), _("orders"), _("weight"), _("on time"),
                  _("shelf life left (days, mean)"), _("min")], rows,
                 numeric=frozenset({2, 3, 4, 5, 6}))


def shipments_table(plan: Plan, index: PlanIndex, lang: Lang, *, cap: int) -> Table:
    ordered = sorted(enumerate(plan["shipments"]),
                     key=lambda js: (parse_time(js[1]["departure"], "departure"), js[1]["id"]))
    rows = []
    for i, s in ordered:
        origin = index.site(s["origin"], f"shipments[{i}].origin")
        dest = index.site(s["destination"], f"shipments[{i}].destination")
        treat = ", ".join(f"{lang._(t['treatment'])} {clock(t['start'], lang)[-5:]}"
                          for t in s["treatments"])
        rows.append([s["id"], s["lane_id"], label(s["mode"], lang), s["partner"] or "",
                     f"{origin.name.split(' (')[0]} → {dest.name.split(' (')[0]}",
                     clock(s["departure"], lang), clock(s["arrival"], lang),
                     lang.kg(shipment_kg(s)), lang.number(len(s["units"])),
                     lang.pct(shipment_fill(s)),
                     lang.number(len({m["order_id"] for m in s["manifest"]})),
                     lang.money(s["cost"]), treat])
    shown, left = _capped(rows, cap)
    _ = lang._
    return Table([_("shipment"), _("lane"), _("mode"), _("partner"), _("from → to"), _("departs"),
                  _("arrives"), _("weight"), _("units"), _("fill"), _("orders"), _("cost"),
                  _("treatment")], shown, left, frozenset({7, 8, 9, 10, 11}))


def fleet_table(plan: Plan, index: PlanIndex, lang: Lang) -> Table:
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
    rows = [[index.vehicle_type(t, "routes.vehicle_type").name, lang._(a["temp"]),
             lang.number(len(a["v"])), lang.number(trips[t]),
             f"{lang.number(a['m'] / 1000)} km", lang.kg(a["kg"]), lang.money(a["cost"])]
            for t, a in sorted(acc.items())]
    _ = lang._
    return Table([_("vehicle type"), _("temperature"), _("vehicles"), _("trips"), _("distance"),
                  _("picked up"), _("cost")], rows, numeric=frozenset({2, 3, 4, 5, 6}))


def packing_house_table(plan: Plan, index: PlanIndex, lang: Lang) -> Table:
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
        rows.append([index.sites[ph].name.split(" (")[0], lang.number(len(items)),
                     lang.kg(sum(x[0] for x in items)), clock(times[0][1], lang),
                     clock(times[-1][1], lang),
                     lang.number(sum(x[2] for x in items) / len(items), 1)])
    _ = lang._
    return Table([_("packing house"), _("lots"), _("weight"), _("first"), _("last"),
                  _("shelf life left (days, mean)")], rows, numeric=frozenset({1, 2, 5}))


TEMPERATURES = (N_("ambient"), N_("iced"), N_("reefer"))  # route temperatures, translated in rows
