"""The planner's errors. Each subclasses a built-in so callers may catch either."""

from __future__ import annotations

from collections.abc import Sequence


class CaseError(ValueError):
    """A case (files or objects) is invalid. ``problems`` lists every problem,
    each naming its file, row and field where known."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the case"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class InfeasibleError(ValueError):
    """A request that cannot be satisfied at all (not a partial plan)."""


class TravelTimeError(RuntimeError):
    """A travel-time provider cannot answer (no graph, a point off the network)."""


class SolverError(RuntimeError):
    """A solver backend failed in a way that is not the model's fault."""


class PlanCheckError(ValueError):
    """A plan file cannot be read or does not match its case."""


class OffNetworkError(TravelTimeError):
    """Points too far from any road a vehicle profile may use. ``points`` lists
    ``(role, index, lat, lon, distance_m)`` for each of them."""

    def __init__(self, profile: str, max_snap_m: float,
                 points: Sequence[tuple[str, int, float, float, float]]) -> None:
        self.profile = profile
        self.max_snap_m = max_snap_m
        self.points = list(points)
        shown = ", ".join(
            f"{role} {i} ({lat:.6f}, {lon:.6f}) {d:,.0f} m" for role, i, lat, lon, d in self.points[:5]
        )
        more = f" and {len(self.points) - 5} more" if len(self.points) > 5 else ""
        super().__init__(
            f"{len(self.points)} point(s) farther than {max_snap_m:,.0f} m from any road "
            f"usable by {profile}: {shown}{more}"
        )
