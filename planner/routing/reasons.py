"""Why a lot is left out of the pickup plan (reason codes, a closed set)."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Reason codes of unassigned lots, most specific first.

    - ``no_vehicle_large_enough``: the lot outweighs (or has more boxes than)
      every vehicle in the fleet.
    - ``outside_shifts``: no vehicle's shift can reach the farm within the
      pickup window and then a packing house before the shift ends.
    - ``packing_house_closed``: no allowed packing house is open when the lot
      could arrive.
    - ``spoils_before_reaching``: even the best vehicle going straight from
      its depot to the farm and on to a packing house spends more shelf life
      than the product's pre-cooling budget, or the exact freshness check
      rejected every plan the search found for it.
    - ``packing_house_capacity``: the packing houses' intake (kg/hour) is
      taken by lots of higher value.
    - ``fleet_exhausted``: the lot could be served on its own, but the fleet
      (vehicles, hours, capacity) is used for lots of higher value.
    - ``search_limit``: the time limit ended before the search reached the
      lot (neither the search's plan nor the extra trips got to it); a longer
      time limit may route it.
    """

    NO_VEHICLE_LARGE_ENOUGH = "no_vehicle_large_enough"
    OUTSIDE_SHIFTS = "outside_shifts"
    PACKING_HOUSE_CLOSED = "packing_house_closed"
    SPOILS_BEFORE_REACHING = "spoils_before_reaching"
    PACKING_HOUSE_CAPACITY = "packing_house_capacity"
    FLEET_EXHAUSTED = "fleet_exhausted"
    SEARCH_LIMIT = "search_limit"
