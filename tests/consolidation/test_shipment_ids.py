"""Shipment ids name the lane and its departure as people read it (local
time and day), never engine seconds: partners see them in manifests, the API
and spreadsheet sheet names."""

from __future__ import annotations

import re

from planner.consolidation import check_result, consolidate
from planner.domain.clock import clock


def test_a_shipment_id_is_its_lane_and_local_departure(kit):
    lane = kit.lane("ph-hub", "ph", "hub", departures=((7, 6), (31, 30)), units=1, unit_kg=60)
    orders = [kit.order(f"o{i}", kg=50, deadline_h=60) for i in range(2)]
    case = kit.case([lane], orders)
    result = consolidate(case, [kit.supply("s1", kg=500)], params=kit.fast)
    assert check_result(case, [kit.supply("s1", kg=500)], result, params=kit.fast) == []
    assert len(result.shipments) == 2  # one unit of 60 kg a departure: both departures used
    stamps = []
    for s in result.shipments:
        lane_id, stamp = s.id.split("@")
        assert lane_id == s.lane_id and re.fullmatch(r"\d\dh\d\d-\d\d\.\d\d", stamp), s.id
        hh_mm, _ = clock(s.departure, case.settings.epoch, case.settings.timezone).split(" ", 1)
        assert stamp.startswith(hh_mm.replace(":", "h")), (s.id, hh_mm)
        stamps.append(stamp)
    assert sorted(stamps) == ["07h00-12.06", "07h00-13.06"]
    for it in result.itineraries.values():
        assert set(it.shipments) <= {s.id for s in result.shipments}
