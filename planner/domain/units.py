"""Engine units, said once.

Inside the engine every time is an ``int`` number of seconds from the case's
planning epoch, every distance an ``int`` number of metres, every weight a
``float`` number of kilograms, every temperature degrees Celsius, and every
shelf life an ``int`` number of seconds *at the product's reference
temperature* ("reference seconds"). Datetimes, hours, days and kilometres only
appear at the edges (case files, CLI, API, reports), converted here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

MINUTE = 60
HOUR = 3600
DAY = 86_400


def to_seconds(moment: datetime, epoch: datetime) -> int:
    """Seconds from ``epoch`` to ``moment`` (both timezone-aware)."""
    if moment.tzinfo is None:
        msg = f"datetime {moment.isoformat()} has no time zone"
        raise ValueError(msg)
    return round((moment - epoch).total_seconds())


def to_datetime(seconds: int | float, epoch: datetime, tz: str | None = None) -> datetime:
    """The aware datetime ``seconds`` after ``epoch`` (in ``tz`` if given)."""
    moment = epoch + timedelta(seconds=float(seconds))
    return moment.astimezone(ZoneInfo(tz)) if tz else moment


def parse_datetime(text: str, tz: str) -> datetime:
    """Parse ISO 8601; naive values are taken in the case's time zone ``tz``."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment


def hours(value: float) -> int:
    return round(value * HOUR)


def days(value: float) -> int:
    return round(value * DAY)


def km(value: float) -> int:
    return round(value * 1000)
