"""The version of an organisation's orders or lots of a case: a number the
database's triggers raise in the transaction of every change (migration
0005; api.readcache says what it is for)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..models import ReadVersion

_CURRENT = select(ReadVersion.version).where(
    ReadVersion.kind == bindparam("kind"), ReadVersion.case_id == bindparam("case_id"),
    ReadVersion.org == bindparam("org"))


def current(conn: Connection, table: str, case_id: int, org: str) -> int:
    """The version of ``org``'s rows of ``table`` (orders, lots) in case ``case_id``; 0 before any."""
    found = conn.execute(_CURRENT, {"kind": table, "case_id": case_id, "org": org}).scalar()
    return int(found or 0)
