"""Shared fixtures: the tiny hand-written case and the paths to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain import Case
from planner.io import read_case

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def tiny_case() -> Case:
    return read_case(DATA / "tiny")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED} (a user's clone has none); CI provides it")
    return SHARED
