"""The pre-cooling budgets: one rule for the engine and the simulator,
derived from the domain facts (shared/docs/DOMAIN.md), not a share of the
reference shelf life: the soft target ("leading operations pre-cool within
1-2 h of harvest": later is downgraded) and the hard limit ("browns within
about a day at ambient": later is lost), both costed at the harvest ambient."""

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


def test_the_default_budgets_are_two_hours_and_a_day_at_a_harvest_morning() -> None:
    """No target, limit or share: the target's budget is 2 h at 27 C, by hand
    7,200 s x 3.3^2.2 = 99,555 reference s (27.7 h); the hard one 24 h there,
    1,194,660 s (331.9 h, 57.6 % of 24 days). The old hard default was 20 %
    (115.2 h) and there was no soft one."""
    assert lychee().precool_target_budget_s == pytest.approx(7200 * 3.3 ** 2.2, abs=1)
    assert lychee().precool_target_budget_s == pytest.approx(99_555, abs=1)
    assert lychee().precool_budget_s == pytest.approx(12 * 99_555, abs=12)


def test_a_stated_share_is_the_hard_budget_and_the_target_stays_soft() -> None:
    shared = lychee(precool_target_s=HOUR, precool_ambient_c=30.0, precool_budget_fraction=0.2)
    assert shared.precool_budget_s == round(0.2 * 24 * DAY)
    assert shared.precool_target_budget_s == pytest.approx(3600 * 3.3 ** 2.5, abs=1)
    tight = lychee(precool_target_s=2 * HOUR, precool_budget_fraction=0.001)  # never more than the hard budget
    assert tight.precool_target_budget_s == tight.precool_budget_s == round(0.001 * 24 * DAY)
    hot = lychee(precool_limit_s=100 * HOUR, precool_ambient_c=45.0)  # never more than the whole life
    assert hot.precool_budget_s == 24 * DAY
    with pytest.raises(ValueError, match="precool_target .* must not exceed precool_limit"):
        lychee(precool_target_s=3 * HOUR, precool_limit_s=2 * HOUR)


@pytest.mark.parametrize("product", [
    lychee(precool_target_s=2 * HOUR, precool_limit_s=20 * HOUR, precool_ambient_c=26.5),
    ProductProfile("x", "X", 5.0, 20 * DAY, model=KineticsModel.ARRHENIUS, activation_energy_j_mol=70_000.0,
                   precool_target_s=90 * 60, precool_limit_s=12 * HOUR, precool_ambient_c=31.0),
])
def test_waiting_the_target_or_the_limit_at_the_ambient_spends_its_budget(product: ProductProfile) -> None:
    """Each budget is what the freshness model charges for its hours at the
    harvest-time ambient (the same kinetics, Q10 or Arrhenius)."""
    model = model_for(product)
    assert product.precool_target_budget_s == pytest.approx(
        model.consumed([product.precool_target_s], [product.precool_ambient_c]), abs=1)
    assert product.precool_budget_s == pytest.approx(
        model.consumed([product.precool_limit_s], [product.precool_ambient_c]), abs=1)


def test_the_embedded_case_derives_its_budgets_from_the_domain() -> None:
    """data/luc-ngan states the 2 h target, the 24 h limit and the 26.5 C
    harvest ambient, no share."""
    case = read_case(SHIPPED.parent / "data" / "luc-ngan")
    p = case.products[0]
    assert (p.precool_target_s, p.precool_limit_s, p.precool_budget_fraction) == (2 * HOUR, 24 * HOUR, 0.0)
    assert p.precool_target_budget_s == pytest.approx(7200 * 3.3 ** 2.15, abs=1)
    assert p.precool_budget_s == pytest.approx(24 * 3600 * 3.3 ** 2.15, abs=1)
    assert abs(p.precool_ambient_c - harvest_ambient_c(case)) < 0.5  # the stated ambient is the case's


def test_the_simulator_costs_the_same_rule_at_the_days_ambient(tiny_luc_ngan: Case) -> None:
    """Planning in the simulator uses the engine's rule at the day's harvest
    ambient; a product with a stated share keeps it as its hard budget."""
    default = replace(tiny_luc_ngan.products[0], precool_budget_fraction=0.0, precool_target_s=0)
    day = with_precool_budget(tiny_luc_ngan.replace(products=(default,)))
    rate = 3.3 ** ((harvest_ambient_c(tiny_luc_ngan) - 5.0) / 10)
    assert day.products[0].precool_target_budget_s == pytest.approx(7200 * rate, abs=1)
    assert day.products[0].precool_budget_s == pytest.approx(24 * 3600 * rate, abs=1)
    assert with_precool_budget(tiny_luc_ngan).products[0].precool_budget_s == round(0.2 * 24 * DAY)


@pytest.mark.parametrize(("line", "message"), [
    ("precool_ambient_c = 80.0", "precool_ambient_c must be in [-10, 50] C, got 80.0"),
    ("precool_budget_fraction = -0.1", "precool_budget_fraction"),
    ("precool_limit_h = -1", "precool_limit_h"),
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


def test_a_downgraded_lot_loses_its_products_share_of_the_value(tiny_luc_ngan: Case) -> None:
    """The value downgrading costs: kg x loss_share x what the product's orders
    pay per kg (the planner's own figure); a lot on time loses nothing."""
    from planner.domain.shelf_value import value_per_kg
    from scenarios.execution import LotOutcome
    from scenarios.quality import downgrade_loss

    case = tiny_luc_ngan
    lot = case.lots[0]
    product = next(p for p in case.products if p.id == lot.product)
    late = LotOutcome(lot.id, 200.0, 0, 3 * HOUR, 0, 0.0, downgraded=True)
    on_time = replace(late, downgraded=False)
    expected = 200.0 * product.loss_share * value_per_kg(case)[product.id]
    assert expected > 0
    assert downgrade_loss(case, [late, on_time]) == pytest.approx(expected)
    assert downgrade_loss(case, [on_time]) == 0.0
