"""What consolidation returns: shipments with units and manifests, order
itineraries, unserved orders with reasons, costs and the proven gap."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .reasons import Reason


@dataclass(frozen=True, slots=True)
class Unit:
    """One truck, pallet, ULD or container opened on a shipment; ``fill`` is
    the larger of its kg and box fill ratios."""

    index: int
    kg: float
    boxes: int
    fill: float
    cost: float


@dataclass(frozen=True, slots=True)
class ManifestLine:
    """Part of an order in unit ``unit``, from supply ``supply_id``."""

    order_id: str
    kg: float
    boxes: int
    supply_id: str
    shelf_life_left_at_arrival_s: int
    unit: int


@dataclass(frozen=True, slots=True)
class TreatmentStep:
    """Treatment of ``kg`` (orders ``order_ids``) at ``facility`` before the
    shipment that carries them on."""

    facility: str
    treatment: str
    start: int
    end: int
    kg: float
    order_ids: tuple[str, ...]
    cost: float


@dataclass(frozen=True, slots=True)
class Shipment:
    """One departure of one lane with the units opened on it. ``cost`` is
    freight (per unit, per kg, minimum charges) plus handling."""

    id: str
    lane_id: str
    mode: str
    partner: str
    origin: str
    destination: str
    departure: int
    cutoff: int
    arrival: int
    temperature_c: float
    unit_name: str
    units: tuple[Unit, ...]
    manifest: tuple[ManifestLine, ...]
    treatments: tuple[TreatmentStep, ...]
    freight_cost: float
    handling_cost: float

    @property
    def cost(self) -> float:
        return self.freight_cost + self.handling_cost

    @property
    def kg(self) -> float:
        return sum(u.kg for u in self.units)

    @property
    def treatment_steps(self) -> tuple[TreatmentStep, ...]:
        return self.treatments

    @property
    def order_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.order_id for line in self.manifest))


@dataclass(frozen=True, slots=True)
class OrderItinerary:
    """How an order travels: its shipments in order, when it reaches its
    hub and the shelf life (reference s) it has left then (worst line)."""

    order_id: str
    shipments: tuple[str, ...]
    delivered: int
    shelf_life_left_s: int
    supplies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnservedOrder:
    order_id: str
    reason: Reason
    detail: str


@dataclass(frozen=True)
class ConsolidationResult:
    """``cost`` is what is paid (freight, handling, treatment); ``objective``
    adds the unserved penalties and the value of the shelf life the plan
    spends (``shelf_life_used_kg_days`` kg-days of reference shelf life from
    the packing house to the hubs, worth ``shelf_life_cost``). ``gap`` is
    the relative gap of the SHIPPED plan (after splitting and packing) above
    the class model's proven lower bound (NaN for the baselines, and when no
    bound was proven); ``bound_covers`` says what that bound is a bound of,
    and ``outcome`` how the search ended (a fallback, a gap above the
    threshold), for people."""

    method: str
    shipments: list[Shipment]
    itineraries: dict[str, OrderItinerary]
    unserved: list[UnservedOrder]
    freight_cost: float
    handling_cost: float
    treatment_cost: float
    penalty: float
    gap: float
    seconds: float
    stats: dict[str, float] = field(default_factory=dict)
    shelf_life_used_kg_days: float = 0.0
    shelf_life_cost: float = 0.0
    bound_covers: str = ""
    outcome: tuple[str, ...] = ()

    @property
    def cost(self) -> float:
        return self.freight_cost + self.handling_cost + self.treatment_cost

    @property
    def objective(self) -> float:
        return self.cost + self.penalty + self.shelf_life_cost

    def for_partner(self, partner: str) -> list[Shipment]:
        """The shipments a logistics partner carries, by departure."""
        return sorted((s for s in self.shipments if s.partner == partner),
                      key=lambda s: (s.departure, s.id))

    def units_by_mode(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for s in self.shipments:
            counts[s.mode] += len(s.units)
        return dict(sorted(counts.items()))

    def average_fill(self) -> float:
        fills = [u.fill for s in self.shipments for u in s.units]
        return sum(fills) / len(fills) if fills else 0.0

    def unserved_by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(u.reason.value for u in self.unserved).items()))

    def kg_by_mode(self) -> dict[str, float]:
        kg: dict[str, float] = defaultdict(float)
        for s in self.shipments:
            kg[s.mode] += s.kg
        return dict(sorted(kg.items()))

    def summary(self) -> str:
        gap = "n/a" if self.gap != self.gap else f"{100 * self.gap:.2f} %"
        lines = [
            f"consolidation ({self.method}): {len(self.itineraries)} orders served, "
            f"{len(self.unserved)} unserved, {len(self.shipments)} shipments",
            f"  cost {self.cost:,.0f} (freight {self.freight_cost:,.0f}, handling "
            f"{self.handling_cost:,.0f}, treatment {self.treatment_cost:,.0f}); "
            f"shipped plan {gap} above the proven bound; {self.seconds:.1f} s",
            f"  shelf life spent {self.shelf_life_used_kg_days:,.0f} kg-days, worth "
            f"{self.shelf_life_cost:,.0f}",
            f"  units by mode {self.units_by_mode()}; average fill {100 * self.average_fill():.1f} %",
        ]
        if self.bound_covers:
            lines.append(f"  the bound: {self.bound_covers}")
        lines += [f"  {note}" for note in self.outcome]
        if self.unserved:
            lines.append(f"  unserved by reason {self.unserved_by_reason()}")
        return "\n".join(lines)
