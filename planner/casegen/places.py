"""The place facts the generators use (communes, districts, climate)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float
    lon: float
    weight: float
    new_name: str = ""


@dataclass(frozen=True, slots=True)
class People:
    """Name parts and number prefixes for fictitious people."""

    families: tuple[str, ...]
    middle_male: tuple[str, ...]
    middle_female: tuple[str, ...]
    given_male: tuple[str, ...]
    given_female: tuple[str, ...]
    phone_prefix: str
    plate_prefix: dict[str, str]


@dataclass(frozen=True, slots=True)
class Places:
    communes: tuple[Place, ...]
    districts: dict[str, tuple[Place, ...]]
    ambient_c: tuple[float, ...]
    iced_c: float
    vietnamese_old: dict[str, tuple[str, str]]  # ASCII name -> (kind of unit, name)
    vietnamese_new: dict[str, tuple[str, str]]
    people: People

    def vietnamese(self, commune: Place) -> str:
        """The commune's name with diacritics (``Giáp Sơn``)."""
        return self.vietnamese_old[commune.name][1]

    def address(self, commune: Place) -> str:
        """Where a farm of ``commune`` is, old and new unit since the 2025 merger:
        ``xã Giáp Sơn cũ, nay xã Lục Ngạn``, or ``xã Kiên Lao`` when unchanged."""
        old_kind, old = self.vietnamese_old[commune.name]
        new_kind, new = self.vietnamese_new[commune.new_name]
        if (old_kind, old) == (new_kind, new):
            return f"{old_kind} {old}"
        return f"{old_kind} {old} cũ, nay {new_kind} {new}"

    def canonical_commune(self, name: str) -> str:
        """The commune's name after the 1 July 2025 merger, from an old or new name."""
        for c in self.communes:
            if name.strip().lower() in {c.name.lower(), c.new_name.lower()}:
                return c.new_name
        msg = f"unknown commune {name!r}"
        raise KeyError(msg)


@cache
def luc_ngan_places() -> Places:
    data = tomllib.loads((HERE / "luc_ngan_places.toml").read_text(encoding="utf-8"))
    communes = tuple(
        Place(name, lat, lon, weight, new) for name, (lat, lon, new, weight) in data["communes"].items()
    )
    districts = {
        city: tuple(Place(name, lat, lon, share) for name, (lat, lon, share) in rows.items())
        for city, rows in data["districts"].items()
    }
    climate = data["climate"]
    names = {age: {k: (v[0], v[1]) for k, v in data["vietnamese"][age].items()} for age in ("old", "new")}
    p = data["people"]
    people = People(
        families=tuple(p["families"]), middle_male=tuple(p["middle_male"]),
        middle_female=tuple(p["middle_female"]), given_male=tuple(p["given_male"]),
        given_female=tuple(p["given_female"]), phone_prefix=p["phone_prefix"],
        plate_prefix=dict(p["plate_prefix"]),
    )
    return Places(communes, districts, tuple(float(x) for x in climate["ambient_c"]),
                  float(climate["iced_c"]), names["old"], names["new"], people)
