"""The travel-time provider protocol every engine uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..domain.geo import Location


@dataclass(frozen=True)
class TravelMatrix:
    """``seconds[i, j]`` and ``metres[i, j]`` from origin i to destination j (int64)."""

    seconds: NDArray[np.int64]
    metres: NDArray[np.int64]

    def __post_init__(self) -> None:
        if self.seconds.shape != self.metres.shape:
            raise ValueError("seconds and metres matrices differ in shape")


@runtime_checkable
class TravelTimeProvider(Protocol):
    """Seconds and metres between points for a vehicle profile
    (``motorbike``, ``truck``...)."""

    def matrix(
        self,
        origins: Sequence[Location],
        destinations: Sequence[Location],
        profile: str,
    ) -> TravelMatrix: ...
