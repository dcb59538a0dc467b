"""Temperature-dependent shelf-life consumption.

A product keeps ``L_ref`` seconds at its reference temperature. At another
temperature ``T`` it loses shelf life ``rate(T)`` times as fast, so one second
at ``T`` consumes ``rate(T)`` reference seconds. Remaining shelf life is kept in
reference seconds and integrated over (duration, temperature) legs:
``consumed = sum(duration_i * rate(T_i))`` (Jedermann et al. 2014; Giannakourou
& Taoukis 2020).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..domain.products import KineticsModel, ProductProfile

GAS_CONSTANT = 8.314462618  # J / (mol K)
KELVIN = 273.15


@runtime_checkable
class FreshnessModel(Protocol):
    """What routing and consolidation need from a shelf-life model."""

    ref_shelf_life_s: int

    def rate(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        """Reference seconds consumed per second at ``temp_c``."""
        ...

    def consumed(self, durations_s: ArrayLike, temps_c: ArrayLike) -> float:
        """Reference seconds consumed over legs of (duration, temperature)."""
        ...

    def shelf_life_at(self, temp_c: float) -> float:
        """Total shelf life in seconds when kept at ``temp_c`` from fresh."""
        ...

    def seconds_until(self, budget_s: float, temp_c: float) -> float:
        """Seconds at ``temp_c`` that consume ``budget_s`` reference seconds."""
        ...


class _Integrating:
    ref_shelf_life_s: int

    def rate(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        raise NotImplementedError

    def consumed(self, durations_s: ArrayLike, temps_c: ArrayLike) -> float:
        durations = np.asarray(durations_s, dtype=np.float64)
        if np.any(durations < 0):
            raise ValueError("leg durations must be >= 0")
        return float(np.sum(durations * self.rate(temps_c)))

    def consumed_many(self, durations_s: ArrayLike, temps_c: ArrayLike) -> NDArray[np.float64]:
        """Row-wise consumption for a 2-D array of legs (one row per item)."""
        durations = np.asarray(durations_s, dtype=np.float64)
        if np.any(durations < 0):
            raise ValueError("leg durations must be >= 0")
        return np.sum(durations * self.rate(temps_c), axis=-1)

    def remaining(
        self, legs: Sequence[tuple[float, float]], *, initial_s: float | None = None
    ) -> float:
        """Reference seconds left after ``legs`` (may go negative: spoiled)."""
        start = self.ref_shelf_life_s if initial_s is None else initial_s
        if not legs:
            return float(start)
        durations, temps = zip(*legs, strict=True)
        return start - self.consumed(durations, temps)

    def shelf_life_at(self, temp_c: float) -> float:
        return self.ref_shelf_life_s / float(self.rate(temp_c))

    def seconds_until(self, budget_s: float, temp_c: float) -> float:
        return max(budget_s, 0.0) / float(self.rate(temp_c))


@dataclass(frozen=True, slots=True)
class Q10Model(_Integrating):
    """``rate(T) = q10 ** ((T - T_ref) / 10)``."""

    ref_temp_c: float
    ref_shelf_life_s: int
    q10: float

    def rate(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        temps = np.asarray(temp_c, dtype=np.float64)
        return np.power(self.q10, (temps - self.ref_temp_c) / 10.0)


@dataclass(frozen=True, slots=True)
class ArrheniusModel(_Integrating):
    """``rate(T) = exp(-Ea/R * (1/T - 1/T_ref))`` with T in kelvin."""

    ref_temp_c: float
    ref_shelf_life_s: int
    activation_energy_j_mol: float

    def rate(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        temps = np.asarray(temp_c, dtype=np.float64) + KELVIN
        ref = self.ref_temp_c + KELVIN
        return np.exp(-self.activation_energy_j_mol / GAS_CONSTANT * (1.0 / temps - 1.0 / ref))


def model_for(product: ProductProfile) -> Q10Model | ArrheniusModel:
    """The freshness model a product profile asks for."""
    if product.model is KineticsModel.ARRHENIUS:
        return ArrheniusModel(
            product.ref_temp_c, product.ref_shelf_life_s, product.activation_energy_j_mol
        )
    return Q10Model(product.ref_temp_c, product.ref_shelf_life_s, product.q10)
