"""Vietnamese and English for the page: the ``web`` gettext domain
(``api/web/locale/LANG/LC_MESSAGES/web.po``, compiled to ``web.mo``), and
numbers, kilograms, money, clock times and durations written the way each
language writes them (Babel), in the case's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import NumberPattern, format_currency, parse_pattern
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "web"
LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


def negotiate(accept_language: str | None) -> str:
    """The best of ``LANGS`` for an Accept-Language header (Vietnamese when none fits)."""
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in (accept_language or "").split(",")]
    found = Locale.negotiate([w for w in wanted if w], list(LANGS), sep="_")
    return str(found.language) if found is not None else DEFAULT_LANG


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (English: the message ids themselves)."""
    return Translations.load(str(LOCALE_DIR), [lang], domain=DOMAIN)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@cache
def _number_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


@cache
def _separators(lang: str) -> tuple[str, str]:
    """(group, decimal) of ``lang``, as Babel's ``#,##0.00`` pattern writes them."""
    sample = _number_pattern(1).apply(1234.5, _locale(lang))
    return sample[1], sample[-2]


def _grouped(value: float, digits: int, lang: str) -> str:
    """``value`` as ``#,##0`` with ``digits`` decimals in ``lang`` (the same text as
    Babel's pattern, rounding half to even, without its Decimal round trip: a
    plan page writes thousands of numbers)."""
    group, decimal = _separators(lang)
    text = f"{value:,.{digits}f}"
    if text in ("-0", "-0." + "0" * digits):
        text = text[1:]
    return text.translate({ord(","): group, ord("."): decimal})


@cache
def _money(value: float, currency: str, lang: str) -> str:
    return format_currency(value, currency, locale=_locale(lang), format_type="standard", currency_digits=True)


@dataclass(frozen=True)
class Words:
    """Everything a template or message needs to speak ``lang`` in ``tz``."""

    lang: str
    tz: str = "Asia/Ho_Chi_Minh"
    currency: str = "VND"

    @property
    def t(self) -> Translations:
        return translations(self.lang)

    def _(self, message: str, **values: object) -> str:
        text = self.t.gettext(message)
        return text % values if values else text

    def n_(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.t.ngettext(singular, plural, n) % {"n": n, **values}

    def moment(self, value: str | datetime) -> datetime:
        when = datetime.fromisoformat(value) if isinstance(value, str) else value
        return when.astimezone(ZoneInfo(self.tz))

    def clock(self, value: str | datetime) -> str:
        """``09:44 12/06`` in the case's time zone (the same digits in both languages)."""
        return self.moment(value).strftime("%H:%M %d/%m")

    def hour(self, value: str | datetime) -> str:
        return self.moment(value).strftime("%H:%M")

    def day(self, value: str | datetime) -> str:
        return format_datetime(self.moment(value), "EEEE dd/MM/yyyy", locale=_locale(self.lang))

    def number(self, value: float, digits: int = 0) -> str:
        """``4.518.347`` (Vietnamese) or ``4,518,347`` (English)."""
        return _grouped(value, digits, self.lang)

    def value(self, value: float) -> str:
        """A measured value with the digits that matter: ``14.776``, ``0,952``, ``3,14``."""
        size = abs(value)
        return self.number(value, 0 if size >= 100 else 2 if size >= 1 else 3)

    def kg(self, value: float) -> str:
        whole = abs(value - round(value)) < 0.05 or abs(value) >= 1000
        return f"{self.number(value, 0 if whole else 1)} kg"

    def money(self, value: float) -> str:
        return _money(float(value), self.currency, self.lang)

    def percent(self, value: float) -> str:
        return f"{self.number(100 * value, 0)} %"

    def duration(self, seconds: float) -> str:
        """``45 s``, ``12 min``, ``3 h 20 min`` (Vietnamese: ``3 giờ 20 phút``), ``2,4 days``."""
        s = abs(float(seconds))
        sign = "-" if seconds < 0 else ""
        if s < 60:
            return sign + self._("%(n)s s", n=self.number(s))
        if s < 3600:
            return sign + self._("%(n)s min", n=self.number(s / 60))
        if s < 2 * 86400:
            h, m = divmod(round(s / 60), 60)
            return sign + (self._("%(h)s h %(m)s min", h=h, m=f"{m:02d}") if m else self._("%(h)s h", h=h))
        return sign + self._("%(n)s days", n=self.number(s / 86400, 1))

    def days(self, value: float) -> str:
        return self._("%(n)s days", n=self.number(value, 1))
