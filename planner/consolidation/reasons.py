"""Reason codes for orders left unserved."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why an order is not served (codes of the contract, plus ``cost``)."""

    NO_ITINERARY_IN_TIME = "no_itinerary_in_time"
    SHELF_LIFE = "shelf_life"
    CAPACITY = "capacity"
    TREATMENT_CAPACITY = "treatment_capacity"
    MARKET_RULE = "market_rule"
    NO_SUPPLY = "no_supply"
    PRIORITY = "supply_to_higher_priority"  # supply existed, taken by higher-priority orders
    COST = "cost"  # serving it would cost more than its unserved penalty (plan proven near-optimal)
    SEARCH_LIMIT = "search_limit"  # the search stopped before it could place it (large gap)
