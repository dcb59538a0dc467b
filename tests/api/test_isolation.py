"""The isolation matrix: every role and organisation against every endpoint
and object. A caller gets exactly the status its role and organisation
allow, a 200 never carries another organisation's ids, and no caller can
change another organisation's orders or lots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from apitest import BOTH_BACKENDS, fill, lot, order, planned

pytestmark = BOTH_BACKENDS

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
CALLERS = {"province": "planner", "coop-a": "dispatcher", "coop-b": "dispatcher",
           "viettel-post": "partner", "vna-cargo": "partner"}
OWNED = {"viettel-post": {"VP-1", "VP-2"}, "vna-cargo": {"VNA-1"}, "coop-a": {"A-L1", "A-L2"}, "coop-b": {"B-L1"}}
PLAN_OWNER = "coop-a"


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: str
    body: object = None
    content_type: str = ""


def _expected(call: str, org: str) -> set[int]:
    """The statuses the policy allows ``org`` for ``call``."""
    role = CALLERS[org]
    planner = role == "planner"
    own_object = call.split(":")[-1] == org if ":" in call else None
    table: dict[str, set[int]] = {
        "list orders": {200} if role in {"planner", "partner"} else {403},
        "list lots": {200} if role in {"planner", "dispatcher"} else {403},
        "ingest orders": {200} if role in {"planner", "partner"} else {403},
        "ingest lots": {200} if role in {"planner", "dispatcher"} else {403},
        # a plan job is seen by planners, the cooperative that started it and the partners it carries
        "list plans": {200}, "get plan": {404} if role == "dispatcher" and org != PLAN_OWNER else {200},
        "list cases": {200},
        "routes": {200} if role in {"planner", "dispatcher"} else {403},
        "routes.geojson": {200} if role in {"planner", "dispatcher"} else {403},
        "shipments": {200} if role in {"planner", "partner"} else {403},
        "shipments.csv": {200} if role in {"planner", "partner"} else {403},
        "manifests": {200} if role in {"planner", "partner"} else {403},
        "manifests.csv": {200} if role in {"planner", "partner"} else {403},
        "kpis": {200} if planner or org == PLAN_OWNER else {403},
        "plan.json": {200} if planner else {403},
        "report": {200} if planner else {403},
        "check": {422} if planner else {403},
        "replan": {202} if planner or org == PLAN_OWNER else {403},
        "start plan": {403} if role == "partner" else {202},
        "cancel finished plan": {409} if planner or org == PLAN_OWNER else {403} if role == "partner" else {404},
        "list keys": {200} if planner else {403},
        "create key": {201} if planner else {403},
        "revoke key": {204} if planner else {403},
        "create case": {201} if planner else {403},
    }
    if call in table:
        return table[call]
    kind, _, rest = call.partition(" ")  # "order VP-1 plain:viettel-post" style, see _object_calls
    may = {"order": {"planner", "partner"}, "lot": {"planner", "dispatcher"}}[kind]
    if role not in may:
        return {403}
    if "with-org" in rest:
        return {200} if planner or own_object else {403}
    return {200} if own_object and not planner else {404}


def _object_calls(plan: str) -> list[Call]:
    calls = []
    for owner, ids in OWNED.items():
        kind = "order" if owner in {"viettel-post", "vna-cargo"} else "lot"
        for ident in sorted(ids):
            base = f"/v1/{kind}s/{ident}"
            calls.append(Call(f"{kind} {ident} plain:{owner}", "GET", base))
            calls.append(Call(f"{kind} {ident} with-org:{owner}", "GET", f"{base}?org={owner}"))
    return calls


def _calls(plan: str, key_id: int, org: str) -> list[Call]:
    p = f"/v1/plans/{plan}"
    tiny = {name: (TINY / name).read_text() for name in
            ("settings.toml", "products.toml", "markets.toml", "lanes.toml", "sites.csv", "fleet.csv")}
    return [
        Call("list orders", "GET", "/v1/orders"), Call("list lots", "GET", "/v1/lots"),
        Call("ingest orders", "POST", "/v1/orders", {"orders": [order(f"new-{org}")]}),
        Call("ingest lots", "POST", "/v1/lots", {"lots": [lot(f"new-{org}")]}),
        Call("list plans", "GET", "/v1/plans"), Call("get plan", "GET", p), Call("list cases", "GET", "/v1/cases"),
        Call("routes", "GET", f"{p}/routes"), Call("routes.geojson", "GET", f"{p}/routes.geojson"),
        Call("shipments", "GET", f"{p}/shipments"), Call("shipments.csv", "GET", f"{p}/shipments.csv"),
        Call("manifests", "GET", f"{p}/manifests"), Call("manifests.csv", "GET", f"{p}/manifests.csv"),
        Call("kpis", "GET", f"{p}/kpis"), Call("plan.json", "GET", f"{p}/plan.json"), Call("report", "GET", f"{p}/report"),
        Call("check", "POST", f"{p}/check", {"routes": []}), Call("replan", "POST", f"{p}/replan", {"dispatched": []}),
        Call("start plan", "POST", "/v1/plans", {}), Call("cancel finished plan", "DELETE", p),
        Call("list keys", "GET", "/v1/keys"),
        Call("create key", "POST", "/v1/keys", {"role": "partner", "org": "ghn"}),
        Call("revoke key", "DELETE", f"/v1/keys/{key_id}"),
        Call("create case", "POST", "/v1/cases", {"name": f"copy-{org}", "files": tiny}),
        *_object_calls(plan),
    ]


def _foreign(org: str) -> set[str]:
    if CALLERS[org] == "planner":
        return set()
    return set().union(*(ids for owner, ids in OWNED.items() if owner != org))


def test_every_role_and_organisation_against_every_endpoint(api):
    fill(api)
    plan = planned(api, PLAN_OWNER)
    wrong = []
    for org in CALLERS:
        spare = api.client.post("/v1/keys", json={"role": "partner", "org": "spare"}, headers=api.auth("province"))
        for call in _calls(plan, spare.json()["id"], org):
            r = api.client.request(call.method, call.path, json=call.body, headers=api.auth(org))
            allowed = _expected(call.name, org)
            if r.status_code not in allowed:
                wrong.append(f"{org} {call.name}: {r.status_code} not in {sorted(allowed)}: {r.text[:200]}")
            elif r.status_code == 200:
                leaked = sorted(i for i in _foreign(org) if i in r.text)
                if leaked:
                    wrong.append(f"{org} {call.name}: response carries {leaked}")
    assert wrong == []


@pytest.mark.parametrize(("intruder", "owner", "kind", "ident"), [
    ("vna-cargo", "viettel-post", "orders", "VP-1"),
    ("viettel-post", "vna-cargo", "orders", "VNA-1"),
    ("coop-b", "coop-a", "lots", "A-L1"),
    ("coop-a", "coop-b", "lots", "B-L1"),
])
def test_no_organisation_changes_another_ones_records(api, intruder, owner, kind, ident):
    fill(api)
    before = api.client.get(f"/v1/{kind}/{ident}", headers=api.auth(owner)).json()
    assert api.client.delete(f"/v1/{kind}/{ident}", headers=api.auth(intruder)).status_code == 404
    assert api.client.delete(f"/v1/{kind}/{ident}?org={owner}", headers=api.auth(intruder)).status_code == 403
    row = order(ident, kg=99) if kind == "orders" else lot(ident, kg=99)
    r = api.client.post(f"/v1/{kind}", json={kind: [row]}, headers=api.auth(intruder))
    assert r.json()["created"] == 1  # the intruder's own record with the same id
    after = api.client.get(f"/v1/{kind}/{ident}", headers=api.auth(owner)).json()
    assert after == before
    listed = api.client.get(f"/v1/{kind}", headers=api.auth(owner)).json()["items"]
    assert {x["org"] for x in listed} == {owner}


def test_missing_unknown_and_revoked_keys_are_unauthenticated(api):
    assert api.client.get("/v1/orders").status_code == 401
    assert api.client.get("/v1/orders", headers={"Authorization": "Bearer pk_nope"}).status_code == 401
    key_id = api.client.post("/v1/keys", json={"role": "partner", "org": "ghn"}, headers=api.auth("province")).json()
    assert api.client.get("/v1/orders", headers={"Authorization": f"Bearer {key_id['key']}"}).status_code == 200
    assert api.client.delete(f"/v1/keys/{key_id['id']}", headers=api.auth("province")).status_code == 204
    assert api.client.get("/v1/orders", headers={"Authorization": f"Bearer {key_id['key']}"}).status_code == 401
    keys = api.client.get("/v1/keys", headers=api.auth("province")).text
    assert key_id["key"] not in keys  # shown once, stored as a digest
