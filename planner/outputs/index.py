"""Look-ups every output needs: the case objects a plan.json refers to, by id.

The writers work on the plan.json dict (schema 1.0, see
``planner/assembly/plan.schema.json``) and take names, coordinates, weights
and deadlines from the case. An id the case does not know is a
:class:`~planner.exceptions.PlanCheckError` naming where it was found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from ..domain import Case, HarvestLot, Lane, Order, Site, VehicleType
from ..domain.units import to_datetime
from ..exceptions import PlanCheckError

T = TypeVar("T")
Plan = Mapping[str, Any]


def _by_id(items: Iterable[T]) -> Mapping[str, T]:
    return MappingProxyType({item.id: item for item in items})  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PlanIndex:
    """The case objects of a plan, indexed by id, with checked look-ups."""

    case: Case
    sites: Mapping[str, Site] = field(init=False)
    lots: Mapping[str, HarvestLot] = field(init=False)
    orders: Mapping[str, Order] = field(init=False)
    lanes: Mapping[str, Lane] = field(init=False)
    vehicle_types: Mapping[str, VehicleType] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sites", self.case.site_by_id)
        object.__setattr__(self, "lots", _by_id(self.case.lots))
        object.__setattr__(self, "orders", _by_id(self.case.orders))
        object.__setattr__(self, "lanes", _by_id(self.case.lanes))
        object.__setattr__(self, "vehicle_types", _by_id(self.case.vehicle_types))

    def site(self, site_id: str, where: str) -> Site:
        return _get(self.sites, site_id, "site", where)

    def lot(self, lot_id: str, where: str) -> HarvestLot:
        return _get(self.lots, lot_id, "lot", where)

    def order(self, order_id: str, where: str) -> Order:
        return _get(self.orders, order_id, "order", where)

    def lane(self, lane_id: str, where: str) -> Lane:
        return _get(self.lanes, lane_id, "lane", where)

    def vehicle_type(self, type_id: str, where: str) -> VehicleType:
        return _get(self.vehicle_types, type_id, "vehicle type", where)

    def iso(self, t: int) -> str:
        """Engine time ``t`` as an RFC 3339 date-time (with seconds) in the case's time zone."""
        s = self.case.settings
        return to_datetime(t, s.epoch, s.timezone).isoformat(timespec="seconds")


def _get(mapping: Mapping[str, T], key: str, kind: str, where: str) -> T:
    try:
        return mapping[key]
    except KeyError:
        msg = f"plan {where}: the case has no {kind} {key!r}"
        raise PlanCheckError(msg) from None


def parse_time(text: str, where: str) -> datetime:
    """An aware datetime from a plan time string."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        msg = f"plan {where}: {text!r} is not an ISO 8601 time"
        raise PlanCheckError(msg) from None
    if moment.tzinfo is None:
        msg = f"plan {where}: time {text!r} has no UTC offset"
        raise PlanCheckError(msg)
    return moment


def shipment_kg(shipment: Mapping[str, Any]) -> float:
    return float(sum(u["kg"] for u in shipment["units"]))


def shipment_boxes(shipment: Mapping[str, Any]) -> int:
    return int(sum(u["boxes"] for u in shipment["units"]))


def shipment_fill(shipment: Mapping[str, Any]) -> float:
    """Mean fill of the shipment's units (0..1)."""
    units = shipment["units"]
    return float(sum(u["fill"] for u in units) / len(units)) if units else 0.0


@dataclass(frozen=True, slots=True)
class Trip:
    """Stops ``first..last`` (inclusive) of ``plan["routes"][route]``: one trip
    of a vehicle, from its start or a packing house, through pickups, to the
    packing house(s) it delivers to. ``number`` counts the vehicle's trips
    (1, 2...) over all its routes."""

    route: int
    vehicle_id: str
    number: int
    first: int
    last: int


def trips_of(plan: Plan) -> list[Trip]:
    """Every trip of every route. A route is cut after each delivery that
    is followed by a pickup; the way home joins the last trip."""
    count: dict[str, int] = {}
    trips = []
    for i, route in enumerate(plan["routes"]):
        stops = route["stops"]
        cuts = [j for j in range(1, len(stops) - 1)
                if stops[j]["kind"] == "delivery" and stops[j + 1]["kind"] == "pickup"]
        bounds = list(zip([0, *cuts], [*cuts, len(stops) - 1], strict=True))
        vid = route["vehicle_id"]
        for first, last in bounds:
            count[vid] = count.get(vid, 0) + 1
            trips.append(Trip(i, vid, count[vid], first, last))
    return trips
