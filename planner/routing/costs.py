"""What a vehicle costs: the planner's one formula (the checkers keep their
own independent copy). A route costs its type's fixed cost, plus a rate per
kilometre driven, plus a rate per hour from its first departure to its last
arrival (waiting included: the driver is paid while waiting)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..domain import VehicleType


def route_cost(vt: VehicleType, metres: float, duration_s: float) -> float:
    """Cost of one route of ``vt``: fixed + per km + per hour of duration."""
    return vt.fixed_cost + vt.cost_per_km * metres / 1000 + vt.cost_per_hour * duration_s / 3600


def arc_costs(vt: VehicleType, metres: NDArray[np.int64], seconds: NDArray[np.int64],
              *, scale: float) -> NDArray[np.int64]:
    """The variable part of :func:`route_cost` per arc (``metres`` and
    ``seconds`` of each), in the solver's integers (money times ``scale``).
    The solver charges hours on arcs (travel and service); waiting is paid
    only in the route's reported cost."""
    cost = (vt.cost_per_km / 1000 * metres + vt.cost_per_hour / 3600 * seconds) * scale
    return np.rint(cost).astype(np.int64)
