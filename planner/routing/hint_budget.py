"""A work bound on reading hinted routes into an OR-Tools routing model.

``RoutingModel.ReadAssignmentFromRoutes`` restores the hinted routes by a
search over the model's cumul variables. When the routes are tight (breaks,
soft bounds, intake windows) that search can backtrack for minutes: in a
simulated day at sample 0.5 one read took 539 s of a 554 s plan, bounded by
nothing but the 3,600 s guard of a work-bounded (``solution_limit``) solve.

:class:`HintBudget` is a custom search limit, added to the model before it is
closed, that counts the restore search's limit checks while armed and stops
the restore when they exceed ``polls`` (the solve's own time limit, set when
the model is closed, bounds it in seconds too). Counting checks, not seconds,
keeps the plan the same on any machine and under any load; a read stopped by
the budget fails as an infeasible hint does, and the caller searches without
it. Disarmed, the limit never stops anything.
"""

from __future__ import annotations

from typing import Any

HINT_READ_POLLS = 5_000
"""Limit checks all the hint reads of one solve may spend. A read that
succeeds returns its routes even when the budget stops it: the restore keeps
polling after it has found them, so every read spent the whole budget. At
100,000 that was 2.8-3.4 s per plan on the embedded day and 12-17 s on
data/son-la (2-core machine, loaded) for the same plans as at 1,000; 100
fails the embedded day's triage read. 5,000: 0.06-0.9 s, the same plans on
both cases (measured 2026-12-03)."""


class HintBudget:
    """Armed during the hint reads of one solve; see the module docstring."""

    def __init__(self, routing: Any, *, polls: int = HINT_READ_POLLS) -> None:
        self.polls = polls
        self.used = 0
        self.exhausted = False
        self._armed = False
        routing.AddSearchMonitor(routing.solver().CustomLimit(self._limit_reached))

    def arm(self) -> None:
        self._armed = True

    def disarm(self) -> None:
        self._armed = False

    def _limit_reached(self) -> bool:
        if not self._armed:
            return False
        self.used += 1
        if self.used > self.polls:
            self.exhausted = True
        return self.exhausted
