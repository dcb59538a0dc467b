"""Look-ups and trips: a route is cut into trips at the packing houses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.exceptions import PlanCheckError
from planner.outputs.index import PlanIndex, Trip, parse_time, trips_of

KINDS = {"s": "start", "p": "pickup", "d": "delivery", "e": "end"}


def _route(vehicle: str, pattern: str) -> dict:
    return {"vehicle_id": vehicle, "stops": [{"kind": KINDS[c]} for c in pattern]}


@pytest.mark.parametrize(
    ("pattern", "bounds"),
    [
        ("spde", [(0, 3)]),
        ("spdpde", [(0, 2), (2, 5)]),
        ("sppddpde", [(0, 4), (4, 7)]),  # two packing houses in a row end one trip
        ("spdpdppde", [(0, 2), (2, 4), (4, 8)]),
        ("se", [(0, 1)]),
    ],
)
def test_trips_end_at_the_last_delivery_before_a_pickup(pattern, bounds) -> None:
    trips = trips_of({"routes": [_route("v", pattern)]})
    assert [(t.first, t.last) for t in trips] == bounds
    assert [t.number for t in trips] == list(range(1, len(bounds) + 1))


def test_trip_numbers_run_over_all_routes_of_a_vehicle() -> None:
    plan = {"routes": [_route("a", "spdpde"), _route("b", "spde"), _route("a", "spde")]}
    assert trips_of(plan) == [Trip(0, "a", 1, 0, 2), Trip(0, "a", 2, 2, 5),
                              Trip(1, "b", 1, 0, 3), Trip(2, "a", 3, 0, 3)]


def test_lookups_name_the_place_in_the_plan(tiny_case) -> None:
    index = PlanIndex(tiny_case)
    assert index.lane("nib-lax-air", "x").partner == "vna-cargo"
    assert index.iso(158400) == "2025-06-13T20:00:00+07:00"  # RFC 3339: seconds always
    assert index.iso(61) == "2025-06-12T00:01:01+07:00"
    with pytest.raises(PlanCheckError, match=r"plan routes\[3\]\.vehicle_type: the case has no vehicle type 'bus'"):
        index.vehicle_type("bus", "routes[3].vehicle_type")


@pytest.mark.parametrize("text", ["tomorrow", "2025-06-12T06:00", None])
def test_times_need_an_offset(text) -> None:
    with pytest.raises(PlanCheckError, match=r"plan shipments\[0\]\.departure"):
        parse_time(text, "shipments[0].departure")


@settings(max_examples=200, deadline=None)
@given(middle=st.text(alphabet="pd", max_size=20))
def test_trips_partition_every_route(middle) -> None:
    """Trips cover the route in order, each sharing only its boundary stop with
    the next; every trip but the last ends at a delivery before a pickup."""
    pattern = "s" + middle + "e"
    trips = trips_of({"routes": [_route("v", pattern)]})
    assert trips[0].first == 0 and trips[-1].last == len(pattern) - 1
    for a, b in zip(trips, trips[1:], strict=False):
        assert a.last == b.first and a.first < a.last
        assert pattern[a.last] == "d" and pattern[a.last + 1] == "p"
    assert len(trips) == 1 + pattern.count("dp")
