"""products.toml: ``downgrade_loss_share``, what a kg unloaded after the
pre-cooling target loses (a share of the orders' value per kg)."""

from __future__ import annotations

import dataclasses

import pytest

from planner.domain.products import DEFAULT_DOWNGRADE_LOSS_SHARE
from planner.exceptions import CaseError
from planner.io import read_case, write_case


def test_the_share_is_read_written_and_defaulted(tiny_case, tmp_path):
    assert all(p.downgrade_loss_share is None for p in tiny_case.products)  # not stated: the default
    assert tiny_case.products[0].loss_share == DEFAULT_DOWNGRADE_LOSS_SHARE == 0.5
    stated = tiny_case.replace(products=tuple(dataclasses.replace(p, downgrade_loss_share=0.3)
                                              for p in tiny_case.products))
    again = read_case(write_case(stated, tmp_path / "case"))
    assert [p.downgrade_loss_share for p in again.products] == [0.3] * len(stated.products)
    assert "downgrade_loss_share = 0.3" in (tmp_path / "case" / "products.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("value", "message"), [
    ("1.5", "products.toml [lychee], downgrade_loss_share: must be a share in [0, 1] (0.5: half), got 1.5"),
    ("-0.1", "products.toml [lychee], downgrade_loss_share: must be >= 0, got -0.1"),
    ('"half"', "products.toml [lychee], downgrade_loss_share: must be a number, got 'half'"),
])
def test_a_bad_share_names_the_file_and_field(tiny_case, tmp_path, value, message):
    folder = write_case(tiny_case, tmp_path / "case")
    path = folder / "products.toml"
    text = path.read_text(encoding="utf-8").replace("[lychee]\n", f"[lychee]\ndowngrade_loss_share = {value}\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        read_case(folder)
    assert message in str(info.value)
