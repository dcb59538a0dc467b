"""routes.geojson and shipments.geojson on the tiny plan (values hand-checked
against tests/data/plans/tiny-plan.json and tests/data/tiny)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from planner.exceptions import PlanCheckError
from planner.outputs.geojson import GEOD, great_circle_line, routes_geojson, shipments_geojson


def _by_id(collection):
    """Features by id, as they read back from the file (lists, not tuples)."""
    return {f["id"]: f for f in json.loads(json.dumps(collection))["features"]}


def test_routes_are_lines_through_their_stops(tiny_plan, tiny_case) -> None:
    fc = routes_geojson(tiny_plan, tiny_case)
    assert fc["type"] == "FeatureCollection"
    features = _by_id(fc)
    assert [f["properties"]["feature_type"] for f in fc["features"]] == ["route"] * 2 + ["stop"] * 8
    moto = features["route/moto-1/1"]
    assert moto["geometry"] == {
        "type": "LineString",
        "coordinates": [[106.572, 21.373], [106.6, 21.4], [106.572, 21.373], [106.572, 21.373]],
    }
    p = moto["properties"]
    assert (p["vehicle_id"], p["vehicle_type"], p["vehicle_name"], p["temperature"]) == (
        "moto-1", "moto", "Motorbike", "ambient")
    assert (p["distance_m"], p["duration_s"], p["cost"]) == (10852, 2451, 92129.0)
    assert (p["stops"], p["pickups"], p["lots"], p["kg"]) == (2, 1, 1, 150.0)
    assert p["fill"] == 0.75  # 150 kg on a 200 kg motorbike
    assert (p["start"], p["end"]) == ("2025-06-12T03:45:00+07:00", "2025-06-12T04:25:51+07:00")
    assert features["route/reefer-1/1"]["properties"]["fill"] == 0.16  # 400 kg of 2,500 kg


def test_stops_carry_times_and_lots(tiny_plan, tiny_case) -> None:
    features = _by_id(routes_geojson(tiny_plan, tiny_case))
    farm = features["stop/moto-1/1/1"]
    assert farm["geometry"] == {"type": "Point", "coordinates": [106.6, 21.4]}
    p = farm["properties"]
    assert (p["kind"], p["site"], p["site_name"]) == ("pickup", "farm-a", "Farm A")
    assert (p["arrival"], p["departure"], p["waiting_s"]) == (
        "2025-06-12T03:55:51+07:00", "2025-06-12T04:05:00+07:00", 249)
    assert (p["lot_ids"], p["lots"], p["kg"], p["load_kg"]) == ("L1", 1, 150.0, 150.0)
    assert features["stop/moto-1/1/0"]["properties"]["lot_ids"] == ""


def test_second_route_of_a_vehicle_is_its_second_trip(tiny_plan, tiny_case) -> None:
    second = json.loads(json.dumps(tiny_plan["routes"][0]))
    tiny_plan["routes"].append(second)
    ids = [f["id"] for f in routes_geojson(tiny_plan, tiny_case)["features"]]
    assert "route/moto-1/1" in ids and "route/moto-1/2" in ids and "stop/moto-1/2/3" in ids


def test_shipments_have_lane_partner_times_and_load(tiny_plan, tiny_case) -> None:
    features = _by_id(shipments_geojson(tiny_plan, tiny_case))
    assert list(features) == ["shipment/S1", "shipment/S2", "shipment/S3"]
    p = features["shipment/S1"]["properties"]
    assert (p["lane_id"], p["mode"], p["partner"]) == ("chu-irr-reefer", "reefer_truck", "viettel-post")
    assert (p["origin_name"], p["destination_name"]) == ("Chu packing house", "Hanoi Irradiation Centre")
    assert (p["departure"], p["arrival"]) == ("2025-06-12T06:00:00+07:00", "2025-06-12T08:30:00+07:00")
    assert (p["kg"], p["boxes"], p["units"], p["unit_name"], p["fill"], p["orders"]) == (
        100.0, 10, 1, "truck", 0.04, 1)
    assert (p["cost"], p["cost_per_kg"]) == (1_500_000.0, 15_000.0)
    assert p["treatments"] == "irradiation at irr-hn"
    assert features["shipment/S2"]["geometry"]["type"] == "LineString"


def test_pacific_flight_is_split_at_the_antimeridian(tiny_plan, tiny_case) -> None:
    flight = _by_id(shipments_geojson(tiny_plan, tiny_case))["shipment/S3"]["geometry"]
    assert flight["type"] == "MultiLineString"
    first, last = flight["coordinates"][0], flight["coordinates"][-1]
    assert first[0] == [105.8072, 21.2212] and last[-1] == [-118.41, 33.94]  # Noi Bai -> LAX
    assert abs(first[-1][0]) == 180 and abs(last[0][0]) == 180
    assert all(-180 <= x <= 180 for part in flight["coordinates"] for x, _ in part)
    # the densified line is the geodesic: its length matches the Noi Bai - LAX distance
    length = sum(GEOD.geometry_length(g) for g in shape(flight).geoms)
    _, _, direct = GEOD.inv(105.8072, 21.2212, -118.41, 33.94)
    assert length == pytest.approx(direct, rel=1e-3)


def test_files_read_back_in_geopandas(tiny_plan, tiny_case, tmp_path) -> None:
    path = tmp_path / "shipments.geojson"
    path.write_text(json.dumps(shipments_geojson(tiny_plan, tiny_case)))
    frame = gpd.read_file(path)
    assert len(frame) == 3 and frame.crs.to_epsg() == 4326
    assert list(frame["shipment_id"]) == ["S1", "S2", "S3"]
    routes = tmp_path / "routes.geojson"
    routes.write_text(json.dumps(routes_geojson(tiny_plan, tiny_case)))
    assert sorted(gpd.read_file(routes).geom_type.unique()) == ["LineString", "Point"]


def test_unknown_site_names_the_place_in_the_plan(tiny_plan, tiny_case) -> None:
    tiny_plan["shipments"][1]["destination"] = "nowhere"
    with pytest.raises(PlanCheckError, match=r"shipments\[1\]\.destination: the case has no site 'nowhere'"):
        shipments_geojson(tiny_plan, tiny_case)


lons = st.floats(-179.9, 179.9, allow_nan=False)  # no site sits on the antimeridian itself
lats = st.floats(-60, 60, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(a=st.tuples(lons, lats), b=st.tuples(lons, lats))
def test_great_circle_lines_keep_their_ends_and_never_jump(a, b) -> None:
    """Any lane short of the antipode (whose great circle is undefined)."""
    assume(GEOD.inv(a[0], a[1], b[0], b[1])[2] < 15_000_000)
    line = great_circle_line(a, b)
    parts = list(getattr(line, "geoms", [line]))
    assert len(parts) <= 2
    start, end = parts[0].coords[0], parts[-1].coords[-1]
    assert start == pytest.approx(a, abs=1e-6) and end == pytest.approx(b, abs=1e-6)
    for part in parts:
        xs = [x for x, _ in part.coords]
        assert all(-180 <= x <= 180 for x in xs)
        assert all(abs(x1 - x0) < 180 for x0, x1 in zip(xs, xs[1:], strict=False))


def test_a_route_with_two_trips_gives_two_lines(tiny_plan, tiny_case) -> None:
    """The reefer brings L1 to the packing house, then fetches L2: two trips.
    Truck legs (hand-checked, detour 1.3): Chu-farm A 5,426 m, Chu-farm B 4,453 m."""
    chu, farm_a = tiny_plan["routes"][1]["stops"][0], tiny_plan["routes"][0]["stops"][1]
    stop = lambda site, kind, arr, dep, load, lots: {  # noqa: E731
        "site": site["site"], "kind": kind, "lat": site["lat"], "lon": site["lon"],
        "arrival": f"2025-06-12T{arr}+07:00", "departure": f"2025-06-12T{dep}+07:00",
        "waiting_s": 0, "load_kg": load, "lot_ids": lots}
    reefer = tiny_plan["routes"][1]
    farm_b = reefer["stops"][1]
    reefer["stops"] = [
        stop(chu, "start", "03:51:52", "03:51:52", 0.0, []),
        stop(farm_a, "pickup", "04:00:00", "04:05:00", 150.0, ["L1"]),
        stop(chu, "delivery", "04:13:08", "04:23:08", 0.0, ["L1"]),
        farm_b,  # 05:00-05:10, 400 kg
        *reefer["stops"][2:],  # delivery 05:16:41-05:26:41, end
    ]
    reefer.update(distance_m=19_758, duration_s=5_689, cost=1_000_000.0)
    features = _by_id(routes_geojson(tiny_plan, tiny_case))
    one, two = features["route/reefer-1/1"]["properties"], features["route/reefer-1/2"]["properties"]
    assert (one["start"], one["end"], one["duration_s"]) == (
        "2025-06-12T03:51:52+07:00", "2025-06-12T04:13:08+07:00", 1276)
    assert (two["start"], two["end"], two["duration_s"]) == (
        "2025-06-12T04:23:08+07:00", "2025-06-12T05:26:41+07:00", 3813)
    assert (one["kg"], one["pickups"], one["stops"], two["kg"], two["stops"]) == (150.0, 1, 2, 400.0, 2)
    assert one["distance_m"] == pytest.approx(2 * 5426, abs=15)
    assert two["distance_m"] == pytest.approx(2 * 4453, abs=15)
    assert abs(one["distance_m"] + two["distance_m"] - 19_758) <= 1
    assert one["cost"] + two["cost"] == pytest.approx(1_000_000.0)  # split by time: 1276 : 3813
    assert one["cost"] == pytest.approx(1_000_000 * 1276 / 5089, abs=0.01)
    assert one["route_cost"] == two["route_cost"] == 1_000_000.0
    assert features["route/reefer-1/2"]["geometry"]["coordinates"][0] == [106.572, 21.373]
    trips = [features[f"stop/reefer-1/{t}/{i}"]["properties"]["kind"]
             for t, i in ((1, 0), (1, 1), (1, 2), (2, 3), (2, 4), (2, 5))]
    assert trips == ["start", "pickup", "delivery", "pickup", "delivery", "end"]
