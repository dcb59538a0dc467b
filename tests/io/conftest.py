"""Bad cases built in tmp_path: the tiny case with some files edited."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"

Edit = str | bytes | Callable[[str], str] | None


def build_case(folder: Path, edits: dict[str, Edit]) -> Path:
    """Copy the tiny case to ``folder`` and apply ``edits``: a file's new text
    (or bytes), a function of its text, or None to delete it."""
    shutil.copytree(TINY, folder)
    for name, edit in edits.items():
        path = folder / name
        if edit is None:
            path.unlink()
        elif isinstance(edit, bytes):
            path.write_bytes(edit)
        elif callable(edit):
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            path.write_text(edit, encoding="utf-8")
    return folder


@pytest.fixture
def case_with(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(edits: dict[str, Edit]) -> Path:
        return build_case(tmp_path / f"case{next(counter)}", edits)

    return make
