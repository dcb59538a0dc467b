"""Any hand edit of a plan's routes gives a report, never a crash: the
checker is what an editor calls on every change (property test)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.assembly import DailyPlan
from planner.assembly.check import check_plan, check_routes
from planner.domain import Case

EDITS = ("move", "drop", "swap_lots", "shift_start", "hold", "retarget")


def _edit(doc: dict, kind: str, r: int, a: int, b: int, minutes: int) -> None:
    routes = doc["routes"]
    stops = routes[r % len(routes)]["stops"]
    inner = list(range(1, len(stops) - 1))
    if not inner:
        return
    i, j = inner[a % len(inner)], inner[b % len(inner)]
    if kind == "move":
        stops.insert(j, stops.pop(i))
    elif kind == "drop":
        stops.pop(i)
    elif kind == "swap_lots":
        stops[i]["lot_ids"], stops[j]["lot_ids"] = stops[j]["lot_ids"], stops[i]["lot_ids"]
    elif kind == "shift_start":
        t = datetime.fromisoformat(stops[0]["departure"]) + timedelta(minutes=minutes)
        stops[0]["departure"] = t.isoformat(timespec="seconds")
    elif kind == "hold":
        t = datetime.fromisoformat(stops[i]["arrival"]) + timedelta(minutes=abs(minutes))
        stops[i]["service_after"] = t.isoformat(timespec="seconds")
    else:  # the other route's vehicle: one vehicle driving two routes
        routes[r % len(routes)]["vehicle_id"] = routes[(r + 1) % len(routes)]["vehicle_id"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 9), st.integers(0, 9), st.integers(0, 9),
                                st.integers(-600, 600)), min_size=1, max_size=4))
def test_any_edit_gives_a_report(tiny_plan: DailyPlan, tiny_case: Case, edits) -> None:
    doc = copy.deepcopy(tiny_plan.to_json())
    for kind, r, a, b, minutes in edits:
        _edit(doc, kind, r, a, b, minutes)
    report = check_plan(tiny_case, doc)
    assert all(isinstance(v, str) and v for v in report.violations)
    few = check_routes(tiny_case, doc, [doc["routes"][0]["vehicle_id"]])
    assert all(isinstance(v, str) and v for v in few.violations)
    if any(kind == "drop" for kind, *_ in edits):  # a lot picked and not delivered, or the reverse
        assert not report.ok
