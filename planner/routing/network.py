"""The pickup problem as nodes and vehicles: domain objects to indices and back.

Node order: one start and one end node per physical vehicle (vehicle ``v``
starts at node ``2 v`` and ends at ``2 v + 1``), then one pickup
node per lot and one delivery node per (lot, allowed packing house).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..domain import Case, HarvestLot, Location, Site, SiteKind, VehicleType
from ..travel import TravelMatrix, TravelTimeProvider
from ..travel.traffic import TimeDependentTimes, corridor_shares

NodeKind = Literal["start", "end", "pickup", "delivery"]


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One physical vehicle: the ``k``-th (1-based) of its type, ``type#k``."""

    id: str
    type: VehicleType


def expand_fleet(case: Case) -> list[Vehicle]:
    return [Vehicle(f"{vt.id}#{k}", vt) for vt in case.vehicle_types for k in range(1, vt.count + 1)]


@dataclass(frozen=True, slots=True)
class Node:
    kind: NodeKind
    site: int
    lot: HarvestLot | None = None
    vehicle: int | None = None


def lot_boxes(case: Case, lot: HarvestLot) -> int:
    """Boxes of a lot; when not given, from the product's kg per box."""
    if lot.boxes > 0:
        return lot.boxes
    return math.ceil(lot.kg / case.product_by_id[lot.product].kg_per_box)


@dataclass(frozen=True)
class Fleet:
    """Per vehicle (by index): its end site, cost per km and cost per hour."""

    end: NDArray[np.int64]
    per_km: NDArray[np.float64]
    per_hour: NDArray[np.float64]


@dataclass
class Network:
    """Sites, travel matrices per profile, vehicles and nodes of one solve.

    In rush hours (``rush[profile]``, the case's slow periods for that
    profile) ``matrices[profile].seconds`` are the search's times: each arc's
    worst over the profile's shifts, so a route the search finds feasible is
    feasible when :meth:`drive` times it exactly (travel is FIFO)."""

    case: Case
    sites: list[Site]
    matrices: dict[str, TravelMatrix]
    vehicles: list[Vehicle]
    nodes: list[Node] = field(default_factory=list)
    pickup: dict[str, int] = field(default_factory=dict)
    delivery: dict[str, dict[str, int]] = field(default_factory=dict)
    rush: dict[str, TimeDependentTimes] = field(default_factory=dict)
    _legs: dict[str, NDArray[np.int64]] = field(default_factory=dict, repr=False, compare=False)
    _fleet: Fleet | None = field(default=None, repr=False, compare=False)
    _boxes: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    pricers: dict[tuple[int, int], Any] = field(default_factory=dict, repr=False, compare=False)  # (:mod:`.price_kernel`)
    travels: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # (:func:`.reinsert._travel`)

    def boxes(self, lot: HarvestLot) -> int:
        """:func:`lot_boxes` of ``lot``, remembered by its id (the re-timer asks at each of its visits)."""
        found = self._boxes.get(lot.id)
        if found is None:
            found = self._boxes[lot.id] = lot_boxes(self.case, lot)
        return found

    def site_index(self, site_id: str) -> int:
        return next(i for i, s in enumerate(self.sites) if s.id == site_id)

    @property
    def starts(self) -> list[int]:
        return list(range(0, 2 * len(self.vehicles), 2))

    @property
    def ends(self) -> list[int]:
        return list(range(1, 2 * len(self.vehicles), 2))

    def seconds(self, profile: str, a: int, b: int) -> int:
        return int(self.matrices[profile].seconds[a, b])

    def legs(self, profile: str) -> NDArray[np.int64]:
        """Per pair of sites ``[a, b]``: metres, seconds and free-flow seconds
        (those outside the rush hours; without them, the seconds), one array
        of shape (sites, sites, 3): a route's legs are looked up at once."""
        if profile not in self._legs:
            rush, matrix = self.rush.get(profile), self.matrices[profile]
            free = matrix.seconds if rush is None else rush.base
            self._legs[profile] = np.stack([matrix.metres, matrix.seconds, free], axis=-1).astype(np.int64)
        return self._legs[profile]

    def fleet(self) -> Fleet:
        """Per vehicle, its end site and its type's rates, as arrays (every
        vehicle's trip bound is computed at once)."""
        if self._fleet is None:
            types = [v.type for v in self.vehicles]
            self._fleet = Fleet(end=np.array([self.nodes[2 * k + 1].site for k in range(len(types))], dtype=np.int64),
                                per_km=np.array([vt.cost_per_km for vt in types], dtype=np.float64),
                                per_hour=np.array([vt.cost_per_hour for vt in types], dtype=np.float64))
        return self._fleet

    def drive(self, profile: str, a: int, b: int, depart: int) -> int:
        """Exact seconds from site ``a`` to site ``b`` leaving at ``depart``
        (slowed in rush hours; the checkers' re-timer drives the same)."""
        rush = self.rush.get(profile)
        return self.seconds(profile, a, b) if rush is None else rush.seconds(a, b, depart)

    def latest_departure(self, profile: str, a: int, b: int, arrive: int) -> int:
        """The latest time to leave site ``a`` and reach site ``b`` by ``arrive``
        (the arrival is monotone in the departure: a bisection)."""
        rush = self.rush.get(profile)
        if rush is None:
            return arrive - self.seconds(profile, a, b)
        lo, hi = arrive - self.seconds(profile, a, b), arrive - int(rush.base[a, b])
        while lo < hi:  # lo always arrives in time (the worst bound)
            mid = (lo + hi + 1) // 2
            if mid + rush.seconds(a, b, mid) <= arrive:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def metres(self, profile: str, a: int, b: int) -> int:
        return int(self.matrices[profile].metres[a, b])

    def service(self, i: int, j: int) -> int:
        """Service at node ``i`` spent before travelling to ``j``: a lot's
        loading time; a packing house's unloading once per visit (charged
        when the vehicle leaves the site or ends there)."""
        node = self.nodes[i]
        if node.kind == "pickup":
            assert node.lot is not None
            return node.lot.service_s
        if node.kind == "delivery":
            nxt = self.nodes[j]
            if nxt.site != node.site or nxt.kind == "end":
                return self.case.settings.packing_service_s
        return 0

    def transit(self, profile: str, i: int, j: int) -> int:
        return self.service(i, j) + self.seconds(profile, self.nodes[i].site, self.nodes[j].site)


def build_network(
    case: Case, lots: list[HarvestLot], *, travel: TravelTimeProvider, max_packing_houses: int,
    forced: dict[str, set[str]] | None = None,
) -> Network:
    """Nodes for ``lots``: each may be delivered at its allowed packing houses
    (the ``max_packing_houses`` nearest by road, plus any in ``forced``)."""
    vehicles = expand_fleet(case)
    wanted = {vt.home for vt in case.vehicle_types} | {vt.end_site for vt in case.vehicle_types}
    wanted |= {lot.farm for lot in lots}
    packing = [s.id for s in case.sites_of(SiteKind.PACKING_HOUSE)]
    wanted |= set(packing)
    sites = [s for s in case.sites if s.id in wanted]
    index = {s.id: i for i, s in enumerate(sites)}
    locations = [s.location for s in sites]
    profiles = sorted({vt.profile for vt in case.vehicle_types})
    matrices = {p: travel.matrix(locations, locations, p) for p in profiles}
    rush = rush_hours(case, locations, matrices)
    for p, times in rush.items():
        shifts = [vt.shift for vt in case.vehicle_types if vt.profile == p]
        worst = times.worst(min(s.start for s in shifts), max(s.end for s in shifts))
        matrices[p] = TravelMatrix(worst, matrices[p].metres)
    net = Network(case, sites, matrices, vehicles, rush=rush)
    for v, vehicle in enumerate(vehicles):
        net.nodes.append(Node("start", index[vehicle.type.home], vehicle=v))
        net.nodes.append(Node("end", index[vehicle.type.end_site], vehicle=v))
    metres = matrices[profiles[0]].metres if profiles else np.zeros((len(sites), len(sites)))
    forced = forced or {}
    for lot in lots:
        net.pickup[lot.id] = len(net.nodes)
        net.nodes.append(Node("pickup", index[lot.farm], lot=lot))
        allowed = list(lot.packing_houses) or packing
        farm = index[lot.farm]
        allowed.sort(key=lambda ph: (int(metres[farm, index[ph]]), ph))
        chosen = allowed[:max_packing_houses] + [p for p in allowed[max_packing_houses:]
                                                 if p in forced.get(lot.id, set())]
        net.delivery[lot.id] = {}
        for ph in chosen:
            net.delivery[lot.id][ph] = len(net.nodes)
            net.nodes.append(Node("delivery", index[ph], lot=lot))
    return net


def rush_hours(case: Case, locations: list[Location], matrices: dict[str, TravelMatrix]
               ) -> dict[str, TimeDependentTimes]:
    """Time-dependent travel per profile the case's slow periods slow."""
    settings = case.settings.travel
    out = {}
    shares = None  # the corridors' shares of each arc, the same for every profile: computed once
    for p, matrix in matrices.items():
        if not any(period.applies_to(p) for period in settings.slow_periods):
            continue
        if shares is None:
            shares = corridor_shares(locations, settings.corridors).astype(np.float64)
        times = TimeDependentTimes.build(np.asarray(matrix.seconds, dtype=np.int64), locations,
                                         settings.corridors, settings.slow_periods, p, shares=shares)
        if not times.profile.flat:
            out[p] = times
    return out


def node_arrays(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per node: site index, pickup loading seconds, is-delivery, is-end."""
    site = np.array([n.site for n in net.nodes], dtype=np.int64)
    loading = np.array([n.lot.service_s if n.kind == "pickup" and n.lot else 0 for n in net.nodes],
                       dtype=np.int64)
    delivery = np.array([n.kind == "delivery" for n in net.nodes])
    end = np.array([n.kind == "end" for n in net.nodes])
    return site, loading, delivery, end


def transit_matrix(net: Network, profile: str) -> np.ndarray:
    """``transit[i, j]`` = service at i (see :meth:`Network.service`) + travel."""
    site, loading, delivery, end = node_arrays(net)
    travel = net.matrices[profile].seconds[np.ix_(site, site)]
    unload = delivery[:, None] & ((site[:, None] != site[None, :]) | end[None, :])
    return travel + loading[:, None] + unload * net.case.settings.packing_service_s


def metres_matrix(net: Network, profile: str) -> np.ndarray:
    site = np.array([n.site for n in net.nodes], dtype=np.int64)
    return net.matrices[profile].metres[np.ix_(site, site)]
