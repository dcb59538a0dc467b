"""API keys: random tokens shown once, stored as SHA-256 digests, each bound
to a role and an organisation."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import ApiError
from .models import ApiKey, utcnow

ORG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
KEY_PREFIX = "pk_"


class Role(StrEnum):
    DISPATCHER = "dispatcher"  # a cooperative: its lots, its pickup routes
    PARTNER = "partner"  # a logistics company: its orders, shipments and manifests
    PLANNER = "planner"  # everything: cases, scenarios, keys


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, role and organisation."""

    key_id: int
    role: Role
    org: str

    @property
    def is_planner(self) -> bool:
        return self.role is Role.PLANNER


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def check_org(org: str) -> str:
    if not ORG_PATTERN.match(org):
        msg = f"org must be lower-case letters, digits, '.', '_' or '-' (1-64), got {org!r}"
        raise ValueError(msg)
    return org


def create_key(session: Session, *, role: Role, org: str, label: str = "") -> tuple[ApiKey, str]:
    """A new key; the plain token is returned here and never stored."""
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(prefix=token[:10], key_hash=digest(token), role=role.value, org=check_org(org), label=label)
    session.add(record)
    session.flush()
    return record, token


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_key(session: Session, key_id: int) -> ApiKey:
    record = session.get(ApiKey, key_id)
    if record is None:
        raise ApiError(404, "not_found", f"no API key with id {key_id}")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    return record


def authenticate(session: Session, token: str | None) -> Principal:
    """The principal of a bearer token; 401 for a missing, unknown or revoked key."""
    if not token:
        raise ApiError(401, "unauthenticated", "missing API key (send Authorization: Bearer <key>)")
    record = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(token)))
    if record is None or record.revoked_at is not None:
        raise ApiError(401, "unauthenticated", "unknown or revoked API key")
    return Principal(key_id=record.id, role=Role(record.role), org=record.org)
