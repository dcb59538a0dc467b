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
        "manifests/viettel-post.csv", "manifests/vna-cargo.csv"]
    road = pd.read_csv(paths[0], keep_default_na=False)
    assert list(road.columns) == COLUMNS
    assert list(road["shipment_id"]) == ["S1", "S2"]  # by departure 06:00, 10:30
    first = road.iloc[0]
    assert (first["lane_id"], first["mode"], first["unit"], first["unit_name"]) == (
        "chu-irr-reefer", "reefer_truck", 0, "truck")
    assert (first["order_id"], first["kg"], first["boxes"], first["supply_id"]) == ("O2", 100.0, 10, "L1")
    assert (first["destination_city"], first["destination_country"], first["hub"]) == (
        "Los Angeles", "US", "lax")
    assert first["deadline"] == "2025-06-14T20:00+07:00"  # O2's deadline in the case
    assert first["shelf_life_left_days"] == 24.7
    assert first["treatments"] == "irradiation at irr-hn"
    air = pd.read_csv(paths[1], keep_default_na=False)
    assert list(air["shipment_id"]) == ["S3"] and air.iloc[0]["departure"] == "2025-06-12T23:40:00+07:00"


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
    paths = write_manifests(tiny_plan, tiny_case, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["viettel-post.csv", "vna-cargo.csv"]
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
