"""Fixtures of the scenario tests: the tiny Luc Ngan case and scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain import Case
from planner.io import read_case

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="session")
def tiny_luc_ngan() -> Case:
    return read_case(DATA / "tiny-luc-ngan")


@pytest.fixture
def write_scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scenario file next to a link to the tiny case; return its path."""

    def write(text: str, name: str = "s.toml") -> Path:
        path = tmp_path / name
        header = f'[scenario]\nbase_case = "{(DATA / "tiny-luc-ngan").as_posix()}"\n'
        path.write_text(text if text.startswith("[scenario]") else header + text, encoding="utf-8")
        return path

    return write
