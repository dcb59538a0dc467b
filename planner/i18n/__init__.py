"""Languages of the files people read: gettext catalogues (``locale/LANG/
LC_MESSAGES/planner.po``, read and compiled in memory with Babel) and numbers,
money, weights and clock times formatted by Babel's CLDR data for the locale
(``4.518.347 ₫`` and ``12/06 04:11`` in Vietnamese, ``₫4,518,347`` and
``12/06 04:11`` in English).

The engine never formats for people; only outputs and CLI messages use this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_symbol
from babel.support import NullTranslations, Translations

from ..domain.settings import LANGUAGES

LOCALES = Path(__file__).resolve().parent / "locale"
DOMAIN = "planner"
__all__ = ["LANGUAGES", "N_", "Lang", "translations"]


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark ``message`` for the catalogue without translating it here (a label
    translated later, where the language is known)."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang`` (``vi`` or ``en``), compiled from its .po file."""
    if lang not in LANGUAGES:
        msg = f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})"
        raise ValueError(msg)
    path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Lang:
    """Messages and formats of one language; ``currency`` is an ISO 4217 code."""

    code: str
    currency: str = "VND"
    tr: NullTranslations = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tr", translations(self.code))

    def _(self, message: str, **values: object) -> str:
        """The translation of ``message``, with ``{name}`` fields filled from ``values``."""
        text = self.tr.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self.tr.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.code)

    def money(self, value: float) -> str:
        return format_currency(value, self.currency, locale=self.code, format_type="standard",
                               currency_digits=True)

    @property
    def symbol(self) -> str:
        """The currency's symbol in this locale (``₫``)."""
        return get_currency_symbol(self.currency, locale=self.code)

    def kg(self, value: float) -> str:
        if abs(value) >= 1000:
            return f"{self.number(value / 1000, 1)} t"
        return f"{self.number(value)} kg"

    def pct(self, part: float, whole: float = 1.0) -> str:
        """``part/whole`` as a percentage with one decimal, never rounded up to
        100 % (nor down to 0 %) when it is not exactly that."""
        if whole == 0:
            return "—"
        ratio = part / whole
        shown = round(ratio * 100, 1)
        if shown >= 100 and part < whole:
            shown = 99.9
        elif shown <= 0 and part > 0:
            shown = 0.1
        return f"{self.number(shown, 1)} %"

    def clock(self, moment: datetime) -> str:
        """``04:11``."""
        return format_datetime(moment, "HH:mm", locale=self.code)

    def day_clock(self, moment: datetime) -> str:
        """``12/06 04:11``."""
        return format_datetime(moment, "dd/MM HH:mm", locale=self.code)

    def date(self, moment: datetime) -> str:
        """``Thứ Năm, 12 tháng 6, 2025`` / ``Thursday, 12 June 2025``."""
        return format_datetime(moment, "EEEE, d MMMM y", locale=self.code)

    def duration(self, seconds: float) -> str:
        """``1 giờ 20 phút`` / ``1 hour 20 minutes`` (to the minute)."""
        hours, minutes = divmod(round(seconds / 60), 60)
        parts = [format_timedelta(timedelta(hours=hours), locale=self.code)] if hours else []
        if minutes or not hours:
            parts.append(format_timedelta(timedelta(minutes=minutes), locale=self.code))
        return " ".join(parts)
