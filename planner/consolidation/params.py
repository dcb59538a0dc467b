"""Parameters of the consolidation engine (a frozen dataclass readable from TOML)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..domain.units import HOUR

SOLVERS = ("highs", "scip")


@dataclass(frozen=True, slots=True)
class ConsolidationParams:
    """How the consolidation model is built and solved.

    Times are engine seconds, costs in the case currency, temperatures in C.

    - ``time_limit_s``, ``relative_gap``: stop the MIP at the time limit or when
      the proven relative gap is at most ``relative_gap``; ``solver`` is
      ``scip`` (default: its primal heuristics find good plans within a
      second) or ``highs``, both through OR-Tools MathOpt. ``node_limit``
      (branch-and-bound nodes) makes a run repeatable whatever the machine's
      load; the time limit alone depends on how fast the machine is.
    - ``deadline_band_s``, ``shelf_band_s``: width of the deadline and
      minimum-shelf-life bands that make orders interchangeable (one class).
    - ``on_demand_step_s``: grid of candidate departures of on-demand lanes.
    - ``connection_options``: departures tried per connecting leg;
      ``first_departure_options``: first-leg departures kept per downstream
      connection; ``max_legs``: legs per itinerary.
    - ``shelf_tiers``: freshness tiers per supply pool in the class model.
    - ``storage_temp_c`` (pre-cooled store at a packing house),
      ``transfer_temp_c`` (waiting at a hub, airport or port between legs),
      ``treatment_temp_c`` (during treatment): the temperatures of the
      non-moving parts of an itinerary.
    - ``handling_cost_per_kg``: loading/unloading cost per kg per leg.
    - ``unserved_penalty`` per unserved order plus ``unserved_value_weight``
      times its value: the price of leaving an order unserved.
    - ``fefo_cost_per_kg_day``: a small cost per kg and day of shelf life left
      in the supply used, so the model ships first what expires first.
    - ``priority_penalty_per_kg``: added to the unserved penalty per kg and
      per priority level above ``standard`` (export one level, contract two),
      so that under shortage supply and room go to higher priorities first.
    - ``freshness_weight``: multiplies each product's
      ``shelf_life_value_per_kg_day`` in the objective (1: shelf life is
      valued at what it is worth; 0: not valued, for comparisons).
    - ``fallback_gap``: when the shipped plan ends further than this relative
      gap above the class model's proven bound, or costs more than the
      first-come-first-served plan, the better of the two is shipped and the
      outcome says so.
    - ``enable_output``: print the solver's log (SCIP runs on one thread).
    """

    time_limit_s: float = 20.0
    node_limit: int | None = None
    relative_gap: float = 0.002
    solver: str = "scip"
    deadline_band_s: int = 3 * HOUR
    shelf_band_s: int = 12 * HOUR
    on_demand_step_s: int = 2 * HOUR
    connection_options: int = 2
    first_departure_options: int = 2
    max_legs: int = 4
    shelf_tiers: int = 2
    storage_temp_c: float = 5.0
    transfer_temp_c: float = 10.0
    treatment_temp_c: float = 20.0
    handling_cost_per_kg: float = 200.0
    unserved_penalty: float = 2_000_000.0
    unserved_value_weight: float = 2.0
    fefo_cost_per_kg_day: float = 1.0
    priority_penalty_per_kg: float = 10_000_000.0
    freshness_weight: float = 1.0
    fallback_gap: float = 0.05
    enable_output: bool = False

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            msg = f"time_limit_s must be positive, got {self.time_limit_s}"
            raise ValueError(msg)
        if self.node_limit is not None and self.node_limit < 1:
            msg = f"node_limit must be >= 1, got {self.node_limit}"
            raise ValueError(msg)
        if not 0.0 <= self.relative_gap < 1.0:
            msg = f"relative_gap must be in [0, 1), got {self.relative_gap}"
            raise ValueError(msg)
        if self.solver not in SOLVERS:
            msg = f"solver must be one of {SOLVERS}, got {self.solver!r}"
            raise ValueError(msg)
        for name in ("deadline_band_s", "shelf_band_s", "on_demand_step_s"):
            if getattr(self, name) <= 0:
                msg = f"{name} must be positive, got {getattr(self, name)}"
                raise ValueError(msg)
        for name in ("connection_options", "first_departure_options", "max_legs", "shelf_tiers"):
            if getattr(self, name) < 1:
                msg = f"{name} must be >= 1, got {getattr(self, name)}"
                raise ValueError(msg)
        for name in ("handling_cost_per_kg", "unserved_penalty", "unserved_value_weight",
                     "fefo_cost_per_kg_day", "priority_penalty_per_kg", "freshness_weight",
                     "fallback_gap"):
            if getattr(self, name) < 0:
                msg = f"{name} must be >= 0, got {getattr(self, name)}"
                raise ValueError(msg)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "params") -> ConsolidationParams:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            msg = f"{where}: unknown consolidation parameter(s) {unknown} (known: {sorted(known)})"
            raise ValueError(msg)
        try:
            return cls(**data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from exc

    @classmethod
    def from_file(cls, path: str | Path) -> ConsolidationParams:
        """Read from a TOML file: top-level keys, or a ``[consolidation]`` table."""
        path = Path(path)
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML ({exc})") from exc
        table = data.get("consolidation", data)
        return cls.from_dict(table, where=str(path))
