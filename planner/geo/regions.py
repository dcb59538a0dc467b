"""ISO 3166-1 countries and ISO 3166-2 subdivisions, from pycountry.

A region is stored as the subdivision code without its country prefix
(``FL`` for ``US-FL``), as market rules name them (``forbidden_regions``)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

_NOISE = ("city", "province", "prefecture", "state", "municipality", "thanhpho", "tinh")


def fold(text: str) -> str:
    """Lower case, no diacritics, letters and digits only ("Hà Nội" -> "hanoi")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed.casefold() if c.isalnum() and not unicodedata.combining(c))


def bare(folded: str) -> str:
    """A folded name without a leading or trailing unit word (city, province, tinh...)."""
    for word in _NOISE:
        if folded.endswith(word) and len(folded) > len(word) + 2:
            return folded[: -len(word)]
        if folded.startswith(word) and len(folded) > len(word) + 2:
            return folded[len(word):]
    return folded


@cache
def country_name(code: str) -> str:
    """The country's common name, or "" when ``code`` is not an ISO 3166-1 alpha-2 code."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return "" if country is None else str(getattr(country, "common_name", country.name))


@cache
def country_guess(text: str) -> str:
    """The alpha-2 code a person probably meant by ``text`` ("USA", "Viet Nam"), or ""."""
    import pycountry

    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        return ""


@cache
def subdivisions(country: str) -> dict[str, str]:
    """Top-level subdivisions of ``country``: code without prefix -> name."""
    import pycountry

    found = pycountry.subdivisions.get(country_code=country.upper()) or []
    return {s.code.split("-", 1)[1]: s.name for s in found if not s.parent_code}


@cache
def _by_name(country: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in subdivisions(country).items():
        names.setdefault(fold(name), code)
        names.setdefault(bare(fold(name)), code)
    return names


@dataclass(frozen=True, slots=True)
class Region:
    """What a region cell names: ``code`` (without prefix) when it is a
    subdivision of the country, ``by_name`` when it was written as a name."""

    code: str
    name: str = ""
    by_name: bool = False
    former: str = ""  # Vietnam: the province merged on 1 July 2025 that the value named, "Bắc Giang (VN-54)"


@lru_cache(maxsize=4096)
def region_of(country: str, value: str) -> Region | None:
    """The subdivision of ``country`` that ``value`` names by code (``FL``,
    ``US-FL``) or by name (``Florida``, ``Hà Nội``); None when none does.

    Vietnam's provinces are those of 2025 (34), by their code or name or those
    of the 63 before 1 July 2025 (see :func:`planner.geo.vietnam.iso_province`)."""
    if country.upper() == "VN":
        from .vietnam import iso_province

        province = iso_province(value)
        if province is None:
            return None
        typed = value.strip().upper().removeprefix("VN-")
        return Region(province.code, province.name, by_name=typed not in subdivisions("VN"), former=province.former)
    subs = subdivisions(country)
    text = value.strip()
    upper = text.upper()
    prefix = f"{country.upper()}-"
    code = upper[len(prefix):] if upper.startswith(prefix) else upper
    if code in subs:
        return Region(code, subs[code])
    folded = fold(text)
    found = _by_name(country).get(folded) or _by_name(country).get(bare(folded))
    return Region(found, subs[found], by_name=True) if found else None


def region_code(country: str, value: str) -> str:
    """The stored form of a region: its ISO 3166-2 code without prefix when
    ``value`` names a subdivision of ``country``, else ``value`` as written."""
    found = region_of(country, value) if value and country else None
    return found.code if found else value
