"""Finished plans: stored once by the worker, read back per caller. Engine
ids of orders and lots are ``org:id`` (each organisation names its own), so
a dispatcher sees the routes carrying its lots with only its lot ids, and a
partner sees the shipments assigned to it."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Text, cast, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..auth import Principal, Role
from ..engine import PlanOutput
from ..errors import ApiError
from ..models import PlanJob, PlanManifestLine, PlanResult, PlanRoute, PlanRouteOrg, PlanShipment
from ..readcache import JsonBody, ReadCache
from .records import json_text

MANIFEST_COLUMNS = (
    "shipment_id", "lane_id", "mode", "origin", "destination", "departure", "arrival", "temperature_c",
    "unit", "order_id", "order_org", "kg", "boxes", "shelf_life_left_days",
)


def split_id(engine_id: str) -> tuple[str, str]:
    """``org:id`` -> (org, id); ids without an org (a base case's own) -> ("", id)."""
    org, sep, ident = engine_id.partition(":")
    return (org, ident) if sep else ("", engine_id)


def store(session: Session, job: PlanJob, output: PlanOutput) -> None:
    """Keep the plan document, its routes (with their lots' organisations) and shipments."""
    doc = output.document
    session.add(PlanResult(job_id=job.id, document=doc, kpis=output.kpis, summary=output.summary,
                           report_html=output.report_html))
    for route in doc.get("routes", []):
        record = PlanRoute(job_id=job.id, vehicle_id=route["vehicle_id"], doc=route)
        session.add(record)
        session.flush()
        orgs = {split_id(lot)[0] for stop in route["stops"] for lot in stop["lot_ids"]} - {""}
        session.add_all(PlanRouteOrg(route_id=record.id, org=org, job_id=job.id) for org in sorted(orgs))
    session.add_all(
        PlanShipment(job_id=job.id, shipment_id=s["id"], partner=s["partner"], doc=s)
        for s in doc.get("shipments", []))
    lines = [{"job_id": job.id, "partner": s["partner"], "row": row}
             for s in doc.get("shipments", []) for row in manifest_rows([_present(s)])]
    for i in range(0, len(lines), 1000):
        session.execute(insert(PlanManifestLine), lines[i:i + 1000])


def finished(session: Session, job_id: str) -> PlanJob:
    job = session.get(PlanJob, job_id)
    _succeeded(job_id, None if job is None else job.status)
    assert job is not None
    return job


def _succeeded(job_id: str, status: str | None) -> None:
    if status is None:
        raise ApiError(404, "plan_not_found", f"no plan job {job_id!r}")
    if status != "succeeded":
        raise ApiError(409, "plan_not_ready", f"plan job {job_id} is {status}, not succeeded")


def require(who: Principal, *roles: Role, job: PlanJob | None = None) -> None:
    """403 unless ``who`` has one of ``roles``; with ``job``, a dispatcher must be its creator."""
    if who.role not in roles and not who.is_planner:
        raise ApiError(403, "forbidden", f"a {who.role} key may not read this")
    if job is not None and who.role is Role.DISPATCHER and job.org != who.org:
        raise ApiError(403, "forbidden", "only the organisation that started this plan may read it")


def _route_out(route: dict[str, Any], org: str | None) -> dict[str, Any]:
    """A stored route as ``RouteOut``: every stop with its planned wait
    (``service_after``, null when service starts on arrival, as plan.json
    leaves it out) and, for ``org``, only that organisation's lot ids."""
    stops = []
    for stop in route["stops"]:
        lots = stop["lot_ids"] if org is None else [split_id(lot)[1] for lot in stop["lot_ids"]
                                                      if split_id(lot)[0] == org]
        stops.append({**stop, "lot_ids": lots, "service_after": stop.get("service_after")})
    return {**route, "stops": stops}


def routes(session: Session, job_id: str, who: Principal) -> list[dict[str, Any]]:
    require(who, Role.DISPATCHER)
    finished(session, job_id)
    if who.is_planner:
        query = select(PlanRoute.doc).where(PlanRoute.job_id == job_id).order_by(PlanRoute.id)
        return [_route_out(doc, None) for doc in session.scalars(query)]
    query = (select(PlanRoute.doc).join(PlanRouteOrg, PlanRouteOrg.route_id == PlanRoute.id)
             .where(PlanRoute.job_id == job_id, PlanRouteOrg.org == who.org).order_by(PlanRoute.id))
    return [_route_out(doc, who.org) for doc in session.scalars(query)]


def routes_geojson(route_docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each route as a LineString through its stops, and each stop as a Point."""
    features: list[dict[str, Any]] = []
    for r in route_docs:
        line = [[s["lon"], s["lat"]] for s in r["stops"]]
        props = {k: r[k] for k in ("vehicle_id", "vehicle_type", "temperature", "profile", "distance_m", "duration_s", "cost")}
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                         "properties": {**props, "feature": "route", "stops": len(r["stops"])}})
        for n, s in enumerate(r["stops"]):
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                             "properties": {"feature": "stop", "vehicle_id": r["vehicle_id"], "sequence": n,
                                            "site": s["site"], "kind": s["kind"], "arrival": s["arrival"],
                                            "departure": s["departure"], "service_after": s.get("service_after"),
                                            "load_kg": s["load_kg"], "lot_ids": ";".join(s["lot_ids"])}})
    return {"type": "FeatureCollection", "features": features}


def _present(shipment: dict[str, Any]) -> dict[str, Any]:
    lines = []
    for line in shipment["manifest"]:
        org, ident = split_id(line["order_id"])
        lines.append({**line, "order_id": ident, "order_org": org})
    steps = []
    for step in shipment["treatments"]:  # its orders as the manifest names them: the id and the organisation
        refs = [split_id(oid) for oid in step.get("order_ids", [])]
        steps.append({**step, "order_ids": [ident for _, ident in refs], "order_orgs": [org for org, _ in refs]})
    return {**shipment, "manifest": lines, "treatments": steps}


def shipments(session: Session, job_id: str, who: Principal, partner: str | None = None) -> list[dict[str, Any]]:
    """Every shipment of the plan the caller may see (a partner: its own)."""
    return shipments_page(session, job_id, who, partner, limit=None, cursor=None)[0]



def _partner_shipments(session: Session, job_id: str, who: Principal, partner: str | None) -> Any:
    """The query of the shipments the caller may see, in id order."""
    require(who, Role.PARTNER)
    finished(session, job_id)
    if not who.is_planner:
        if partner is not None and partner != who.org:
            raise ApiError(403, "forbidden", "a partner may only read its own shipments")
        partner = who.org
    query = select(PlanShipment).where(PlanShipment.job_id == job_id)
    if partner is not None:
        query = query.where(PlanShipment.partner == partner)
    return query.order_by(PlanShipment.id)


def _cursor(cursor: str | None, parts: int) -> list[int]:
    values = (cursor or ":".join("0" * parts)).split(":")
    if len(values) != parts or not all(v.isdigit() and len(v) < 19 for v in values):
        raise ApiError(400, "invalid_cursor", f"cursor must be one returned by a previous page, got {cursor!r}")
    return [int(v) for v in values]


def shipments_page(
    session: Session, job_id: str, who: Principal, partner: str | None, *, limit: int | None, cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of those shipments and the cursor of the next page."""
    query = _partner_shipments(session, job_id, who, partner).where(PlanShipment.id > _cursor(cursor, 1)[0])
    rows = list(session.scalars(query if limit is None else query.limit(limit + 1)))
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    return [_present(s.doc) for s in rows], (str(rows[-1].id) if more else None)


def manifest_key(job_id: str, who: Principal, partner: str | None, *, limit: int, cursor: str | None) -> tuple[Any, ...]:
    """What a manifest page holds for the caller (403 for another partner's)."""
    require(who, Role.PARTNER)
    if not who.is_planner:
        if partner is not None and partner != who.org:
            raise ApiError(403, "forbidden", "a partner may only read its own manifests")
        partner = who.org
    return ("manifests", job_id, partner, limit, cursor)


# A succeeded plan's manifest lines never change (they are written with its
# ``succeeded``, api.jobs): a page kept in the read cache (at version 0) is
# served without the database.
def manifest_body(conn: Connection, cache: ReadCache, key: tuple[Any, ...], who: Principal) -> JsonBody:
    """The manifest page ``key`` (from ``manifest_key``) as the JSON body of ``Page[ManifestRowOut]``."""
    _, job_id, partner, limit, cursor = key
    items, next_cursor = manifest_page(conn, job_id, who, partner, limit=limit, cursor=cursor)
    return cache.put(key, 0, JsonBody.json({"items": items, "next_cursor": next_cursor}))


def manifest_page(
    session: Session | Connection, job_id: str, who: Principal, partner: str | None, *, limit: int, cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of ``limit`` manifest lines the caller may see, and the next cursor."""
    require(who, Role.PARTNER)
    _succeeded(job_id, session.scalar(select(PlanJob.status).where(PlanJob.id == job_id)))
    if not who.is_planner:
        if partner is not None and partner != who.org:
            raise ApiError(403, "forbidden", "a partner may only read its own manifests")
        partner = who.org
    # each line's JSON as stored, embedded as it is in the page (no decode and encode again)
    query = select(PlanManifestLine.id, cast(PlanManifestLine.row, Text)).where(
        PlanManifestLine.job_id == job_id, PlanManifestLine.id > _cursor(cursor, 1)[0])
    if partner is not None:
        query = query.where(PlanManifestLine.partner == partner)
    found = session.execute(query.order_by(PlanManifestLine.id).limit(limit + 1)).all()
    more = len(found) > limit
    return [json_text(row) for _, row in found[:limit]], (str(found[limit - 1][0]) if more else None)


def manifest_rows(shipment_docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for s in shipment_docs:
        head = {"shipment_id": s["id"], **{k: s[k] for k in ("lane_id", "mode", "origin", "destination", "departure", "arrival", "temperature_c")}}
        rows += [{**head, **{k: line[k] for k in ("unit", "order_id", "order_org", "kg", "boxes", "shelf_life_left_days")}}
                 for line in s["manifest"]]
    return rows


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def result(session: Session, job_id: str, who: Principal) -> PlanResult:
    """The whole plan (document, KPIs, report): planners, and the dispatcher that started it."""
    job = finished(session, job_id)
    require(who, Role.DISPATCHER, job=job)
    record = session.get(PlanResult, job_id)
    assert record is not None, f"plan job {job_id} succeeded without a result"
    return record
