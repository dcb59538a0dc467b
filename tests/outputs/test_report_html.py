"""report.html on the tiny plan: KPIs, maps, timeline and tables are in the
page, nothing is fetched from anywhere, text is escaped, long lists are capped."""

from __future__ import annotations

import dataclasses
import re

import pytest

from planner.outputs.report_html import render_report

REQUIRED_KPIS = ["orders_served", "orders_on_time_rate", "kg_served", "kg_unserved", "kg_at_risk",
                 "shelf_life_left_days_by_market", "cost_total", "cost_per_kg_by_mode",
                 "vehicle_fill", "unit_fill", "km", "co2e_kg", "lots_routed"]


@pytest.fixture
def page(tiny_plan, tiny_case, elements):
    return elements(render_report(tiny_plan, tiny_case))


def _cards(page) -> dict[str, str]:
    return {e.attrs["data-kpi"]: e.text for e in page if "data-kpi" in e.attrs}


def _table_after(page, heading: str):
    """Rows (lists of cell texts) of the first table after the heading ``heading``."""
    start = next(i for i, e in enumerate(page) if e.tag in ("h2", "h3") and e.text == heading)
    table = next(e for e in page[start:] if e.tag == "table")
    rows = [e for e in page if e.tag == "tr" and table in e.parents and "tbody" in {p.tag for p in e.parents}]
    return [[c.text for c in page if c.tag == "td" and r in c.parents] for r in rows]


def test_kpi_cards_show_the_summary(page) -> None:
    cards = _cards(page)
    assert list(cards)[: len(REQUIRED_KPIS)] == REQUIRED_KPIS
    assert cards["orders_served"] == "Orders served 1 of 2"
    assert cards["orders_on_time_rate"] == "On time (of all orders) 50.0 %"
    assert cards["kg_unserved"] == "Unserved 5 kg costs more than it brings 5 kg"
    assert cards["cost_total"] == "Cost 10.9 M ₫ per kg served ₫109,435"
    assert cards["cost_per_kg_by_mode"] == "Cost per kg by mode air ₫80,000 reefer truck ₫23,000"
    assert cards["vehicle_fill"] == "Vehicle fill 45.5 %"
    assert cards["lots_routed"] == "Lots routed 2 of 2"


def test_maps_draw_every_route_and_lane(page) -> None:
    routes = [e for e in page if e.tag == "path" and "route" in e.classes]
    assert len(routes) == 2 and all(e.within("map-pickup") for e in routes)
    assert sorted(e.attrs["data-vehicle"] for e in routes) == ["moto-1", "reefer-1"]
    assert all(re.fullmatch(r"M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){3}", e.attrs["d"]) for e in routes)
    lanes = [e for e in page if e.tag == "path" and "lane" in e.classes and e.within("map-lanes")]
    assert sorted(e.attrs["data-lane"] for e in lanes) == ["chu-irr-reefer", "irr-nib", "nib-lax-air"]
    # LAX is over 300 km away: a second lanes map frames the Hanoi area
    assert any(e.attrs.get("id") == "map-lanes-regional" for e in page)
    labels = {e.text for e in page if "site-label" in e.classes}
    assert {"Chu packing house", "Los Angeles"} <= labels


def test_timeline_has_a_bar_per_trip_and_service_per_stop(page) -> None:
    trips = [e for e in page if e.tag == "rect" and "trip" in e.classes]
    assert len(trips) == 2
    services = [e for e in page if e.tag == "rect" and "service" in e.classes]
    assert len(services) == 4  # a pickup and a delivery per trip
    waits = [e for e in page if e.tag == "rect" and "wait" in e.classes]
    assert [w.text for w in waits] == ["moto-1: wait 4 min at farm-a"]  # 249 s before L1 is ready
    assert {e.text for e in page if "row-label" in e.classes} == {"moto-1 (moto)", "reefer-1 (reefer)"}


def test_tables_list_shipments_and_unserved_orders(page) -> None:
    shipments = _table_after(page, "Shipments")
    assert [r[0] for r in shipments] == ["S1", "S2", "S3"]
    assert shipments[2][4] == "Noi Bai airport → Los Angeles"
    assert _table_after(page, "By reason")[0] == ["costs more than it brings", "1", "5 kg"]
    unserved = _table_after(page, "Orders")
    assert unserved[0][:2] == ["O1", "costs more than it brings"] and "minimum charge" in unserved[0][2]
    served = _table_after(page, "Orders served, by market and destination")
    assert served == [["US", "Los Angeles, US", "1", "100 kg", "100.0 %", "23.2", "23.2"]]


def test_page_fetches_nothing(tiny_plan, tiny_case, elements) -> None:
    html = render_report(tiny_plan, tiny_case)
    page = elements(html)
    assert not [e.tag for e in page if e.tag in {"script", "link", "img", "iframe", "object", "embed"}]
    linked = [(e.tag, k) for e in page for k in e.attrs if k in {"src", "href", "xlink:href", "srcset"}]
    assert linked == []
    styles = " ".join(e.text for e in page if e.tag == "style")
    assert "url(" not in styles and "@import" not in styles and "@font-face" not in styles
    assert not re.search(r"https?://", html)


def test_text_from_the_plan_is_escaped(tiny_plan, tiny_case, elements) -> None:
    tiny_plan["unserved_orders"][0]["detail"] = '<script>alert("x")</script> & more'
    html = render_report(tiny_plan, tiny_case)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert any(e.text == '<script>alert("x")</script> & more' for e in elements(html) if e.tag == "td")


def test_unassigned_lots_are_grouped_and_marked_on_the_map(tiny_plan, tiny_case, elements) -> None:
    del tiny_plan["routes"][1], tiny_plan["deliveries"][1]
    tiny_plan["unassigned_lots"] = [
        {"lot_id": "L2", "reason": "fleet_exhausted", "detail": "no vehicle free before 11:00"}]
    page = elements(render_report(tiny_plan, tiny_case))
    start = next(i for i, e in enumerate(page) if e.attrs.get("id") == "unassigned")
    tables = [e for e in page[start:] if e.tag == "table"]
    cells = [[c.text for c in page if c.tag == "td" and t in c.parents] for t in tables]
    assert cells[0] == ["no vehicle free", "1", "400 kg"]  # the code in words
    assert cells[1][:5] == ["L2", "no vehicle free", "no vehicle free before 11:00", "Farm B", "400 kg"]
    marked = [e for e in page if e.tag == "circle" and "unassigned" in e.classes]
    assert [e.text for e in marked] == ["Farm B: 1 lot, unassigned: L2"]


def test_long_lists_are_capped_with_a_count(tiny_plan, tiny_case, elements) -> None:
    extra = [dataclasses.replace(tiny_case.orders[0], id=f"X{i:03d}") for i in range(30)]
    case = tiny_case.replace(orders=tiny_case.orders + tuple(extra))
    tiny_plan["unserved_orders"] += [
        {"order_id": o.id, "reason": "capacity", "detail": ""} for o in extra]
    page = elements(render_report(tiny_plan, case, max_rows=10))
    start = next(i for i, e in enumerate(page) if e.attrs.get("id") == "unserved")
    table = [e for e in page[start:] if e.tag == "table"][1]
    rows = [e for e in page if e.tag == "tr" and table in e.parents and "tbody" in {p.tag for p in e.parents}]
    assert len(rows) == 10
    assert any(e.text == "… and 21 more (see plan.json)" for e in page if "left-out" in e.classes)
    assert _cards(page)  # still a full page


def test_empty_plan_renders(tiny_plan, tiny_case, elements) -> None:
    for key in ("routes", "deliveries", "shipments", "orders"):
        tiny_plan[key] = []
    tiny_plan["summary"]["vehicle_fill"] = {"moto": 0.0, "reefer": 0.0}
    tiny_plan["summary"]["solver_seconds"] = 1.25
    page = elements(render_report(tiny_plan, tiny_case))
    notes = {e.text for e in page if "note" in e.classes}
    assert "no shipments in this plan" in notes
    assert not [e for e in page if "route" in e.classes]
    cards = _cards(page)
    assert cards["vehicle_fill"] == "Vehicle fill moto 0.0 % reefer 0.0 %"
    assert cards["solver_seconds"] == "Solver seconds 1.25"


def test_null_and_optional_summary_fields(tiny_plan, tiny_case, elements) -> None:
    """A plan that served nothing has no cost per kg (null); optional fields
    go into their cards' details, unknown ones get a card of their own."""
    s = tiny_plan["summary"]
    s.update(cost_per_kg=None, cost_per_kg_by_mode={}, shelf_life_left_days_by_market={},
             freight_cost=10_300_000, vehicles_used=2, trips=2,
             kg_lots_unpicked_by_reason={"fleet_exhausted": 400.0}, weather="dry")
    cards = _cards(elements(render_report(tiny_plan, tiny_case)))
    assert cards["cost_total"] == (
        "Cost 10.9 M ₫ per kg served — freight 10.3 M ₫")
    assert cards["cost_per_kg_by_mode"] == "Cost per kg by mode none"
    assert cards["vehicle_fill"] == "Vehicle fill 45.5 % vehicles 2 trips 2"
    assert cards["lots_routed"] == "Lots routed 2 of 2 not picked: no vehicle free 400 kg"
    assert cards["weather"] == "Weather dry"


def test_timeline_over_midnight_labels_the_day(tiny_plan, tiny_case, elements) -> None:
    end = tiny_plan["routes"][1]["stops"][-1]
    end["arrival"] = end["departure"] = "2025-06-13T01:10:00+07:00"
    ticks = [e.text for e in elements(render_report(tiny_plan, tiny_case)) if "tick-label" in e.classes]
    assert ticks[0] == "12 Jun 03:00" and ticks[-1] == "13 Jun 01:00"  # every 2 h over 23 h


def test_packing_house_intake(page) -> None:
    assert _table_after(page, "Lots delivered to the packing houses") == [
        ["Chu packing house", "2", "550 kg", "12/06 04:15", "12/06 05:16", "24.8"]]


def test_header_names_the_day_the_lots_are_ready(tiny_plan, tiny_case, elements) -> None:
    later = tuple(dataclasses.replace(lot, ready=lot.ready + 86_400, latest_pickup=lot.latest_pickup + 86_400)
                  for lot in tiny_case.lots)
    page = elements(render_report(tiny_plan, tiny_case.replace(lots=later)))
    assert next(e.text for e in page if e.tag == "p" and e.parents[-1].tag == "header").startswith(
        "Plan for Friday, 13 June 2025")


def test_the_report_in_vietnamese(tiny_plan, tiny_case, elements) -> None:
    from planner.i18n import Lang

    page = elements(render_report(tiny_plan, tiny_case, Lang("vi")))
    cards = _cards(page)
    assert cards["orders_served"] == "Đơn được giao 1 / 2"
    assert cards["cost_total"].startswith("Chi phí 10,9 triệu ₫")
    assert cards["shelf_life_left_days_by_market"].startswith(
        "Hạn sử dụng còn lại khi giao (ngày ở 5 °C) 23,2 ngày")
    assert {e.text for e in page if e.tag == "h2"} >= {"Bản đồ", "Lịch trình xe", "Chuyến hàng",
                                                       "Bảng tiếp nhận"}
    assert page[0].attrs["lang"] == "vi"


def test_an_on_time_rate_short_of_all_is_never_shown_as_100(tiny_plan, tiny_case, elements) -> None:
    tiny_plan["summary"].update(orders_total=12_000, orders_on_time_rate=11_996 / 12_000)
    assert _cards(elements(render_report(tiny_plan, tiny_case)))["orders_on_time_rate"] == (
        "On time (of all orders) 99.9 %")


def test_the_legend_names_each_vehicle_colour(tiny_plan, tiny_case_with_people, elements) -> None:
    for route, driver in zip(tiny_plan["routes"], ("d1", "d3"), strict=True):
        route["driver_id"] = driver
    page = elements(render_report(tiny_plan, tiny_case_with_people))
    legend = [e for e in page if e.tag == "span" and e.within("map-pickup")
              and any(p.classes == {"legend"} for p in e.parents)]
    texts = [e.text for e in legend]
    assert "moto-1 · Lương Minh Quyết" in texts and "reefer-1 · Thân Đức Long" in texts
    labels = {e.text for e in page if "row-label" in e.classes}
    assert labels == {"moto-1 · Lương Minh Quyết", "reefer-1 · Thân Đức Long"}


def test_every_packing_house_is_named_on_the_pickup_map(tiny_plan, tiny_case, elements) -> None:
    page = elements(render_report(tiny_plan, tiny_case))
    names = {e.text for e in page if "house-label" in e.classes and e.within("map-pickup")}
    assert names == {"Chu packing house"}


def test_the_intake_board_is_in_the_report(page) -> None:
    start = next(i for i, e in enumerate(page) if e.attrs.get("id") == "intake-ph-chu")
    table = next(e for e in page[start:] if e.tag == "table")
    rows = [[c.text for c in page if c.tag == "td" and r in c.parents]
            for r in page if r.tag == "tr" and table in r.parents and r.parents[-1].tag != "thead"
            and any(c.tag == "td" and r in c.parents for c in page)]
    assert rows[0][:3] == ["04:00–05:00", "1", "150 kg"]  # moto-1 at 04:15
    assert rows[1][:3] == ["05:00–06:00", "1", "400 kg"]  # reefer-1 at 05:16


def test_the_vehicles_not_needed_are_listed(tiny_plan, tiny_case_with_people, elements) -> None:
    for route, driver in zip(tiny_plan["routes"], ("d1", "d3"), strict=True):
        route["driver_id"] = driver
    page = elements(render_report(tiny_plan, tiny_case_with_people))
    rows = _table_after(page, "Not needed today")
    assert rows == [["Motorbike (moto#2)", "Phạm Thị Phương", "0000 009 002", "98B1-000.02",
                     "Chu packing house"]]
