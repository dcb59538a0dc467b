"""The web page under test: the tiny case, a fresh SQLite database per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from webtest import Server, make_server  # noqa: E402


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = make_server(tmp_path)
    yield s
    s.client.__exit__(None, None, None)
