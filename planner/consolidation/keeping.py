"""How supply keeps at its packing house until its freight leaves.

Fruit pre-cooled at a house with a cold store waits at ``storage_temp_c``
(one rate); at a house without pre-cooling it waits at the case's ambient
temperature, which changes on the hour (``CaseSettings.ambient_at``, a
24-hour profile). Either way the shelf life spent between two instants is
the difference of a consumption clock ``clock(t)`` (reference seconds spent
from the epoch), exact by the hour and defined for any instant, before the
epoch too (lots carried over from the previous day).

A supply's ``potential`` is its shelf life left plus the clock at its
availability: what it has left at ``t`` is ``potential - clock(t)``, so
supplies of one house and product compare by potential (first expired,
first out) and the freshest supply available by a time is a running maximum.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..domain import Case
from ..domain.units import DAY, HOUR
from ..freshness import FreshnessModel
from .supply import Supply


class Keeping:
    """Consumption clocks per product, in the cold store and at ambient."""

    def __init__(self, case: Case, models: Mapping[str, FreshnessModel], storage_temp_c: float) -> None:
        self._cold = {p: float(m.rate(storage_temp_c)) for p, m in models.items()}
        self._hourly: dict[str, np.ndarray] = {}
        self._prefix: dict[str, np.ndarray] = {}
        temps = np.array(case.settings.ambient_c, dtype=np.float64)
        for p, m in models.items():
            rates = np.asarray(m.rate(temps), dtype=np.float64)
            self._hourly[p] = rates
            self._prefix[p] = np.concatenate([[0.0], np.cumsum(rates * HOUR)])

    def cold_rate(self, product: str) -> float:
        return self._cold[product]

    def clock(self, product: str, cooled: bool, t: float) -> float:
        """Reference seconds spent from the epoch to ``t`` kept this way."""
        if cooled:
            return self._cold[product] * t
        days, rest = divmod(t, DAY)
        hour = int(rest // HOUR)
        prefix = self._prefix[product]
        return float(days * prefix[-1] + prefix[hour] + self._hourly[product][hour] * (rest - hour * HOUR))

    def potential(self, s: Supply) -> float:
        return s.shelf_life_left_s + self.clock(s.product, s.cooled, s.available_at)

    def left_at(self, s: Supply, t: float) -> float:
        """Reference seconds ``s`` has left at ``t`` (its shelf life before it is available)."""
        if t <= s.available_at:
            return float(s.shelf_life_left_s)
        return self.potential(s) - self.clock(s.product, s.cooled, t)

    def spent(self, s: Supply, t: float) -> float:
        """Reference seconds ``s`` spends waiting from its availability to ``t``."""
        return s.shelf_life_left_s - self.left_at(s, t)
