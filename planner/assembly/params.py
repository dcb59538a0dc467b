"""Parameters of the daily plan: frozen, validated, readable from TOML."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..domain.units import MINUTE


@dataclass(frozen=True, slots=True)
class PlanParams:
    """``time_limit_s`` is split between pickup routing (``routing_share``)
    and consolidation. ``precool_s`` is the time a lot spends in pre-cooling
    after its intake at the packing house (hydrocooling reaches 5 C in 18-35
    minutes, DOMAIN.md) before it is supply for freight. ``at_risk_days``: a
    served order delivered with less shelf life left than its minimum plus
    this margin counts as "at risk"."""

    time_limit_s: float = 30.0
    routing_share: float = 0.6
    precool_s: int = 30 * MINUTE
    at_risk_days: float = 1.0
    routing: tuple[tuple[str, Any], ...] = ()
    consolidation: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            msg = f"time_limit_s must be positive, got {self.time_limit_s}"
            raise ValueError(msg)
        if not 0.05 <= self.routing_share <= 0.95:
            msg = f"routing_share must be within [0.05, 0.95], got {self.routing_share}"
            raise ValueError(msg)
        if self.precool_s < 0 or self.at_risk_days < 0:
            raise ValueError("precool_s and at_risk_days must be >= 0")

    @property
    def routing_time_s(self) -> float:
        return self.time_limit_s * self.routing_share

    @property
    def consolidation_time_s(self) -> float:
        return self.time_limit_s - self.routing_time_s

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanParams:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            msg = f"unknown plan parameter(s): {', '.join(sorted(unknown))}"
            raise ValueError(msg)
        values = dict(data)
        for nested in ("routing", "consolidation"):
            if isinstance(values.get(nested), dict):
                values[nested] = tuple(sorted(values[nested].items()))
        return cls(**values)

    @classmethod
    def from_file(cls, path: str | Path) -> PlanParams:
        """Read ``[plan]`` (or the top level) of a TOML file."""
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
        try:
            return cls.from_dict(data.get("plan", data))
        except (TypeError, ValueError) as exc:
            msg = f"{path}: {exc}"
            raise ValueError(msg) from exc

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["routing"] = dict(self.routing)
        out["consolidation"] = dict(self.consolidation)
        return out
