"""A day's plan as the page works on it: the plan job's document, then each
accepted edit as a new version (who, when, what), the edit waiting to be
accepted or undone, and the stops reported done from the field. Access
follows the API's rules (``api.services.results``): planners, and the
cooperative that started the plan; a dispatcher sees only its own lots."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planner.domain import Case

from ..auth import Principal, Role
from ..deps import AppState
from ..errors import ApiError
from ..models import PlanResult, utcnow
from ..services import plans, results
from ..services.results import split_id
from . import editing, freight, recheck
from .models import PlanDraft, PlanVersion, StopDone

CASES_KEPT = 8


class CaseCache:
    """The case each plan was made for, read once per process (``plans.prepare``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cases: OrderedDict[str, Case] = OrderedDict()

    def get(self, state: AppState, job_id: str) -> Case:
        with self._lock:
            if job_id in self._cases:
                self._cases.move_to_end(job_id)
                return self._cases[job_id]
        with state.db.reader() as s:
            case, _ = plans.prepare(s, state.cases, job_id, state.settings)
        with self._lock:
            self._cases[job_id] = case
            while len(self._cases) > CASES_KEPT:
                self._cases.popitem(last=False)
        return case


CASES = CaseCache()
EDITABLE = ("routes", "deliveries", "unassigned_lots")  # the parts of plan.json an edit changes


class DocumentCache:
    """Each finished plan's document, read once per process (stored results never change)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._docs: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def get(self, session: Session, job_id: str) -> dict[str, Any]:
        with self._lock:
            if job_id in self._docs:
                self._docs.move_to_end(job_id)
                return self._docs[job_id]
        doc = session.scalar(select(PlanResult.document).where(PlanResult.job_id == job_id))
        if doc is None:
            raise ApiError(409, "plan_not_ready", f"plan job {job_id} has no result")
        with self._lock:
            self._docs[job_id] = doc
            while len(self._docs) > CASES_KEPT:
                self._docs.popitem(last=False)
        return doc


DOCUMENTS = DocumentCache()


def editable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: document[k] for k in EDITABLE if k in document}


def patch_of(document: dict[str, Any], changed: set[str]) -> dict[str, Any]:
    """What an edit changed in ``document``: the changed vehicles' routes (None: no route
    any more) and the delivery entries of their lots. A draft keeps only this."""
    routes = {r["vehicle_id"]: r for r in document["routes"] if r["vehicle_id"] in changed}
    lots = {lid for r in routes.values() for st in r["stops"] for lid in st["lot_ids"]}
    return {"routes": {v: routes.get(v) for v in sorted(changed)},
            "deliveries": [d for d in document["deliveries"] if d["lot_id"] in lots]}


def patched(document: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``document`` with ``patch`` (from :func:`patch_of`) applied."""
    routes = patch["routes"]
    kept = [routes.get(r["vehicle_id"], r) if r["vehicle_id"] in routes else r for r in document["routes"]]
    present = {r["vehicle_id"] for r in document["routes"]}
    new = [r for v, r in routes.items() if v not in present and r is not None]
    deliveries = {d["lot_id"]: d for d in patch["deliveries"]}
    return {**document, "routes": [r for r in kept if r is not None] + new,
            "deliveries": [deliveries.get(d["lot_id"], d) for d in document["deliveries"]]}


@dataclass
class Current:
    number: int
    document: dict[str, Any]
    draft: PlanDraft | None


def _latest(session: Session, job_id: str) -> PlanVersion | None:
    return session.scalar(select(PlanVersion).where(PlanVersion.job_id == job_id)
                          .order_by(PlanVersion.number.desc()).limit(1))


def current(state: AppState, who: Principal, job_id: str) -> Current:
    """The newest accepted version (403/404/409 as the API answers) and the pending edit."""
    with state.db.reader() as s:
        job = results.finished(s, job_id)
        results.require(who, Role.DISPATCHER, job=job)
        base = DOCUMENTS.get(s, job_id)
        latest = _latest(s, job_id)
        draft = s.get(PlanDraft, job_id)
    document = base if latest is None else {**base, **latest.document}
    if draft is not None:
        draft.document = patched(document, draft.document)
    return Current(0 if latest is None else latest.number, document, draft)


def versions(state: AppState, job_id: str) -> list[PlanVersion]:
    with state.db.reader() as s:
        return list(s.scalars(select(PlanVersion).where(PlanVersion.job_id == job_id)
                              .order_by(PlanVersion.number.desc())))


def own(who: Principal, engine_id: str) -> bool:
    org, _ = split_id(engine_id)
    return who.is_planner or org == who.org


def visible_vehicles(who: Principal, document: dict[str, Any]) -> set[str]:
    """Vehicles whose routes the caller may see (a dispatcher: those carrying its lots)."""
    return {r["vehicle_id"] for r in document["routes"]
            if who.is_planner or any(own(who, lot) for s in r["stops"] for lot in s["lot_ids"])}


def propose_move(state: AppState, who: Principal, job_id: str, move: editing.Move) -> PlanDraft:
    """Make ``move`` on the newest version, re-time and check what changed, keep it as the pending edit."""
    now = current(state, who, job_id)
    doc = now.document
    if not own(who, move.lot_id):
        raise ApiError(403, "forbidden", "you may only move your own cooperative's lots")
    used = {r["vehicle_id"] for r in doc["routes"]}
    if move.vehicle_id in used and move.vehicle_id not in visible_vehicles(who, doc):
        raise ApiError(403, "forbidden", f"{move.vehicle_id} carries another cooperative's lots")
    case = CASES.get(state, job_id)
    try:
        edited, changed = editing.move(case, doc, move)
    except editing.EditError as exc:
        raise ApiError(422, "invalid_edit", str(exc)) from None
    new_doc, checked = recheck.recheck(case, edited, changed)
    freight_part = freight.recheck_freight(case, doc, new_doc, retimed(doc, new_doc, set(checked.deliveries)))
    findings = [f.as_dict() for f in checked.findings + freight_part.findings] + [
        {"kind": "checker", "vehicle": "", "lot": "", "site": "", "values": {"text": line}}
        for line in checked.checker]
    change = {"action": "move", "lot_id": move.lot_id, "vehicle_id": move.vehicle_id,
              "position": move.position, "changed": sorted(changed), "freight": freight_part.shipments}
    with state.db.write() as s:
        s.execute(delete(PlanDraft).where(PlanDraft.job_id == job_id))
        draft = PlanDraft(job_id=job_id, base_number=now.number, document=patch_of(new_doc, changed), change=change,
                          findings=findings, author_key_id=who.key_id, created_at=utcnow())
        s.add(draft)
    return draft


def retimed(before: dict[str, Any], after: dict[str, Any], lots: set[str]) -> set[str]:
    """Those of ``lots`` that reach a packing house at another time or another house after an edit."""
    was = {d["lot_id"]: (d["packing_house"], d["delivered"]) for d in before["deliveries"] if d["lot_id"] in lots}
    now = {d["lot_id"]: (d["packing_house"], d["delivered"]) for d in after["deliveries"] if d["lot_id"] in lots}
    return {lot for lot in lots if was.get(lot) != now.get(lot)}


def accept(state: AppState, who: Principal, job_id: str) -> PlanVersion:
    """The pending edit becomes the newest version (409 if another was accepted meanwhile)."""
    now = current(state, who, job_id)
    with state.db.write() as s:
        draft = s.get(PlanDraft, job_id)
        if draft is None:
            raise ApiError(409, "no_edit", "there is no edit to accept")
        latest = _latest(s, job_id)
        number = latest.number if latest else 0
        if draft.base_number != number:
            s.delete(draft)
            raise ApiError(409, "stale_edit", "the plan changed since this edit was made; make it again")
        version = PlanVersion(job_id=job_id, number=number + 1,
                              document=editable(patched(now.document, draft.document)), change=draft.change,
                              author_org=who.org, author_role=who.role.value, author_key_id=who.key_id,
                              created_at=utcnow())
        s.add(version)
        s.delete(draft)
    return version


def undo(state: AppState, who: Principal, job_id: str) -> None:
    current(state, who, job_id)
    with state.db.write() as s:
        s.execute(delete(PlanDraft).where(PlanDraft.job_id == job_id))


def done_stops(state: AppState, job_id: str) -> list[StopDone]:
    with state.db.reader() as s:
        return list(s.scalars(select(StopDone).where(StopDone.job_id == job_id).order_by(StopDone.id)))


def mark_done(state: AppState, who: Principal, job_id: str, *, vehicle_id: str, stop: int, kg: float,
              at: datetime | None) -> StopDone:
    """Record stop ``stop`` (index in the route) of ``vehicle_id`` as done with ``kg`` weighed."""
    doc = current(state, who, job_id).document
    route = next((r for r in doc["routes"] if r["vehicle_id"] == vehicle_id), None)
    if route is None or vehicle_id not in visible_vehicles(who, doc):
        raise ApiError(404, "not_found", f"no route of {vehicle_id} in this plan")
    if not 0 < stop < len(route["stops"]) - 1 or route["stops"][stop]["kind"] not in ("pickup", "delivery"):
        raise ApiError(422, "invalid_stop", f"stop {stop} of {vehicle_id} is not a pickup or a delivery")
    if not any(own(who, lot) for lot in route["stops"][stop]["lot_ids"]):
        raise ApiError(403, "forbidden", "this stop carries only another cooperative's lots")
    if not 0 <= kg <= 100_000:
        raise ApiError(422, "invalid_kg", f"weighed kg must be between 0 and 100000, got {kg:g}")
    s_doc = route["stops"][stop]
    moment = at or datetime.fromisoformat(s_doc["departure"])
    with state.db.write() as s:
        key = lot_key(s_doc["lot_ids"])
        s.execute(delete(StopDone).where(StopDone.job_id == job_id, StopDone.kind == s_doc["kind"],
                                         StopDone.lot_key == key))
        record = StopDone(job_id=job_id, vehicle_id=vehicle_id, site=s_doc["site"], kind=s_doc["kind"],
                          lot_ids=list(s_doc["lot_ids"]), lot_key=key, weighed_kg=kg, done_at=moment,
                          author_org=who.org, author_key_id=who.key_id)
        s.add(record)
    return record


def lot_key(lot_ids: list[str]) -> str:
    return ";".join(sorted(lot_ids))


def version_count(state: AppState, job_id: str) -> int:
    with state.db.reader() as s:
        return int(s.scalar(select(func.count()).select_from(PlanVersion).where(PlanVersion.job_id == job_id)) or 0)
