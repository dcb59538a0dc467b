"""Time windows in engine seconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class TimeWindow:
    """A closed interval ``[start, end]`` of seconds from the planning epoch."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"time window ends ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    @property
    def duration(self) -> int:
        return self.end - self.start

    def contains(self, t: int) -> bool:
        return self.start <= t <= self.end


def next_open(windows: Sequence[TimeWindow], t: int) -> int | None:
    """Earliest time >= ``t`` inside one of ``windows`` (sorted), or None."""
    for window in windows:
        if t <= window.end:
            return max(t, window.start)
    return None
