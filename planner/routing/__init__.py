"""Pickup routing: which vehicle collects which lots, in what order and when,
so that every lot reaches a packing house within its freshness budget."""

from .check import Violation as Violation
from .check import check_result as check_result
from .engine import route_pickups as route_pickups
from .fixed import FixedRoute as FixedRoute
from .fixed import FixedStop as FixedStop
from .params import RoutingParams as RoutingParams
from .reasons import Reason as Reason
from .result import LotDelivery as LotDelivery
from .result import Route as Route
from .result import RoutingResult as RoutingResult
from .result import Stop as Stop
from .result import UnassignedLot as UnassignedLot
