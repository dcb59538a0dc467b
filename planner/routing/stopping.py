"""Stopping an OR-Tools routing search from the caller's progress callback.

A job's progress callback raises (an API job cancelled, a Ctrl-C) to stop
the work. Inside OR-Tools such an exception would be lost: the solution
callback runs in C++ and the error is swallowed. :class:`SearchStopper`
calls the progress callback at each solution and, through a custom search
limit, at least every ``poll_s`` seconds in between (so a cancel is seen
while the search is building its first solution or wandering between
improvements); when the callback raises, it asks the routing model to
cancel the search and re-raises the exception once the solve returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Progress = Callable[[float, str], None]


class SearchStopper:
    """Progress reporting and cancellation for one ``RoutingModel`` solve."""

    def __init__(self, routing: Any, progress: Progress | None, *, poll_s: float = 0.5) -> None:
        self.routing = routing
        self.progress = progress
        self.poll_s = poll_s
        self.error: BaseException | None = None
        self._last_poll = time.monotonic()
        self._fraction, self._message = 0.0, "searching"
        if progress is not None:
            solver = routing.solver()
            routing.AddSearchMonitor(solver.CustomLimit(self._limit_reached))

    def report(self, fraction: float, message: str) -> None:
        """Pass progress on; an exception from the callback cancels the search."""
        self._fraction, self._message = fraction, message
        self._last_poll = time.monotonic()
        if self.progress is None or self.error is not None:
            return
        try:
            self.progress(fraction, message)
        except BaseException as exc:  # noqa: BLE001 - re-raised by raise_if_stopped
            self.error = exc
            self.routing.CancelSearch()

    def _limit_reached(self) -> bool:
        if self.error is None and time.monotonic() - self._last_poll >= self.poll_s:
            self.report(self._fraction, self._message)
        return self.error is not None

    def raise_if_stopped(self) -> None:
        """Re-raise what the progress callback raised during the solve."""
        if self.error is not None:
            raise self.error
