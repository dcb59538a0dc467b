"""One deadline for a whole solve, passed down to every step.

``route_pickups`` makes one :class:`Deadline` from ``params.time_limit_s``
when it starts; the search, the repair rounds, the re-insertion of left-out
lots and each catchment of a decomposed day work towards it (or towards a
share of what is left of it), so the call ends within its limit plus the
time of the steps that cannot stop half-way (closing a route's timing, the
exact checks). The clock is injectable so tests can drive it by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass(frozen=True)
class Deadline:
    """The clock reading ``at`` by which the work must end."""

    at: float
    clock: Clock = field(default=time.perf_counter, compare=False)

    @classmethod
    def after(cls, seconds: float, *, clock: Clock = time.perf_counter) -> Deadline:
        """The deadline ``seconds`` from now on ``clock``."""
        if seconds < 0:
            raise ValueError(f"deadline: seconds must be >= 0, got {seconds}")
        return cls(clock() + seconds, clock)

    def left(self) -> float:
        """Seconds left (0 once passed)."""
        return max(self.at - self.clock(), 0.0)

    def expired(self) -> bool:
        return self.clock() >= self.at

    def share(self, fraction: float) -> Deadline:
        """A deadline ``fraction`` (0-1] of the way from now to this one."""
        if not 0.0 < fraction <= 1.0:
            raise ValueError(f"deadline: fraction must be in (0, 1], got {fraction}")
        now = self.clock()
        return Deadline(now + max(self.at - now, 0.0) * fraction, self.clock)

    def minus(self, seconds: float) -> Deadline:
        """This deadline brought ``seconds`` earlier (time kept for later steps)."""
        return Deadline(self.at - max(seconds, 0.0), self.clock)
