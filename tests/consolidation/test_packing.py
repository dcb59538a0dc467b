"""Units: balanced packing, splitting an order by whole boxes, unit limits."""

from __future__ import annotations

from planner.consolidation.packing import pack


def test_balanced_loads_over_the_fewest_units(kit):
    lane = kit.lane("a", "ph", "hub", unit_kg=100, units=3)
    items = [(kit.order(f"O{k}", kg=kg), kg, 1) for k, kg in enumerate([60, 50, 40, 30])]
    pieces = pack(lane, items)
    assert pieces is not None
    loads = {}
    for parts in pieces.values():
        for unit, kg, _ in parts:
            loads[unit] = loads.get(unit, 0) + kg
    assert sorted(loads.values()) == [90, 90]


def test_large_order_split_by_whole_boxes(kit):
    lane = kit.lane("a", "ph", "hub", unit_kg=100, unit_boxes=10, units=3)
    big = kit.order("big", kg=250, boxes=25)
    pieces = pack(lane, [(big, 250, 25)])
    assert pieces is not None
    parts = pieces["big"]
    assert sum(b for _, _, b in parts) == 25 and abs(sum(k for _, k, _ in parts) - 250) < 1e-6
    assert all(b <= 10 and k <= 100 + 1e-6 for _, k, b in parts)


def test_too_much_for_the_units_offered(kit):
    lane = kit.lane("a", "ph", "hub", unit_kg=100, units=1)
    assert pack(lane, [(kit.order("O1", kg=80), 80, 1), (kit.order("O2", kg=80), 80, 1)]) is None
