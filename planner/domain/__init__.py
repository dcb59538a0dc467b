"""The world the planner reasons about, in engine units (see ``units``)."""

from .case import Case as Case
from .case import Problem as Problem
from .case import case_problems as case_problems
from .fleet import TemperatureClass as TemperatureClass
from .fleet import VehicleType as VehicleType
from .geo import Location as Location
from .lanes import Departure as Departure
from .lanes import Lane as Lane
from .lanes import Mode as Mode
from .lots import HarvestLot as HarvestLot
from .markets import MarketRule as MarketRule
from .orders import Channel as Channel
from .orders import Destination as Destination
from .orders import Order as Order
from .products import KineticsModel as KineticsModel
from .products import ProductProfile as ProductProfile
from .settings import CaseSettings as CaseSettings
from .settings import TravelSettings as TravelSettings
from .sites import PICKUP_KINDS as PICKUP_KINDS
from .sites import Site as Site
from .sites import SiteKind as SiteKind
from .sites import Treatment as Treatment
from .windows import TimeWindow as TimeWindow
from .windows import next_open as next_open
