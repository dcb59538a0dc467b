"""What shelf life is worth (the rule lives in
:mod:`planner.domain.shelf_value`, shared with the pickup routing)."""

from __future__ import annotations

from ..domain.shelf_value import shelf_life_values

__all__ = ["shelf_life_values"]
