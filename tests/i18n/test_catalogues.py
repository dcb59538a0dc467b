"""The catalogues: every message the outputs use has a Vietnamese translation,
and numbers, money and times follow each locale."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from planner.i18n import LOCALES, Lang

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("**/templates/**", "ignore"), ("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2)}


def _used() -> set[str]:
    found = set()
    for folder in ("planner/outputs", "planner/i18n"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, METHODS, keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_is_in_the_catalogue(lang) -> None:
    with (LOCALES / lang / "LC_MESSAGES" / "planner.po").open("rb") as f:
        catalog = read_po(f)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    missing = sorted(_used() - known)
    assert not missing, "\n".join(missing)
    if lang == "vi":
        untranslated = [m.id for m in catalog if m.id and not (
            all(m.string) if isinstance(m.string, tuple) else m.string)]
        assert not untranslated


def test_numbers_money_and_times_per_locale() -> None:
    t = datetime(2025, 6, 12, 4, 11, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    vi, en = Lang("vi"), Lang("en")
    assert vi.money(4_518_347) == "4.518.347\xa0₫" and en.money(4_518_347) == "₫4,518,347"
    assert vi.day_clock(t) == "12/06 04:11" and en.clock(t) == "04:11"
    assert vi.kg(1234.5) == "1,2 t" and en.kg(1234.5) == "1.2 t" and vi.kg(150) == "150 kg"
    assert vi.duration(4800) == "1 tiếng 20 phút" and en.duration(240) == "4 minutes"
    assert vi.n_("{n} box", "{n} boxes", 1200) == "1.200 thùng"
    assert en.n_("{n} box", "{n} boxes", 1) == "1 box"


def test_rates_are_never_rounded_up_to_100_or_down_to_0() -> None:
    en = Lang("en")
    assert en.pct(11_996, 12_000) == "99.9 %"  # 99.97 % shown as 99.9, not 100.0
    assert en.pct(12_000, 12_000) == "100.0 %" and en.pct(1, 100_000) == "0.1 %"
    assert en.pct(0, 5) == "0.0 %" and en.pct(0, 0) == "—"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        Lang("fr")
