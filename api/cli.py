"""What ``planner keys ...`` does, on the database the server uses."""

from __future__ import annotations

from pathlib import Path

from . import auth
from .app import open_database
from .settings import Settings


def settings_for(*, data_dir: Path | None, database_url: str | None) -> Settings:
    overrides: dict[str, object] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url:
        overrides["database_url"] = database_url
    return Settings(**overrides)  # type: ignore[arg-type]


def prepare(settings: Settings) -> None:
    """Migrate the database and register the base case, once, before the
    server processes start (they would race to do it)."""
    from .services import cases

    db = open_database(settings)
    try:
        if settings.base_case is not None:
            with db.write() as s:
                cases.ensure(s, name=settings.default_case, folder=settings.base_case)
    finally:
        db.dispose()


def create_key(settings: Settings, *, role: str, org: str, label: str) -> tuple[int, str]:
    """A new key's id and the key itself (shown once)."""
    db = open_database(settings)
    try:
        with db.write() as s:
            record, token = auth.create_key(s, role=auth.Role(role), org=org, label=label)
            return record.id, token
    finally:
        db.dispose()


def list_keys(settings: Settings) -> list[dict[str, object]]:
    db = open_database(settings)
    try:
        with db.reader() as s:
            return [{"id": k.id, "prefix": k.prefix, "role": k.role, "org": k.org, "label": k.label,
                     "created_at": k.created_at, "revoked_at": k.revoked_at} for k in auth.list_keys(s)]
    finally:
        db.dispose()


def revoke_key(settings: Settings, key_id: int) -> None:
    db = open_database(settings)
    try:
        with db.write() as s:
            auth.revoke_key(s, key_id)
    finally:
        db.dispose()
