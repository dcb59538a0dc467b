"""What the pickup router returns: routes, deliveries, unassigned lots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..domain.clock import duration
from .reasons import Reason

StopKind = Literal["start", "pickup", "delivery", "end"]


@dataclass(frozen=True, slots=True)
class Stop:
    """A visit to ``site``. ``arrival`` is when the vehicle gets there,
    ``waiting`` the seconds before service starts (a lot not yet ready, a
    packing house not yet open), ``departure`` when it leaves; ``load_kg``
    and ``load_boxes`` are on board after the stop. ``service_after``, when
    set, is a planned wait: the service does not start before it even if
    the vehicle arrives earlier (a free intake slot, the time a committed
    stop was done); ``None`` when the service starts on arrival, or as soon
    as the lot is ready or the packing house opens. Engine seconds."""

    site: str
    kind: StopKind
    arrival: int
    departure: int
    waiting: int
    load_kg: float
    lot_ids: tuple[str, ...] = ()
    load_boxes: int = 0
    service_after: int | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """One physical vehicle's day. ``km``, ``duration_s`` (first departure
    to last arrival) and ``cost`` (fixed + per km + per hour of duration)."""

    vehicle_id: str
    vehicle_type: str
    stops: tuple[Stop, ...]
    km: float
    duration_s: int
    cost: float

    @property
    def trips(self) -> int:
        """Number of unloadings at a packing house (multi-trip when > 1)."""
        return sum(1 for s in self.stops if s.kind == "delivery")

    @property
    def lot_ids(self) -> tuple[str, ...]:
        return tuple(lot for s in self.stops if s.kind == "pickup" for lot in s.lot_ids)


@dataclass(frozen=True, slots=True)
class LotDelivery:
    """A lot's journey: loaded at ``picked_up``, unloaded at ``delivered``
    (service start at the packing house), with ``shelf_life_left_s``
    reference seconds left then; ``budget_left_s`` is what is left of the
    product's pre-cooling budget (>= 0 in every plan returned)."""

    lot_id: str
    packing_house: str
    vehicle_id: str
    picked_up: int
    delivered: int
    shelf_life_left_s: float
    budget_left_s: float
    kg: float


@dataclass(frozen=True, slots=True)
class UnassignedLot:
    lot_id: str
    reason: Reason
    detail: str
    kg: float = 0.0


@dataclass(frozen=True)
class RoutingResult:
    """Routes (used vehicles only), one delivery per routed lot, and one
    unassigned entry (with its reason) per other lot. ``shelf_life_cost`` is
    the money worth of the shelf life the routed lots consumed and
    ``precool_late_cost`` what the lots unloaded after their pre-cooling
    target lose, ``left_out_cost`` what the lots left out cost (their value
    and the unassigned penalty; see :mod:`.costs`); :attr:`day_cost` adds
    the three to the vehicles' cost: the objective the search minimises, in
    money. ``stats``
    holds the pre-cooling KPIs (``precool_late_lots``, ``precool_late_kg``,
    ``precool_late_cost``, ``precool_hours_mean`` / ``_median`` / ``_max``:
    clock hours from harvest to unloading; :func:`.costs.precool_kpis`)."""

    routes: list[Route]
    deliveries: list[LotDelivery]
    unassigned: list[UnassignedLot]
    seconds: float = 0.0
    time_to_first_s: float | None = None
    objective: float | None = None
    stats: dict[str, float] = field(default_factory=dict)
    shelf_life_cost: float = 0.0
    precool_late_cost: float = 0.0
    left_out_cost: float = 0.0

    @property
    def total_km(self) -> float:
        return sum(r.km for r in self.routes)

    @property
    def total_hours(self) -> float:
        return sum(r.duration_s for r in self.routes) / 3600

    @property
    def total_cost(self) -> float:
        return sum(r.cost for r in self.routes)

    @property
    def day_cost(self) -> float:
        return self.total_cost + self.shelf_life_cost + self.precool_late_cost + self.left_out_cost

    @property
    def kg_delivered(self) -> float:
        return sum(d.kg for d in self.deliveries)

    @property
    def kg_unassigned(self) -> float:
        return sum(u.kg for u in self.unassigned)

    def delivery_of(self, lot_id: str) -> LotDelivery | None:
        return next((d for d in self.deliveries if d.lot_id == lot_id), None)

    def summary(self) -> str:
        lines = [
            f"{len(self.deliveries)} lots routed ({self.kg_delivered:,.0f} kg) on "
            f"{len(self.routes)} vehicles, {len(self.unassigned)} unassigned "
            f"({self.kg_unassigned:,.0f} kg)",
            f"{self.total_km:,.1f} km, {self.total_hours:,.1f} h, cost {self.total_cost:,.0f}"
            f" + shelf life consumed {self.shelf_life_cost:,.0f}"
            f" + late for pre-cooling {self.precool_late_cost:,.0f}"
            f" + left out {self.left_out_cost:,.0f} = {self.day_cost:,.0f}",
        ]
        if "precool_late_lots" in self.stats:
            s = self.stats
            lines.append(f"{s['precool_late_lots']:.0f} lots ({s['precool_late_kg']:,.0f} kg) unloaded after the "
                         f"pre-cooling target; harvest to unloading {s['precool_hours_mean']:.1f} h mean (by kg), "
                         f"{s['precool_hours_median']:.1f} h median, {s['precool_hours_max']:.1f} h longest")
        if self.deliveries:
            worst = min(self.deliveries, key=lambda d: d.budget_left_s)
            lines.append(f"tightest lot {worst.lot_id}: {duration(worst.budget_left_s)} (reference time) "
                         "of pre-cooling budget left")
        reasons: dict[str, int] = {}
        for u in self.unassigned:
            reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
        for reason, count in sorted(reasons.items()):
            lines.append(f"  unassigned {reason}: {count}")
        for route in self.routes:
            lines.append(f"  {route.vehicle_id}: {len(route.lot_ids)} lots, {route.trips} trip(s), "
                         f"{route.km:.1f} km, {duration(route.duration_s)}")
        return "\n".join(lines)
