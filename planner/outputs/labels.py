"""Words for the codes a plan carries (why a lot or order is out, transport
modes, the domestic market), so that people read ``hết xe`` or ``no vehicle
free`` where the plan says ``fleet_exhausted``. Partners' files (manifests,
GeoJSON) keep the codes: programs read those."""

from __future__ import annotations

from ..i18n import N_, Lang

CODES: dict[str, str] = {
    # lots left at the farm (planner.routing.Reason)
    "no_vehicle_large_enough": N_("no vehicle large enough"),
    "outside_shifts": N_("outside every vehicle's shift"),
    "packing_house_closed": N_("packing house closed"),
    "spoils_before_reaching": N_("would spoil before a packing house"),
    "packing_house_capacity": N_("packing house full"),
    "fleet_exhausted": N_("no vehicle free"),
    # both: the search ran out of time
    "search_limit": N_("time limit reached"),
    # orders left unserved (planner.consolidation.Reason)
    "no_itinerary_in_time": N_("no route by the deadline"),
    "shelf_life": N_("too little shelf life left"),
    "capacity": N_("no room on the lanes"),
    "treatment_capacity": N_("treatment full"),
    "market_rule": N_("market rule"),
    "no_supply": N_("no fruit for it"),
    "supply_to_higher_priority": N_("fruit went to higher-priority orders"),
    "cost": N_("costs more than it brings"),
    # transport modes, and the pickups in per-mode figures
    "air": N_("air"),
    "reefer_truck": N_("reefer truck"),
    "road": N_("road"),
    "rail": N_("rail"),
    "sea": N_("sea"),
    "pickup": N_("pickup"),
    # markets
    "domestic": N_("domestic"),
}


def label(code: object, lang: Lang) -> str:
    """The words for ``code`` in ``lang``; a code without words (a market
    such as ``US``, an id) as it is."""
    text = str(code)
    words = CODES.get(text)
    return lang._(words) if words is not None else text
