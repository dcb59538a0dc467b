"""Cold-chain planner for perishable harvest peaks.

The handful of names a user needs; everything else lives in its subpackage::

    from planner import read_case, plan_day, PlanParams
    case = read_case("data/luc-ngan")
    plan = plan_day(case, PlanParams(time_limit_s=30), seed=1)
    print(plan.summary())
"""

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

__version__ = "0.1.0"
