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
class Places:
    communes: tuple[Place, ...]
    districts: dict[str, tuple[Place, ...]]
    ambient_c: tuple[float, ...]
    iced_c: float

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
    return Places(communes, districts, tuple(float(x) for x in climate["ambient_c"]), float(climate["iced_c"]))
