"""Seeded random streams: one independent numpy Generator per (run, day, part).

Every draw of a replication comes from ``SeedSequence(seed, spawn_key=(run,
day, part))``, so a run's numbers do not depend on which worker runs it or
how many there are, and two scenarios with the same seed see the same
demand, harvest and weather draws where they do not differ (common random
numbers, which sharpen comparisons of policies)."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from enum import IntEnum

import numpy as np


class Part(IntEnum):
    WEATHER = 0
    DEMAND = 1
    HARVEST = 2
    EXECUTION = 3
    PLANNER = 4
    SAMPLE = 5  # the sample's randomised rounding of vehicles and lane units
    DISRUPTION = 100  # + the disruption's index


def rng_for(seed: int, run: int, day: int, part: int) -> np.random.Generator:
    """The Generator of ``part`` on ``day`` of replication ``run``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run, day, int(part))))


def keyed_streams(seed: int, run: int, day: int, part: int) -> Callable[[str], np.random.Generator]:
    """A Generator per name (a vehicle, a lane's departure) on ``day`` of run
    ``run``: what one thing draws does not depend on what else the plan has,
    so two scenarios whose plans share a departure draw the same delay for
    it (synchronised common random numbers)."""

    def streams(key: str) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(
            seed, spawn_key=(run, day, int(part), zlib.crc32(key.encode("utf-8")))))

    return streams


def planner_seed(seed: int, run: int, day: int) -> int:
    """The seed the daily planner gets (a 31-bit integer)."""
    return int(rng_for(seed, run, day, Part.PLANNER).integers(0, 2**31 - 1))
