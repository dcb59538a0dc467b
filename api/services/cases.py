"""Cases in the database: a base case folder (settings, sites, fleet, drivers, lanes,
markets, products) stored as its files, read with planner.io.read_case, plus
the orders and lots ingested through the API."""

from __future__ import annotations

import re
import tempfile
import threading
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain import Case
from planner.exceptions import CaseError
from planner.io import read_case

from ..db import Database
from ..errors import ApiError
from ..models import CaseRecord

BASE_FILES = frozenset({
    "settings.toml", "products.toml", "markets.toml", "lanes.toml", "sites.csv", "sites.geojson", "fleet.csv",
    "drivers.csv",
})
REQUIRED_FILES = ("settings.toml", "products.toml", "markets.toml")
EPOCH_LINE = re.compile(r"^epoch\s*=.*$", re.MULTILINE)


def files_of_folder(folder: Path) -> dict[str, str]:
    """The base files of a case folder (orders and lots stay out: they come through the API)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.name in BASE_FILES}


def on_day(files: dict[str, str], day: date | None) -> dict[str, str]:
    """The files with the case's epoch moved to ``day`` (daily shifts and
    opening hours then fall on that day)."""
    if day is None:
        return files
    text = files["settings.toml"]
    if not EPOCH_LINE.search(text):
        raise CaseError(["settings.toml, epoch: is required"])
    return {**files, "settings.toml": EPOCH_LINE.sub(f'epoch = "{day.isoformat()}"', text, count=1)}


def read_files(files: dict[str, str]) -> Case:
    """Validate and read a base case given as its files."""
    unknown = sorted(set(files) - BASE_FILES)
    missing = [f for f in REQUIRED_FILES if f not in files]
    if "sites.csv" not in files and "sites.geojson" not in files:
        missing.append("sites.csv")
    if unknown or missing:
        problems = [f"{name}: not a base case file (allowed: {', '.join(sorted(BASE_FILES))})" for name in unknown]
        problems += [f"{name}: file is missing" for name in missing]
        raise CaseError(problems)
    with tempfile.TemporaryDirectory(prefix="planner-case-") as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        return read_case(tmp)


class CaseStore:
    """Reads base cases once per (case, day) and keeps them; cases are immutable."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._cases: dict[tuple[int, date | None], Case] = {}

    def base(self, record: CaseRecord, day: date | None = None) -> Case:
        key = (record.id, day)
        with self._lock:
            cached = self._cases.get(key)
        if cached is not None:
            return cached
        with self.db.reader() as s:
            files = s.scalar(select(CaseRecord.files).where(CaseRecord.id == record.id)) or {}
        case = read_files(on_day(dict(files), day))
        with self._lock:
            self._cases[key] = case
        return case


def register(session: Session, *, name: str, files: dict[str, str]) -> CaseRecord:
    """Store a new base case after reading it; 409 if the name is taken."""
    read_files(files)
    if session.scalar(select(CaseRecord.id).where(CaseRecord.name == name)) is not None:
        raise ApiError(409, "case_exists", f"a case named {name!r} already exists")
    record = CaseRecord(name=name, files=files)
    session.add(record)
    session.flush()
    return record


def ensure(session: Session, *, name: str, folder: Path) -> CaseRecord:
    """The case ``name``, registered from ``folder`` if it is not stored yet."""
    record = session.scalar(select(CaseRecord).where(CaseRecord.name == name))
    return record if record is not None else register(session, name=name, files=files_of_folder(folder))


def get(session: Session, name: str) -> CaseRecord:
    record = session.scalar(select(CaseRecord).where(CaseRecord.name == name))
    if record is None:
        raise ApiError(404, "case_not_found", f"no case named {name!r}")
    return record


def list_all(session: Session) -> list[CaseRecord]:
    return list(session.scalars(select(CaseRecord).order_by(CaseRecord.name)))
