"""Re-plan from the page: it starts from the accepted version of the day's
plan (the dispatcher's edits, not the job's first routes), and vehicles
ticked broken take no trips in the new plan."""

from __future__ import annotations

import re

from sqlalchemy import select
from webtest import Server, fill, start_plan, wait_final

from api.models import PlanJob


def routes(server: Server, job: str) -> dict[str, list[tuple[str, list[str]]]]:
    got = server.client.get(f"/v1/plans/{job}/routes", headers=server.bearer("province")).json()
    return {r["vehicle_id"]: [(s["kind"], s["lot_ids"]) for s in r["stops"] if s["lot_ids"]] for r in got}


def carrier(plan: dict[str, list[tuple[str, list[str]]]], lot: str) -> str:
    return next(v for v, stops in plan.items() if any(lot in lots for _, lots in stops))


def replan(b, job: str, **form: object) -> str:  # type: ignore[no-untyped-def]
    r = b.post(f"/dispatch/plans/{job}/replan", {"now": "03:30", "time_limit_s": "1", **form})
    assert r.status_code == 303, r.text
    new = str(r.headers["location"]).rsplit("/", 1)[-1]
    assert wait_final(b, new)["status"] == "succeeded"
    return new


def test_replan_keeps_the_dispatched_route_as_accepted_not_as_first_planned(server: Server) -> None:
    fill(server)
    b = server.browser("coop-a")
    job = start_plan(b)
    first = routes(server, job)
    a1, a2 = carrier(first, "coop-a:A-L1"), carrier(first, "coop-a:A-L2")
    target = a2 if a2 != a1 else next(v for v in ("reefer#1", "moto#1", "moto#2") if v != a1 and v not in {
        carrier(first, "coop-b:B-L1")})
    r = b.client.post(f"/dispatch/plans/{job}/move", data={"csrf_token": b.csrf, "lot": "A-L1", "vehicle": target},
                      headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["valid"], r.json()
    assert b.post(f"/dispatch/plans/{job}/accept").status_code == 303
    accepted = b.get(f"/dispatch/plans/{job}").text
    assert "Phiên bản 1" in accepted
    page_lots = re.findall(rf'data-vehicle="{re.escape(target)}" data-position="\d+">.*?data-lot="([\w-]+)"',
                           accepted, flags=re.S)
    assert "A-L1" in page_lots

    new = replan(b, job, dispatched=target)
    again = routes(server, new)
    assert carrier(again, "coop-a:A-L1") == target  # the accepted move stayed
    if target == a2:  # the vehicle carries both of coop-a's lots, as accepted
        assert {lot for _, lots in again[target] for lot in lots} >= {"coop-a:A-L1", "coop-a:A-L2"}
    with server.state.db.reader() as s:
        params = s.scalar(select(PlanJob.params).where(PlanJob.id == new))
    assert params["from_version"] == 1 and params["dispatched"] == [target]


def test_a_vehicle_ticked_broken_gets_no_trip(server: Server) -> None:
    fill(server)
    b = server.browser("coop-a")
    job = start_plan(b)
    page = b.get(f"/dispatch/plans/{job}").text
    assert 'name="unavailable"' in page and "Hỏng / không dùng được" in page
    first = routes(server, job)
    broken = carrier(first, "coop-a:A-L1")
    assert f'id="broken-{broken.replace("#", "-")}"' in page
    new = replan(b, job, unavailable=broken)
    again = routes(server, new)
    assert broken not in again
    assert carrier(again, "coop-a:A-L1") != broken


def test_an_unknown_broken_vehicle_is_named(server: Server) -> None:
    fill(server)
    b = server.browser("coop-a")
    job = start_plan(b)
    r = b.post(f"/dispatch/plans/{job}/replan", {"now": "03:30", "time_limit_s": "1", "unavailable": "moto#9"})
    assert r.status_code == 422 and "moto#9" in r.text
