"""The web page's own tables: sign-in sessions, each user's language, the
accepted versions of a day's plan (who and when), the pending edit of a plan
and the stops marked done from the field.

They are tables of the API's own metadata (``api.models.Base``), made by its
Alembic migrations (``0004_web_tables``) when the service starts; every
table name starts with ``web_``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base, Json, UTCDateTime, utcnow


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, stored here as its SHA-256."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, index=True)
    role: Mapped[str] = mapped_column(String(16))
    org: Mapped[str] = mapped_column(String(64))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebPreference(Base):
    """A user's (an API key's) language, kept across sign-ins."""

    __tablename__ = "web_preferences"
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lang: Mapped[str] = mapped_column(String(8))


class PlanVersion(Base):
    """An accepted state of a day's plan; version 0 is the plan job's own document."""

    __tablename__ = "web_plan_versions"
    __table_args__ = (UniqueConstraint("job_id", "number", name="uq_web_plan_versions_job_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32), index=True)
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Json)
    change: Mapped[dict[str, Any]] = mapped_column(Json)  # what was done: move, stop done...
    author_org: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(16))
    author_key_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanDraft(Base):
    """The edit waiting to be accepted or undone (one per plan)."""

    __tablename__ = "web_plan_drafts"
    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    base_number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Json)
    change: Mapped[dict[str, Any]] = mapped_column(Json)
    findings: Mapped[list[Any]] = mapped_column(Json)
    author_key_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StopDone(Base):
    """A stop reported done from the field, with the kg weighed there."""

    __tablename__ = "web_stops_done"
    __table_args__ = (UniqueConstraint("job_id", "kind", "lot_key", name="uq_web_stops_done"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32), index=True)
    vehicle_id: Mapped[str] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    lot_ids: Mapped[list[str]] = mapped_column(Json)
    lot_key: Mapped[str] = mapped_column(Text)  # the stop's lots, sorted and joined: one record per stop
    weighed_kg: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_org: Mapped[str] = mapped_column(String(64))
    author_key_id: Mapped[int] = mapped_column(Integer)
