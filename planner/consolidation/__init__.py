"""Freight consolidation: orders into reefer trucks, air pallets and
containers, by lane, mode, schedule and treatment (class MIP + bin packing)."""

from .checker import check_result as check_result
from .params import ConsolidationParams as ConsolidationParams
from .reasons import Reason as Reason
from .results import ConsolidationResult as ConsolidationResult
from .results import ManifestLine as ManifestLine
from .results import OrderItinerary as OrderItinerary
from .results import Shipment as Shipment
from .results import TreatmentStep as TreatmentStep
from .results import Unit as Unit
from .results import UnservedOrder as UnservedOrder
from .solve import consolidate as consolidate
from .supply import Supply as Supply
from .supply import supplies_from_lots as supplies_from_lots
from .supply import supply_at_house as supply_at_house
from .supply import supply_from_arrival as supply_from_arrival
