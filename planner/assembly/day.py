"""Choose the part of a case one daily plan covers."""

from __future__ import annotations

from datetime import date

from ..domain import Case
from ..domain.units import DAY, to_datetime


def days_of(case: Case) -> list[date]:
    """The local dates on which the case's lots are ready."""
    s = case.settings
    return sorted({to_datetime(lot.ready, s.epoch, s.timezone).date() for lot in case.lots})


def restrict_to_day(case: Case, day: date) -> Case:
    """The case reduced to the lots ready on ``day`` and the orders placed
    before that day ends; raise ValueError naming the dates that have lots."""
    s = case.settings
    start = (day - s.epoch.date()).days * DAY
    end = start + DAY
    lots = tuple(lot for lot in case.lots if start <= lot.ready < end)
    if not lots:
        listed = ", ".join(d.isoformat() for d in days_of(case)) or "none"
        msg = f"no lots are ready on {day.isoformat()} (dates with lots: {listed})"
        raise ValueError(msg)
    orders = tuple(o for o in case.orders if o.ordered < end)
    return case.replace(lots=lots, orders=orders)
