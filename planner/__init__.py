"""Cold-chain planner for perishable harvest peaks.

The handful of names a user needs; everything else lives in its subpackage::

    from planner import read_case, plan_day, PlanParams
    case = read_case("data/luc-ngan")
    plan = plan_day(case, PlanParams(time_limit_s=30), seed=1)
    print(plan.summary())

The names load on first use (PEP 562), so that ``import planner`` and the
``planner`` command line stay fast: the solvers are imported only by what uses them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assembly import DailyPlan as DailyPlan
    from .assembly import PlanParams as PlanParams
    from .assembly import plan_day as plan_day
    from .consolidation import ConsolidationParams as ConsolidationParams
    from .consolidation import ConsolidationResult as ConsolidationResult
    from .consolidation import Supply as Supply
    from .consolidation import consolidate as consolidate
    from .domain import Case as Case
    from .exceptions import CaseError as CaseError
    from .exceptions import InfeasibleError as InfeasibleError
    from .exceptions import PlanCheckError as PlanCheckError
    from .exceptions import TravelTimeError as TravelTimeError
    from .io import read_case as read_case
    from .io import write_case as write_case
    from .routing import FixedRoute as FixedRoute
    from .routing import RoutingParams as RoutingParams
    from .routing import RoutingResult as RoutingResult
    from .routing import route_pickups as route_pickups

_WHERE = {
    "DailyPlan": "assembly", "PlanParams": "assembly", "plan_day": "assembly",
    "ConsolidationParams": "consolidation", "ConsolidationResult": "consolidation",
    "Supply": "consolidation", "consolidate": "consolidation",
    "Case": "domain",
    "CaseError": "exceptions", "InfeasibleError": "exceptions", "PlanCheckError": "exceptions",
    "TravelTimeError": "exceptions",
    "read_case": "io", "write_case": "io",
    "FixedRoute": "routing", "RoutingParams": "routing", "RoutingResult": "routing",
    "route_pickups": "routing",
}
__all__ = sorted(_WHERE)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        msg = f"module 'planner' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*_WHERE, "__version__", "__all__"})
