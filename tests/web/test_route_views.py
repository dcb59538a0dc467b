"""The plan page builds each route's view once and keeps it by what it is
made of: a move re-builds the changed routes only, a stop done the route it
is on, and another language or reader gets its own."""

from __future__ import annotations

from webtest import Server, fill, start_plan

from api.auth import Principal, Role
from api.web import dayplan, editing, views
from api.web.i18n import Words


def _view(server: Server, job: str, who: Principal, lang: str = "vi") -> dict:  # type: ignore[type-arg]
    case = dayplan.CASES.get(server.state, job)
    now = dayplan.current(server.state, who, job)
    done = dayplan.done_stops(server.state, job)
    return views.plan_view(case, who, now, done, Words(lang), draft=now.draft is not None)


def test_route_views_are_rebuilt_only_for_what_changed(server: Server) -> None:
    fill(server)
    job = start_plan(server.browser("coop-a"))
    planner = Principal(1, Role.PLANNER, "province")
    first = {r["vehicle_id"]: r for r in _view(server, job, planner)["routes"]}
    again = {r["vehicle_id"]: r for r in _view(server, job, planner)["routes"]}
    assert all(again[v]["stops"] is first[v]["stops"] for v in first)  # kept
    english = {r["vehicle_id"]: r for r in _view(server, job, planner, "en")["routes"]}
    assert all(english[v]["stops"] is not first[v]["stops"] for v in first)

    carrier = next(v for v, r in first.items() if any("coop-a:A-L1" in [x["id"] for x in s["lots"]] for s in r["stops"]))
    target = next(v for v in editing.vehicle_ids(dayplan.CASES.get(server.state, job)) if v != carrier)
    draft = dayplan.propose_move(server.state, planner, job, editing.Move("coop-a:A-L1", target, None))
    moved = {r["vehicle_id"]: r for r in _view(server, job, planner)["routes"]}
    changed = set(draft.change["changed"])
    assert changed == {carrier, target}
    for v in moved:
        assert (moved[v]["stops"] is first.get(v, {}).get("stops")) == (v not in changed), v
    assert any(x["id"] == "coop-a:A-L1" for s in moved[target]["stops"] for x in s["lots"])


def test_the_replan_fleet_names_each_vehicle_s_driver() -> None:
    from pathlib import Path

    from planner.domain.people import Driver
    from planner.io import read_case

    case = read_case(Path(__file__).resolve().parents[1] / "data" / "tiny")
    case = case.replace(drivers=(Driver("d1", "Lương Minh Quyết", "moto"), Driver("d2", "Phạm Thị Phương", "moto")))
    fleet = views.fleet_view(case, [{"vehicle_id": "moto#2", "color": "#E69F00"}], {"moto#2"})
    assert [(v["id"], v["driver"], v["used"]) for v in fleet] == [
        ("moto#1", "Lương Minh Quyết", False), ("moto#2", "Phạm Thị Phương", True), ("reefer#1", "", False)]
