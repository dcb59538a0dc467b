"""Engine seconds as people read them: local clock times and durations.

Every user-facing message (check output, unassigned details, validation) says
``09:44 12 Jun`` rather than ``35077`` and ``3 h 20 min`` or ``2.4 days``
rather than a number of seconds. Localised formats (Vietnamese, Babel) belong
to the outputs; these plain forms are for messages and logs.
"""

from __future__ import annotations

from datetime import datetime

from .units import DAY, HOUR, MINUTE, to_datetime


def clock(seconds: int | float, epoch: datetime, tz: str) -> str:
    """``seconds`` after ``epoch`` as a local clock time and day: ``09:44 12 Jun``."""
    try:
        moment = to_datetime(seconds, epoch, tz)
    except (OverflowError, ValueError):
        return f"{seconds} s from the planning epoch"
    return f"{moment:%H:%M %d %b}"


def id_stamp(seconds: int | float, epoch: datetime, tz: str) -> str:
    """``seconds`` after ``epoch`` as local time and day for an identifier:
    ``07h00-12.06`` (seconds added when not whole minutes: ``07h00m30-12.06``).
    Safe in URLs, file names and spreadsheet sheet names (no ``:`` or ``/``)."""
    try:
        moment = to_datetime(seconds, epoch, tz)
    except (OverflowError, ValueError):
        return f"{seconds}s"
    extra = f"m{moment.second:02d}" if moment.second or moment.microsecond else ""
    return f"{moment:%Hh%M}{extra}-{moment:%d.%m}"


def clock_range(start: int | float, end: int | float, epoch: datetime, tz: str) -> str:
    """``09:44-11:00 12 Jun``, or both days when the range crosses midnight."""
    a, b = clock(start, epoch, tz), clock(end, epoch, tz)
    if a[5:] == b[5:]:
        return f"{a[:5]}-{b}"
    return f"{a} - {b}"


def duration(seconds: int | float) -> str:
    """A duration for people: ``45 s``, ``12 min``, ``3 h 20 min``, ``2.4 days``."""
    sign = "-" if seconds < 0 else ""
    s = abs(float(seconds))
    if s < MINUTE:
        return f"{sign}{s:.0f} s"
    if s < HOUR:
        return f"{sign}{s / MINUTE:.0f} min"
    if s < 2 * DAY:
        h, m = divmod(round(s / MINUTE), 60)
        return f"{sign}{h} h {m:02d} min" if m else f"{sign}{h} h"
    return f"{sign}{s / DAY:.1f} days"


def shelf_life(reference_seconds: int | float, reference_c: float) -> str:
    """Shelf life in reference seconds, for people: ``19.2 days at 5 °C``."""
    return f"{duration(reference_seconds)} at {reference_c:g} °C"
