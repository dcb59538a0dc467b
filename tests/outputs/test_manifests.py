"""manifests/PARTNER.csv on the tiny plan: one file per partner, one row per
order line of each shipment."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.exceptions import PlanCheckError
from planner.outputs.manifests import COLUMNS, partner_file_name, write_manifests


def test_one_file_per_partner_one_row_per_order_line(tiny_plan, tiny_case, tmp_path) -> None:
    paths = write_manifests(tiny_plan, tiny_case, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "manifests/viettel-post.csv", "manifests/vna-cargo.csv",
        "manifests/viettel-post.xlsx", "manifests/vna-cargo.xlsx"]
    road = pd.read_csv(paths[0], keep_default_na=False)
    assert list(road.columns) == COLUMNS
    assert list(road["shipment_id"]) == ["S1", "S2"]  # by departure 06:00, 10:30
    first = road.iloc[0]
    assert (first["lane_id"], first["mode"], first["unit"], first["unit_name"]) == (
        "chu-irr-reefer", "reefer_truck", 0, "truck")
    assert (first["order_id"], first["kg"], first["boxes"], first["supply_id"]) == ("O2", 100.0, 10, "L1")
    assert (first["consignee_city"], first["consignee_country"], first["hub"]) == (
        "Los Angeles", "US", "lax")
    assert (first["origin_name"], first["destination_name"]) == ("Chu packing house",
                                                                 "Hanoi Irradiation Centre")
    assert first["deadline"] == "2025-06-14T20:00:00+07:00"  # O2's deadline in the case
    assert first["shelf_life_left_days"] == 24.7
    assert first["treatments"] == "irradiation, Hanoi Irradiation Centre (irr-hn), 12/06 08:30–10:30"
    air = pd.read_csv(paths[1], keep_default_na=False)
    assert list(air["shipment_id"]) == ["S3"] and air.iloc[0]["departure"] == "2025-06-12T23:40:00+07:00"
    # the air leg carries fruit irradiated on the road leg before it: the treatment is on its rows
    assert air.iloc[0]["treatments"] == first["treatments"]


def test_lines_are_ordered_by_departure_time_not_text(tiny_plan, tiny_case, tmp_path) -> None:
    # the same instant written with another UTC offset sorts by time
    tiny_plan["shipments"][1]["departure"] = "2025-06-11T23:30:00+00:00"  # 06:30 at +07:00
    tiny_plan["shipments"][0]["departure"] = "2025-06-12T06:45:00+07:00"
    path = write_manifests(tiny_plan, tiny_case, tmp_path)[0]
    assert list(pd.read_csv(path)["shipment_id"]) == ["S2", "S1"]


def test_partner_without_lines_gets_a_header_and_stale_files_go(tiny_plan, tiny_case, tmp_path) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "old-partner.csv").write_text("stale\n")
    tiny_plan["shipments"][2]["manifest"] = []
    tiny_plan["orders"] = [o for o in tiny_plan["orders"] if "S3" not in o["shipments"]]
    paths = write_manifests(tiny_plan, tiny_case, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "viettel-post.csv", "viettel-post.xlsx", "vna-cargo.csv", "vna-cargo.xlsx"]
    air = pd.read_csv(paths[1])
    assert list(air.columns) == COLUMNS and air.empty


@pytest.mark.parametrize(
    ("partner", "name"),
    [("viettel-post", "viettel-post.csv"), ("VNA Cargo / HAN", "VNA-Cargo-HAN.csv"),
     ("../../etc/passwd", "etc-passwd.csv"), ("", "no-partner.csv"), ("Giao Hàng", "Giao-H-ng.csv")],
)
def test_partner_file_names_are_safe(partner, name) -> None:
    assert partner_file_name(partner) == name


def test_unknown_order_names_the_manifest_line(tiny_plan, tiny_case, tmp_path) -> None:
    tiny_plan["shipments"][2]["manifest"][0]["order_id"] = "O9"
    with pytest.raises(PlanCheckError, match=r"shipments\[2\]\.manifest\[0\]\.order_id: the case has no order 'O9'"):
        write_manifests(tiny_plan, tiny_case, tmp_path)


def test_csv_opens_in_excel_with_names_intact(tiny_plan, tiny_case_with_people, tmp_path) -> None:
    """Excel reads a CSV as UTF-8 only with a byte order mark."""
    import csv
    import dataclasses

    sites = tuple(dataclasses.replace(s, name="Trung tâm Chiếu xạ Hà Nội") if s.id == "irr-hn" else s
                  for s in tiny_case_with_people.sites)
    path = write_manifests(tiny_plan, tiny_case_with_people.replace(sites=sites), tmp_path)[0]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["destination_name"] == "Trung tâm Chiếu xạ Hà Nội"
    assert "Trung tâm Chiếu xạ Hà Nội (irr-hn)" in rows[0]["treatments"]


def test_xlsx_has_a_summary_and_a_sheet_per_shipment(tiny_plan, tiny_case, tmp_path) -> None:
    from datetime import datetime

    from openpyxl import load_workbook

    from planner.i18n import Lang

    paths = write_manifests(tiny_plan, tiny_case, tmp_path, lang=Lang("vi"))
    book = load_workbook(paths[2])
    assert book.sheetnames == ["Tổng hợp", "S1", "S2"]
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary[1][:3] == ("Chuyến hàng", "Tuyến", "Phương thức")
    assert summary[2][0] == "S1" and summary[2][5] == datetime(2025, 6, 12, 6, 0)
    assert isinstance(summary[2][7], int | float) and summary[2][7] == 100
    lines = list(book["S1"].iter_rows(values_only=True))
    facts = {r[0]: r[1] for r in lines[:12]}  # the shipment, said once above its lines
    assert facts["Chuyến hàng"] == "S1" and facts["Khởi hành"] == datetime(2025, 6, 12, 6, 0)
    assert facts["Nhiệt độ (°C)"] == 4
    top = next(i for i, r in enumerate(lines) if r[0] == "Đơn vị xếp")
    header = lines[top]
    row = dict(zip(header, lines[top + 1], strict=True))
    assert row["Đơn hàng"] == "O2" and row["kg"] == 100.0 and row["Số thùng"] == 10
    assert row["Hạn giao"] == datetime(2025, 6, 14, 20, 0)
    assert row["Đơn vị giao chặng cuối"] is None  # B2B order O2 has no courier
    assert book["S1"].cell(top + 2, header.index("Hạn giao") + 1).number_format == "dd/mm/yyyy hh:mm"


def test_formula_injection_is_neutralised(tiny_plan, tiny_case, tmp_path) -> None:
    """Order ids and places that a spreadsheet would run (OWASP CSV injection)."""
    import csv
    import dataclasses

    from openpyxl import load_workbook

    evil = {"O2": "=HYPERLINK(\"http://x\",\"y\")", "O1": "+1+2"}
    orders = tuple(dataclasses.replace(o, id=evil.get(o.id, o.id), partner="@sum(A1)")
                   for o in tiny_case.orders)
    sites = tuple(dataclasses.replace(s, name="-2+3 farm") if s.id == "ph-chu" else s
                  for s in tiny_case.sites)
    case = tiny_case.replace(orders=orders, sites=sites)
    for s in tiny_plan["shipments"]:
        for m in s["manifest"]:
            m["order_id"] = evil.get(m["order_id"], m["order_id"])
    for o in tiny_plan["orders"]:
        o["order_id"] = evil.get(o["order_id"], o["order_id"])
    for u in tiny_plan["unserved_orders"]:
        u["order_id"] = evil.get(u["order_id"], u["order_id"])
    paths = write_manifests(tiny_plan, case, tmp_path)
    rows = list(csv.DictReader(paths[0].read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["order_id"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows[0]["origin_name"] == "'-2+3 farm" and rows[0]["last_mile"] == "'@sum(A1)"
    assert rows[0]["kg"] == "100.0"  # numbers stay numbers
    for path in paths[2:]:
        book = load_workbook(path)
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
    sheet = list(load_workbook(paths[2])["S1"].iter_rows(values_only=True))
    assert ("=HYPERLINK(\"http://x\",\"y\")" in {v for r in sheet for v in r})  # kept as text


def test_an_order_lists_only_the_treatment_batch_that_treated_it(tiny_plan, tiny_case, tmp_path) -> None:
    # a second irradiation run on S1 for other orders: O2's rows name its own batch only;
    # a plan written before steps named their orders lists every step of the shipment
    (step,) = tiny_plan["shipments"][0]["treatments"]
    other = {**step, "start": "2025-06-12T10:30:00+07:00", "end": "2025-06-12T12:30:00+07:00"}
    tiny_plan["shipments"][0]["treatments"] = [{**step, "order_ids": ["O2"]}, {**other, "order_ids": ["O9"]}]
    road = pd.read_csv(write_manifests(tiny_plan, tiny_case, tmp_path)[0], keep_default_na=False)
    assert road.iloc[0]["treatments"] == "irradiation, Hanoi Irradiation Centre (irr-hn), 12/06 08:30–10:30"
    tiny_plan["shipments"][0]["treatments"] = [step, other]
    road = pd.read_csv(write_manifests(tiny_plan, tiny_case, tmp_path / "old")[0], keep_default_na=False)
    assert road.iloc[0]["treatments"].count("irradiation") == 2
