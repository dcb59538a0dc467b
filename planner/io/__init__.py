"""Reading and writing case folders and plan files.

``write_case`` (pandas) loads on first use, so reading a case, as
``planner validate`` does, does not pay for the writer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .reader import problems_of as problems_of
from .reader import read_case as read_case

if TYPE_CHECKING:
    from .writer import write_case as write_case

__all__ = ["problems_of", "read_case", "write_case"]


def __getattr__(name: str) -> Any:
    if name == "write_case":
        from .writer import write_case

        return write_case
    msg = f"module 'planner.io' has no attribute {name!r}"
    raise AttributeError(msg)
