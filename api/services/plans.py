"""Plan jobs: submitting (with a rate limit per key), reading, cancelling,
and building what a worker plans: the base case moved to the plan's day
plus the stored orders and lots of that day, read by the case readers."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain import Case
from planner.domain.units import DAY, to_seconds
from planner.exceptions import CaseError
from planner.io import csv_files
from planner.io.fields import RowReader

from ..auth import Principal, Role
from ..engine import PlanOptions
from ..errors import ApiError
from ..models import (
    CaseRecord,
    LotRecord,
    OrderRecord,
    PlanJob,
    PlanRoute,
    PlanShipment,
    PlanSnapshot,
    utcnow,
)
from ..schemas import JobOut, PlanIn
from ..settings import Settings
from . import cases as case_service


def _rate_limit(session: Session, who: Principal, settings: Settings) -> None:
    window = timedelta(seconds=settings.plan_job_window_s)
    since = utcnow() - window
    recent = select(PlanJob.created_at).where(PlanJob.key_id == who.key_id, PlanJob.created_at >= since)
    times = sorted(session.scalars(recent))
    if len(times) >= settings.plan_jobs_per_window:
        wait = math.ceil((times[0] + window - utcnow()).total_seconds())
        raise ApiError(
            429, "rate_limited",
            f"at most {settings.plan_jobs_per_window} plan jobs per {settings.plan_job_window_s} s per key; retry in {max(wait, 1)} s",
            headers={"Retry-After": str(max(wait, 1))})


def _in_season(store: case_service.CaseStore, record: CaseRecord, settings: Settings, body: PlanIn,
               now: datetime | None) -> None:
    """422 for a plan day (or re-plan time) outside the case's season."""
    epoch = store.base(record).settings.epoch
    first, last = (epoch + timedelta(days=d) for d in (-settings.season_days, settings.season_days))
    season = f"within {settings.season_days} days of the case's epoch {epoch.date()} ({first.date()} to {last.date()})"
    problems = []
    if body.date is not None and not first.date() <= body.date <= last.date():
        problems.append(f"date: must be {season}, got {body.date}")
    if now is not None and not first <= now <= last:
        problems.append(f"now: must be {season}, got {now.isoformat()}")
    if problems:
        raise ApiError(422, "invalid_request", "the request is not valid", problems=problems)


def _in_fleet(store: case_service.CaseStore, record: CaseRecord, given: dict[str, list[str]]) -> None:
    """422 naming every vehicle id the case's fleet does not have."""
    fleet = store.base(record).vehicle_types
    known = [f"{vt.id}#{k}" for vt in fleet for k in range(1, vt.count + 1)]
    problems = [f"{name}[{n}]: unknown vehicle {vid!r}; the fleet has {', '.join(known)}"
                for name, ids in given.items() for n, vid in enumerate(ids) if vid not in known]
    if problems:
        raise ApiError(422, "unknown_vehicle", "the request names vehicles the case's fleet does not have",
                       problems=problems)


def accepted_version(session: Session, job_id: str) -> int:
    """The number of the newest accepted version of a plan (0: the job's own document)."""
    from ..web.models import PlanVersion

    return int(session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.job_id == job_id)) or 0)


def dispatched_routes(session: Session, job_id: str, vehicles: list[str], version: int | None
                      ) -> tuple[dict[str, Any], ...]:
    """The routes of ``vehicles`` in version ``version`` of the plan (0 or None: as the job planned them)."""
    from ..web.models import PlanVersion

    if version:
        doc = session.scalar(select(PlanVersion.document).where(PlanVersion.job_id == job_id,
                                                                PlanVersion.number == version))
        if doc is None:
            raise ApiError(409, "version_missing", f"plan {job_id} has no accepted version {version}")
        return tuple(r for r in doc["routes"] if r["vehicle_id"] in vehicles)
    query = select(PlanRoute.doc).where(PlanRoute.job_id == job_id, PlanRoute.vehicle_id.in_(vehicles))
    return tuple(session.scalars(query.order_by(PlanRoute.id)))


def submit(
    session: Session, who: Principal, settings: Settings, body: PlanIn, *, store: case_service.CaseStore | None = None,
    replan_of: PlanJob | None = None, dispatched: list[str] | None = None, now: datetime | None = None,
    unavailable: list[str] | None = None,
) -> PlanJob:
    """Queue a plan job. A re-plan (``replan_of``) keeps the ``dispatched``
    vehicles' routes as the newest accepted version of that plan has them
    (the page's edits; the job's own routes if none) and plans without the
    ``unavailable`` vehicles (422 naming any the case's fleet has not)."""
    if who.role is Role.PARTNER:
        raise ApiError(403, "forbidden", "a partner key may not start plans")
    record = case_service.get(session, body.case or settings.default_case)
    if store is not None:
        _in_season(store, record, settings, body, now)
        _in_fleet(store, record, {"unavailable": unavailable or []})
    _rate_limit(session, who, settings)
    params: dict[str, Any] = {
        "date": body.date.isoformat() if body.date else None,
        "time_limit_s": body.time_limit_s or settings.plan_time_limit_s,
        "seed": body.seed, "replan_of": replan_of.id if replan_of else None,
        "dispatched": list(dispatched or []), "now": now.isoformat() if now else None,
        "unavailable": sorted(set(unavailable or [])),
        "from_version": accepted_version(session, replan_of.id) if replan_of else None,
    }
    job = PlanJob(id=uuid.uuid4().hex, case_id=record.id, key_id=who.key_id, org=who.org, role=who.role.value,
                  params=params, status="queued", message="queued", created_at=utcnow())
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: str, who: Principal | None = None) -> PlanJob:
    """The job; with ``who``, 404 unless ``who`` may see it (``visible``)."""
    job = session.get(PlanJob, job_id)
    if job is None or (who is not None and not visible(session, job, who)):
        raise ApiError(404, "plan_not_found", f"no plan job {job_id!r}")
    return job


def visible(session: Session, job: PlanJob, who: Principal) -> bool:
    """Planners see every job; a cooperative the jobs it started; a partner
    the finished plans that carry its shipments (to find its manifests)."""
    if who.is_planner:
        return True
    if who.role is Role.PARTNER:
        return session.scalar(select(PlanShipment.id).where(PlanShipment.job_id == job.id,
                                                            PlanShipment.partner == who.org).limit(1)) is not None
    return job.org == who.org


def _scope(query: Any, who: Principal) -> Any:
    if who.is_planner:
        return query
    if who.role is Role.PARTNER:
        carried = select(PlanShipment.job_id).where(PlanShipment.partner == who.org)
        return query.where(PlanJob.id.in_(carried))
    return query.where(PlanJob.org == who.org)


def listing(session: Session, who: Principal | None = None, *, status: str | None, limit: int,
            cursor: str | None) -> tuple[list[PlanJob], str | None]:
    """Jobs newest first; with ``who``, those it may see."""
    query: Any = select(PlanJob)
    if who is not None:
        query = _scope(query, who)
    query = query.order_by(PlanJob.created_at.desc(), PlanJob.id.desc())
    if status:
        query = query.where(PlanJob.status == status)
    if cursor:
        anchor = session.get(PlanJob, cursor)
        if anchor is None or (who is not None and not visible(session, anchor, who)):
            raise ApiError(400, "invalid_cursor", f"cursor must be one returned by a previous page, got {cursor!r}")
        query = query.where(
            (PlanJob.created_at < anchor.created_at)
            | ((PlanJob.created_at == anchor.created_at) & (PlanJob.id < anchor.id)))
    jobs = list(session.scalars(query.limit(limit + 1)))
    return jobs[:limit], (jobs[limit - 1].id if len(jobs) > limit else None)


def cancel(session: Session, who: Principal, job_id: str) -> PlanJob:
    job = get(session, job_id, who)
    if who.role is Role.PARTNER or (who.role is Role.DISPATCHER and job.org != who.org):
        raise ApiError(403, "forbidden", "only a planner or the organisation that started a plan may cancel it")
    if job.status in {"succeeded", "failed", "cancelled"}:
        raise ApiError(409, "plan_finished", f"plan job {job_id} is already {job.status}")
    job.cancel_requested = True
    if job.status == "queued":
        job.status, job.finished_at, job.message = "cancelled", utcnow(), "cancelled before it started"
    else:
        job.message = "cancel requested"
    return job


def out(job: PlanJob, case_name: str) -> JobOut:
    p = job.params
    return JobOut(
        id=job.id, case=case_name, date=date.fromisoformat(p["date"]) if p.get("date") else None,
        status=job.status, progress=job.progress, message=job.message, error=job.error,
        error_code=job.error_code or "", peak_memory_mb=job.peak_memory_mb, attempts=job.attempts,
        cancel_requested=job.cancel_requested, replan_of=p.get("replan_of"), created_at=job.created_at,
        started_at=job.started_at, finished_at=job.finished_at,
    )


def case_names(session: Session, jobs: list[PlanJob]) -> dict[int, str]:
    ids = {j.case_id for j in jobs}
    return {cid: name for cid, name in session.execute(select(CaseRecord.id, CaseRecord.name).where(CaseRecord.id.in_(ids)))}


# -- what a worker plans ------------------------------------------------------
Snapshot = dict[str, list[dict[str, Any]]]  # {"lots": [...], "orders": [...]}, each {"org", "id", "values"}


def _rows(kind_reader: Any, file: str, records: list[dict[str, Any]], case: Case, problems: list[str]) -> list[Any]:
    items = []
    for n, r in enumerate(records, start=1):
        values = {**r["values"], "id": f"{r['org']}:{r['id']}"}
        item = kind_reader(RowReader(f"{file} (stored, {r['org']})", n, values, problems), case.settings)
        if item is not None:
            items.append(item)
    return items


def snapshot_for_day(session: Session, record: CaseRecord, base: Case, day: date) -> Snapshot:
    """The stored lots ready on ``day`` and the orders open on it (ordered
    before its end, due after its start), as rows."""
    start = datetime.combine(day, time(0), ZoneInfo(base.settings.timezone))
    end = start + timedelta(seconds=DAY)
    lots = session.execute(select(LotRecord.org, LotRecord.external_id, LotRecord.values).where(
        LotRecord.case_id == record.id, LotRecord.ready_at >= start, LotRecord.ready_at < end).order_by(LotRecord.id))
    orders = session.execute(select(OrderRecord.org, OrderRecord.external_id, OrderRecord.values).where(
        OrderRecord.case_id == record.id, OrderRecord.ordered_at < end, OrderRecord.deadline_at > start)
        .order_by(OrderRecord.id))
    return {"lots": [{"org": o, "id": i, "values": v} for o, i, v in lots],
            "orders": [{"org": o, "id": i, "values": v} for o, i, v in orders]}


def case_of_snapshot(base: Case, snapshot: Snapshot) -> Case:
    """The base case with the snapshot's lots and orders, read by the case readers."""
    problems: list[str] = []
    lot_items = _rows(csv_files.read_lot, "lots", snapshot["lots"], base, problems)
    order_items = _rows(csv_files.read_order, "orders", snapshot["orders"], base, problems)
    if problems:
        raise CaseError(problems)
    return base.replace(lots=tuple(lot_items), orders=tuple(order_items))


def case_for_day(session: Session, store: case_service.CaseStore, record: CaseRecord, day: date | None) -> Case:
    """The base case on ``day`` with today's stored lots and orders of that day."""
    day = day or store.base(record).settings.epoch.date()
    base = store.base(record, day)
    return case_of_snapshot(base, snapshot_for_day(session, record, base, day))


def _day(store: case_service.CaseStore, record: CaseRecord, job: PlanJob) -> date:
    p = job.params
    return date.fromisoformat(p["date"]) if p.get("date") else store.base(record).settings.epoch.date()


def case_of_job(session: Session, store: case_service.CaseStore, job: PlanJob, *, today: bool = False) -> Case:
    """The case a finished job planned: its snapshot (or, with ``today``, the
    orders and lots stored now for its day)."""
    record = session.get(CaseRecord, job.case_id)
    assert record is not None
    day = _day(store, record, job)
    stored = None if today else session.get(PlanSnapshot, job.id)
    if stored is None:
        return case_for_day(session, store, record, day)
    return case_of_snapshot(store.base(record, day), {"lots": stored.lots, "orders": stored.orders})


def keep_snapshot(session: Session, job_id: str, snapshot: Snapshot) -> None:
    """Store the orders and lots a job plans with it (a re-run replaces them)."""
    session.merge(PlanSnapshot(job_id=job_id, lots=snapshot["lots"], orders=snapshot["orders"], created_at=utcnow()))


def prepare(session: Session, store: case_service.CaseStore, job_id: str, settings: Settings) -> tuple[Case, PlanOptions]:
    """What a worker plans for the job (today's orders and lots of its day)."""
    case, options, _ = prepare_with_snapshot(session, store, job_id, settings)
    return case, options


def prepare_with_snapshot(session: Session, store: case_service.CaseStore, job_id: str,
                          settings: Settings) -> tuple[Case, PlanOptions, Snapshot]:
    """What a worker plans for the job, and the orders and lots it read (to keep with the job)."""
    job = get(session, job_id)
    record = session.get(CaseRecord, job.case_id)
    assert record is not None
    p = job.params
    day = _day(store, record, job)
    fixed: tuple[dict[str, Any], ...] = ()
    if p.get("replan_of"):
        fixed = dispatched_routes(session, p["replan_of"], p["dispatched"], p.get("from_version"))
    base = store.base(record, day)
    snapshot = snapshot_for_day(session, record, base, day)
    case = case_of_snapshot(base, snapshot)
    now = to_seconds(datetime.fromisoformat(p["now"]), case.settings.epoch) if p.get("now") else None
    return case, PlanOptions(day=day, time_limit_s=float(p["time_limit_s"]), seed=int(p["seed"]), fixed_routes=fixed,
                             now=now, unavailable=tuple(p.get("unavailable") or ())), snapshot


def count_queued(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PlanJob).where(PlanJob.status == "queued")) or 0)
