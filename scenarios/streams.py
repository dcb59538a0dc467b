"""Seeded random streams: one independent numpy Generator per (run, day, part).

Every draw of a replication comes from ``SeedSequence(seed, spawn_key=(run,
day, part))``, so a run's numbers do not depend on which worker runs it or
how many there are, and two scenarios with the same seed see the same
demand, harvest and weather draws where they do not differ (common random
numbers, which sharpen comparisons of policies)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Part(IntEnum):
    WEATHER = 0
    DEMAND = 1
    HARVEST = 2
    EXECUTION = 3
    PLANNER = 4
    DISRUPTION = 100  # + the disruption's index


def rng_for(seed: int, run: int, day: int, part: int) -> np.random.Generator:
    """The Generator of ``part`` on ``day`` of replication ``run``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run, day, int(part))))


def planner_seed(seed: int, run: int, day: int) -> int:
    """The seed the daily planner gets (a 31-bit integer)."""
    return int(rng_for(seed, run, day, Part.PLANNER).integers(0, 2**31 - 1))
