"""Words the page shows that come from data (job status, roles, stop kinds,
reasons a lot was left out), listed here so the catalogue has them."""

from __future__ import annotations


def _(message: str) -> str:
    return message


DYNAMIC = (
    _("queued"), _("running"), _("succeeded"), _("failed"), _("cancelled"),
    _("dispatcher"), _("partner"), _("planner"),
    _("start"), _("pickup"), _("delivery"), _("end"),
    _("no_vehicle_large_enough"), _("outside_shifts"), _("packing_house_closed"), _("spoils_before_reaching"),
    _("packing_house_capacity"), _("fleet_exhausted"), _("search_limit"),
    _("road"), _("air"), _("sea"), _("rail"), _("reefer_truck"),
    _("irradiation"), _("fumigation"),
)
