"""Reading typed fields from one row of a case file, collecting problems
("orders.csv row 17, kg: must be > 0, got -3") instead of stopping at the first."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, time
from functools import lru_cache
from typing import TypeVar

from ..domain.units import parse_datetime, to_seconds

T = TypeVar("T")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
MAX_NUMBER = 1e15  # no kg, cost or duration in a case comes near; days * 86,400 stays finite


class RowReader:
    """Typed access to one row; every problem goes to ``problems`` with the
    file, the row (as a spreadsheet shows it, header = row 1) and the field."""

    __slots__ = ("failed", "file", "place", "problems", "row", "values", "warnings")

    def __init__(
        self, file: str, row: int, values: Mapping[str, object], problems: list[str],
        *, place: str = "", warnings: list[str] | None = None,
    ) -> None:
        self.file, self.row, self.values, self.problems = file, row, values, problems
        self.place = place  # e.g. "products.toml [lychee]" instead of "file row n"
        self.failed = False  # a problem was reported for this row
        self.warnings = [] if warnings is None else warnings  # legal but implausible values

    @property
    def where(self) -> str:
        return self.place or f"{self.file} row {self.row}"

    def problem(self, field: str, message: str) -> None:
        self.failed = True
        self.problems.append(f"{self.where}, {field}: {message}")

    def warn(self, field: str, message: str) -> None:
        self.warnings.append(f"{self.where}, {field}: {message}")

    def raw(self, field: str) -> str:
        value = self.values.get(field, "")
        if type(value) is str:
            return value.strip()
        return "" if value is None else str(value).strip()

    def text(self, field: str, *, required: bool = True, default: str = "") -> str:
        value = self.raw(field)
        if not value and required:
            self.problem(field, "is required")
        return value or default

    def number(
        self, field: str, *, default: float | None = None, minimum: float | None = None,
        positive: bool = False,
    ) -> float:
        text = self.raw(field)  # read once: a case has hundreds of thousands of cells
        if not text:
            if default is None:
                self.problem(field, "is required")
                return 0.0
            value = float(default)
        else:
            try:
                value = float(text)
            except ValueError:
                self._not_a(field, "a number", text)
                return float(default or 0.0)
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            self.problem(field, f"must be a finite number (at most 1e15), got {text!r}")
            return float(default or 0.0)
        if positive and value <= 0:
            self.problem(field, f"must be > 0, got {text}")
        elif minimum is not None and value < minimum:
            self.problem(field, f"must be >= {minimum:g}, got {text}")
        return value

    def _not_a(self, field: str, kind: str, value: str) -> None:
        hint = ""
        if _COMMA_DECIMAL.match(value):
            hint = ' (a decimal comma: declare decimal = "," under [files] in settings.toml)'
        self.problem(field, f"must be {kind}, got {value!r}{hint}")

    def optional_number(self, field: str, *, positive: bool = False) -> float | None:
        if not self.raw(field):
            return None
        return self.number(field, positive=positive)

    def integer(self, field: str, *, default: int | None = None, minimum: int | None = None) -> int:
        text = self.raw(field)
        if not text:
            if default is None:
                self.problem(field, "is required")
            return default or 0
        try:
            value = int(text)
        except ValueError:
            self._not_a(field, "a whole number", text)
            return default or 0
        if minimum is not None and value < minimum:
            self.problem(field, f"must be >= {minimum}, got {text}")
        return value

    def boolean(self, field: str, *, default: bool = False) -> bool:
        value = self.raw(field).lower()
        if not value:
            return default
        if value in {"1", "true", "yes", "y"}:
            return True
        if value in {"0", "false", "no", "n"}:
            return False
        self.problem(field, f"must be true or false, got {value!r}")
        return default

    def choice(self, field: str, choices: type[T], *, required: bool = True) -> T | None:
        value = self.raw(field)
        if not value:
            if required:
                self.problem(field, "is required")
            return None
        try:
            return choices(value)  # type: ignore[call-arg]
        except ValueError:
            allowed = ", ".join(c.value for c in choices)  # type: ignore[attr-defined]
            self.problem(field, f"must be one of {allowed}; got {value!r}")
            return None

    def moment(self, field: str, epoch: datetime, tz: str, *, required: bool = True) -> int:
        """Engine seconds from an ISO 8601 datetime or an ``HH:MM`` on the first day."""
        value = self.raw(field)
        if not value:
            if required:
                self.problem(field, "is required")
            return 0
        try:
            return clock_or_iso(value, epoch, tz)
        except ValueError:
            self.problem(field, f"must be an ISO 8601 datetime or HH:MM, got {value!r}")
            return 0

    def listing(self, field: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.raw(field).split(";") if x.strip())


@lru_cache(maxsize=65_536)  # orders share their deadlines: parse each text once
def clock_or_iso(value: str, epoch: datetime, tz: str, *, day: int = 0) -> int:
    """``HH:MM`` on day ``day`` of the case (24:00 allowed) or a full ISO datetime."""
    if len(value) <= 5 and ":" in value:
        hh, mm = value.split(":")
        minutes = int(hh) * 60 + int(mm)
        if not 0 <= minutes <= 24 * 60 or not 0 <= int(mm) < 60:
            raise ValueError(value)
        return day * 86_400 + minutes * 60
    if "T" not in value and len(value) == 10:
        moment = datetime.combine(datetime.fromisoformat(value).date(), time(0))
        return to_seconds(parse_datetime(moment.isoformat(), tz), epoch)
    return to_seconds(parse_datetime(value, tz), epoch)


def duration_s(hours: float = 0.0, minutes: float = 0.0) -> int:
    return round(hours * 3600 + minutes * 60)
