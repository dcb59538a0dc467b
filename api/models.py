"""The tables: API keys, cases, orders, lots, plan jobs and their results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"naive datetime {value.isoformat()} cannot be stored"
            raise ValueError(msg)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    org: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CaseRecord(Base):
    """A base case folder (settings, sites, fleet, lanes, markets, products)
    stored as its files; orders and lots arrive through the API."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict[str, str]] = mapped_column(Json, deferred=True)  # read once per process
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderRecord(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("case_id", "org", "external_id", name="uq_orders_case_org_id"),
        Index("ix_orders_case_org_pk", "case_id", "org", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    org: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(Json)
    channel: Mapped[str] = mapped_column(String(16))
    market: Mapped[str] = mapped_column(String(64))
    product: Mapped[str] = mapped_column(String(64))
    partner: Mapped[str] = mapped_column(String(64), default="")
    kg: Mapped[float] = mapped_column(Float)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LotRecord(Base):
    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("case_id", "org", "external_id", name="uq_lots_case_org_id"),
        Index("ix_lots_case_org_pk", "case_id", "org", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    org: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(Json)
    farm: Mapped[str] = mapped_column(String(64))
    product: Mapped[str] = mapped_column(String(64))
    kg: Mapped[float] = mapped_column(Float)
    ready_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latest_pickup_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanJob(Base):
    """A plan for one date of one case, queued, run by a worker, kept."""

    __tablename__ = "plan_jobs"
    __table_args__ = (
        Index("ix_plan_jobs_status_created", "status", "created_at"),
        Index("ix_plan_jobs_key_created", "key_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    org: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str] = mapped_column(String(32), default="")
    peak_memory_mb: Mapped[float | None] = mapped_column(Float, nullable=True)
    worker: Mapped[str] = mapped_column(String(200), default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PlanResult(Base):
    """The finished plan: its document, KPIs and report page."""

    __tablename__ = "plans"
    job_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(Json)
    kpis: Mapped[dict[str, Any]] = mapped_column(Json)
    summary: Mapped[str] = mapped_column(Text, default="")
    report_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanRoute(Base):
    """One pickup route; ``orgs`` lists the cooperatives whose lots it carries."""

    __tablename__ = "plan_routes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[str] = mapped_column(String(64))
    doc: Mapped[dict[str, Any]] = mapped_column(Json)


class PlanRouteOrg(Base):
    __tablename__ = "plan_route_orgs"
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_routes.id", ondelete="CASCADE"), primary_key=True)
    org: Mapped[str] = mapped_column(String(64), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32), index=True)


class PlanShipment(Base):
    """One consolidated shipment, assigned to one logistics partner."""

    __tablename__ = "plan_shipments"
    __table_args__ = (Index("ix_plan_shipments_job_partner", "job_id", "partner", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"))
    shipment_id: Mapped[str] = mapped_column(String(128))
    partner: Mapped[str] = mapped_column(String(64))
    doc: Mapped[dict[str, Any]] = mapped_column(Json)


class PlanManifestLine(Base):
    """One manifest line (an order's kg in a unit of a shipment), as served to
    the partner carrying it; kept apart so partners page through them cheaply."""

    __tablename__ = "plan_manifest_lines"
    __table_args__ = (Index("ix_plan_manifest_lines_job_partner", "job_id", "partner", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"))
    partner: Mapped[str] = mapped_column(String(64))
    row: Mapped[dict[str, Any]] = mapped_column(Json)


class PlanSnapshot(Base):
    """The orders and lots a plan job was made from (as stored when it ran),
    so a plan is checked against what it planned, not against today's data."""

    __tablename__ = "plan_snapshots"
    job_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"), primary_key=True)
    lots: Mapped[list[dict[str, Any]]] = mapped_column(Json)  # [{"org", "id", "values"}]
    orders: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanWorker(Base):
    """A live plan-job worker (runner): registered at start, heartbeat while it
    lives, removed at a clean stop; /readyz counts the live ones."""

    __tablename__ = "plan_workers"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    slots: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Webhook(Base):
    """An organisation's webhook: called when a plan carrying its shipments
    (a partner) or its lots (a dispatcher) is ready, signed with ``secret``."""

    __tablename__ = "webhooks"
    org: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event to one organisation's webhook and its delivery attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_org_id", "org", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(32))
    job_id: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ReadVersion(Base):
    """How many times an organisation's orders (or lots) of a case have changed.

    Kept by the database itself: triggers on ``orders`` and ``lots`` (migration
    0005) add one in the transaction of every insert, update or delete, whoever
    writes. A server process serves a read it keeps in memory only while this
    number is the one it was made at (api.readcache)."""

    __tablename__ = "read_versions"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # the table: orders, lots
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
