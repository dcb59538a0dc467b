"""The isolation matrix of the page, as tests/api/test_isolation.py is for
the API: every role and organisation (and nobody) against every page and
fragment. Each gets exactly the status its role and organisation allow, and
a 200 never carries another organisation's lot, order or shipment ids."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from webtest import Browser, Server, fill, make_server, start_plan

CALLERS = ("nobody", "province", "coop-a", "coop-b", "viettel-post", "vna-cargo")
ROLE = {"nobody": "", "province": "planner", "coop-a": "dispatcher", "coop-b": "dispatcher",
        "viettel-post": "partner", "vna-cargo": "partner"}
LOTS_OF = {"coop-a": {"A-L1", "A-L2"}, "coop-b": {"B-L1"}}
PLAN_OWNER = "coop-a"
LOTS = b"id,farm,product,kg,ready,latest_pickup\nZ1,farm-a,lychee,10,2025-06-12T04:00,2025-06-12T10:00\n"
ORDERS = (b"id,channel,market,product,kg,ordered,deadline,city,country,lat,lon,hub,partner\n"
          b"Z1,livestream,domestic,lychee,5,2025-06-12T09:00,2025-06-13T20:00,Hanoi,VN,21.03,105.85,hub-hn,viettel-post\n")


@dataclass
class World:
    server: Server
    job: str
    vehicle: str
    stop: int
    browsers: dict[str, Browser]
    shipments: dict[str, set[str]]  # partner -> its shipment ids

    def foreign(self, org: str) -> set[str]:
        """Ids ``org`` must never see: other cooperatives' lots; other partners' shipments
        (a partner carrying another's order sees that order's line on its own manifest)."""
        if ROLE[org] in ("", "planner"):
            return set()
        lots = set().union(*(ids for other, ids in LOTS_OF.items() if other != org))
        if ROLE[org] == "dispatcher":
            return lots | set().union(*self.shipments.values())
        return lots | set().union(*(ids for other, ids in self.shipments.items() if other != org))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = make_server(Path(tmp_path_factory.mktemp("web-isolation")))
    fill(server)
    browsers = {org: server.browser(None if org == "nobody" else org) for org in CALLERS}
    job = start_plan(browsers[PLAN_OWNER])
    routes = server.client.get(f"/v1/plans/{job}/routes", headers=server.bearer("province")).json()
    vehicle, stop = next((r["vehicle_id"], k) for r in routes for k, s in enumerate(r["stops"])
                         if s["kind"] == "pickup" and "coop-a:A-L1" in s["lot_ids"])
    doc = server.client.get(f"/v1/plans/{job}/plan.json", headers=server.bearer("province")).json()
    shipments: dict[str, set[str]] = {"viettel-post": set(), "vna-cargo": set()}
    for sh in doc["shipments"]:
        shipments[sh["partner"]].add(sh["id"])
    assert all(shipments.values()), shipments
    yield World(server, job, vehicle, stop, browsers, shipments)
    server.client.__exit__(None, None, None)


def _dispatch(org: str, *, own_plan: bool = False) -> set[int]:
    role = ROLE[org]
    if not role:
        return {303}
    if role == "partner":
        return {403}
    if own_plan and role == "dispatcher" and org != PLAN_OWNER:
        return {403, 404}  # another cooperative's plan: forbidden, or not even visible (the API's 404)
    return {200}


def _partner(org: str) -> set[int]:
    return {303} if not ROLE[org] else {403} if ROLE[org] == "dispatcher" else {200}


def _post(org: str, allowed: set[str], ok: int, *, own_plan: bool = False) -> set[int]:
    role = ROLE[org]
    if not role:
        return {401}
    if role not in allowed and role != "planner":
        return {403}
    if own_plan and role == "dispatcher" and org != PLAN_OWNER:
        return {403, 404}
    return {ok}


GETS = {
    "home": ("/", lambda org: {303}),
    "dispatch": ("/dispatch", _dispatch),
    "plan page": ("/dispatch/plans/{job}", lambda org: _dispatch(org, own_plan=True)),
    "plan status": ("/dispatch/plans/{job}/status", lambda org: _dispatch(org, own_plan=True)),
    "driver page": ("/dispatch/plans/{job}/vehicles/{vehicle}", lambda org: _dispatch(org, own_plan=True)),
    "print view": ("/dispatch/plans/{job}/print", lambda org: _dispatch(org, own_plan=True)),
    "route sheets": ("/dispatch/plans/{job}/sheets", lambda org: _dispatch(org, own_plan=True)),
    "route sheet": ("/dispatch/plans/{job}/sheets/{vehicle}", lambda org: _dispatch(org, own_plan=True)),
    "partner": ("/partner", _partner),
    "shipments": ("/partner/plans/{job}", _partner),
    "manifest.csv": ("/partner/plans/{job}/manifest.csv", _partner),
    "manifest.xlsx": ("/partner/plans/{job}/manifest.xlsx", _partner),
    "planner": ("/planner", lambda org: {200} if ROLE[org] == "planner" else {303} if not ROLE[org] else {403}),
}


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))


def _path(template: str, w: World) -> str:
    return template.format(job=w.job, vehicle=quote(w.vehicle, safe=""))


@pytest.mark.parametrize("org", CALLERS)
@pytest.mark.parametrize("name", list(GETS))
def test_every_page_answers_each_caller_as_its_role_allows(world: World, name: str, org: str) -> None:
    template, expected = GETS[name]
    r = world.browsers[org].get(_path(template, world))
    assert r.status_code in expected(org), (name, org, r.status_code, r.text[:300])
    if r.status_code == 200:
        body = r.text if "xlsx" not in name else _xlsx_text(r.content)
        leaked = {i for i in world.foreign(org) if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", body)}
        assert not leaked, (name, org, leaked)


def _calls(w: World) -> dict[str, tuple[str, dict[str, object], dict[str, object], set[str], int, bool]]:
    """name -> (path, form, files, roles allowed, status when allowed, plan owner only)."""
    lot = "A-L1"
    return {
        "upload lots": ("/dispatch/lots/upload", {}, {"file": ("lots.csv", LOTS, "text/csv")}, {"dispatcher"}, 200, False),
        "lot form": ("/dispatch/lots/form", {"id": "Z2", "farm": "farm-a", "product": "lychee", "kg": "10",
                                             "ready": "2025-06-12T04:00", "latest_pickup": "2025-06-12T10:00"},
                     {}, {"dispatcher"}, 200, False),
        "move": (f"/dispatch/plans/{w.job}/move", {"lot": lot, "vehicle": w.vehicle}, {}, {"dispatcher"}, 303, True),
        "undo": (f"/dispatch/plans/{w.job}/undo", {}, {}, {"dispatcher"}, 303, True),
        "accept nothing": (f"/dispatch/plans/{w.job}/accept", {}, {}, {"dispatcher"}, 409, True),
        "stop done": (f"/dispatch/plans/{w.job}/done", {"vehicle": w.vehicle, "stop": str(w.stop), "kg": "149"}, {},
                      {"dispatcher"}, 303, True),
        "cancel finished": (f"/dispatch/plans/{w.job}/cancel", {}, {}, {"dispatcher"}, 409, True),
        "upload orders": ("/partner/orders/upload", {}, {"file": ("orders.csv", ORDERS, "text/csv")}, {"partner"}, 200,
                          False),
        "language": ("/lang", {"lang": "vi"}, {}, {"dispatcher", "partner"}, 303, False),
    }


CALL_NAMES = ["upload lots", "lot form", "move", "undo", "accept nothing", "stop done", "cancel finished",
              "upload orders", "language"]


@pytest.mark.parametrize("org", CALLERS)
@pytest.mark.parametrize("name", CALL_NAMES)
def test_every_state_changing_call_answers_each_caller_as_its_role_allows(world: World, name: str, org: str) -> None:
    path, form, files, roles, ok, owner_only = _calls(world)[name]
    b = world.browsers[org]
    if ROLE[org] == "planner" and name == "move":
        form = {**form, "lot": f"{PLAN_OWNER}:{form['lot']}"}
    r = b.client.post(path, data={"csrf_token": b.csrf, **form}, files=files or None, follow_redirects=False,
                      headers={"Accept": "application/json"} if not ROLE[org] else {})
    assert r.status_code in _post(org, roles, ok, own_plan=owner_only), (name, org, r.status_code, r.text[:300])
    if r.status_code == 200:
        leaked = {i for i in world.foreign(org) if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", r.text)}
        assert not leaked, (name, org, leaked)


@pytest.mark.parametrize("org", [o for o in CALLERS if o != "nobody"])
@pytest.mark.parametrize("name", CALL_NAMES)
def test_no_state_changing_call_works_without_the_csrf_token(world: World, name: str, org: str) -> None:
    path, form, files, *_ = _calls(world)[name]
    r = world.browsers[org].client.post(path, data=form, files=files or None, follow_redirects=False)
    assert r.status_code == 403


def test_start_and_replan_follow_the_plan_rules(world: World) -> None:
    for org in CALLERS:
        b = world.browsers[org]
        r = b.client.post("/dispatch/plans", data={"csrf_token": b.csrf, "date": "2025-06-12", "time_limit_s": "1"},
                          headers={"Accept": "application/json"} if not ROLE[org] else {}, follow_redirects=False)
        assert r.status_code in _post(org, {"dispatcher"}, 303), (org, r.status_code)
        r = b.client.post(f"/dispatch/plans/{world.job}/replan",
                          data={"csrf_token": b.csrf, "time_limit_s": "1", "dispatched": world.vehicle},
                          headers={"Accept": "application/json"} if not ROLE[org] else {}, follow_redirects=False)
        assert r.status_code in _post(org, {"dispatcher"}, 303, own_plan=True), (org, r.status_code)
