"""The pre-cooling budget: one rule for the engine and the simulator, derived
from the product's harvest-to-pre-cooling target (shared/docs/DOMAIN.md:
"leading operations pre-cool within 1-2 h of harvest"), not a share of the
reference shelf life."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from planner.domain import Case, KineticsModel, ProductProfile
from planner.domain.units import DAY, HOUR
from planner.exceptions import CaseError
from planner.freshness import model_for
from planner.io import read_case
from scenarios.quality import harvest_ambient_c, with_precool_budget

from .conftest import DATA, SHIPPED


def lychee(**kwargs: object) -> ProductProfile:
    return ProductProfile("lychee", "Lychee", 5.0, 24 * DAY, q10=3.3, **kwargs)  # type: ignore[arg-type]


def test_the_default_budget_is_two_hours_at_a_harvest_morning() -> None:
    """No target and no share: 2 h at 27 C, by hand 7,200 s x 3.3^2.2 =
    99,555 reference seconds (27.7 h, 4.8 % of 24 days; the old default was
    20 %, 115.2 h)."""
    assert lychee().precool_budget_s == pytest.approx(7200 * 3.3 ** 2.2, abs=1)
    assert lychee().precool_budget_s == pytest.approx(99_555, abs=1)


def test_a_stated_target_wins_over_a_share_and_a_share_over_the_default() -> None:
    target = lychee(precool_target_s=HOUR, precool_ambient_c=30.0, precool_budget_fraction=0.2)
    assert target.precool_budget_s == pytest.approx(3600 * 3.3 ** 2.5, abs=1)
    assert lychee(precool_budget_fraction=0.2).precool_budget_s == round(0.2 * 24 * DAY)
    hot = lychee(precool_target_s=100 * HOUR, precool_ambient_c=45.0)  # never more than the whole life
    assert hot.precool_budget_s == 24 * DAY


@pytest.mark.parametrize("product", [
    lychee(precool_target_s=2 * HOUR, precool_ambient_c=26.5),
    ProductProfile("x", "X", 5.0, 20 * DAY, model=KineticsModel.ARRHENIUS, activation_energy_j_mol=70_000.0,
                   precool_target_s=90 * 60, precool_ambient_c=31.0),
])
def test_a_lot_waiting_the_target_at_the_ambient_spends_the_budget(product: ProductProfile) -> None:
    """The budget is what the freshness model charges for the target's hours
    at the harvest-time ambient (the same kinetics, Q10 or Arrhenius)."""
    spent = model_for(product).consumed([product.precool_target_s], [product.precool_ambient_c])
    assert product.precool_budget_s == pytest.approx(spent, abs=1)


def test_the_embedded_case_derives_its_budget_from_the_target() -> None:
    """data/luc-ngan states the 2 h target and the 26.5 C harvest ambient, no share."""
    case = read_case(SHIPPED.parent / "data" / "luc-ngan")
    p = case.products[0]
    assert p.precool_target_s == 2 * HOUR and p.precool_budget_fraction == 0.0
    assert p.precool_budget_s == pytest.approx(7200 * 3.3 ** 2.15, abs=1)
    assert p.precool_budget_s < 0.05 * p.ref_shelf_life_s
    assert abs(p.precool_ambient_c - harvest_ambient_c(case)) < 0.5  # the stated ambient is the case's


def test_the_simulator_costs_the_same_rule_at_the_days_ambient(tiny_luc_ngan: Case) -> None:
    """Planning in the simulator uses the engine's rule at the day's harvest
    ambient: a product with the default target is re-costed too; one with a
    stated share only keeps it."""
    default = replace(tiny_luc_ngan.products[0], precool_budget_fraction=0.0)
    day = with_precool_budget(tiny_luc_ngan.replace(products=(default,)))
    temp = harvest_ambient_c(tiny_luc_ngan)
    assert day.products[0].precool_budget_s == pytest.approx(7200 * 3.3 ** ((temp - 5.0) / 10), abs=1)
    assert with_precool_budget(tiny_luc_ngan).products[0].precool_budget_s == round(0.2 * 24 * DAY)


@pytest.mark.parametrize(("line", "message"), [
    ("precool_ambient_c = 80.0", "precool_ambient_c must be in [-10, 50] C, got 80.0"),
    ("precool_budget_fraction = -0.1", "precool_budget_fraction"),
])
def test_bad_precool_fields_name_the_file_and_field(tmp_path: Path, line: str, message: str) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    for f in (DATA / "tiny-luc-ngan").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    text = (folder / "products.toml").read_text(encoding="utf-8").replace("precool_budget_fraction = 0.2\n", "")
    (folder / "products.toml").write_text(text + line + "\n", encoding="utf-8")
    with pytest.raises(CaseError) as err:
        read_case(folder)
    assert "products.toml" in str(err.value) and message in str(err.value)
