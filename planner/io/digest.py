"""A digest of a case folder's files, so a plan can say which case it was made from."""

from __future__ import annotations

import hashlib
from pathlib import Path


def case_digest(folder: str | Path) -> str:
    """``sha256:`` of every file under ``folder`` (hidden ones left out): the
    relative name and the SHA-256 of the content of each, sorted by name. A
    byte changed, a file added, removed or renamed gives another digest."""
    root = Path(folder)
    outer = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    for path in files:
        inner = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                inner.update(block)
        outer.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + inner.digest())
    return "sha256:" + outer.hexdigest()
