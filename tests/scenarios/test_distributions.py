from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.distributions import Distribution, parse_distribution


def test_a_number_is_a_fixed_distribution() -> None:
    d = parse_distribution(3)
    assert d == Distribution.fixed(3.0)
    assert d.sample(np.random.default_rng(0)) == 3.0
    assert list(d.sample(np.random.default_rng(0), 3)) == [3.0, 3.0, 3.0]


def test_same_seed_same_draws() -> None:
    d = parse_distribution({"dist": "lognormal", "median": 10.0, "sigma": 0.5})
    a = d.sample(np.random.default_rng(7), 5)
    b = d.sample(np.random.default_rng(7), 5)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("raw", [
    {"dist": "poisson", "lam": 2.0}, {"dist": "gamma", "shape": 2.0, "scale": 1.0},
    {"dist": "beta", "a": 2.0, "b": 3.0}, {"dist": "triangular", "low": 0, "mode": 1, "high": 2},
    {"dist": "uniform", "low": 0, "high": 1}, {"dist": "normal", "mean": 0, "sd": 1},
])
def test_single_draws_are_floats_and_arrays_have_the_size(raw: dict[str, object]) -> None:
    d = parse_distribution(raw)
    assert isinstance(d.sample(np.random.default_rng(3)), float)
    assert d.sample(np.random.default_rng(3), 4).shape == (4,)


def test_min_and_max_clip_every_draw() -> None:
    d = parse_distribution({"dist": "normal", "mean": 0.0, "sd": 10.0, "min": -1.0, "max": 2.0})
    x = d.sample(np.random.default_rng(1), 1000)
    assert x.min() == -1.0 and x.max() == 2.0


def test_means_by_hand() -> None:
    assert parse_distribution({"dist": "triangular", "low": 0, "mode": 3, "high": 6}).mean == 3.0
    assert parse_distribution({"dist": "uniform", "low": 1, "high": 3}).mean == 2.0
    assert parse_distribution({"dist": "gamma", "shape": 2, "scale": 5}).mean == 10.0


@pytest.mark.parametrize(("raw", "message"), [
    ({"dist": "weibull", "a": 1}, "dist must be one of"),
    ({"dist": "normal", "mean": 1}, "normal needs sd"),
    ({"dist": "normal", "mean": 1, "sd": -1}, "sd must be > 0"),
    ({"dist": "normal", "mean": 1, "sd": 1, "mu": 2}, "unknown parameter(s) mu"),
    ({"dist": "uniform", "low": 3, "high": 1}, "high (1.0) is below low"),
    ({"dist": "normal", "mean": "x", "sd": 1}, "mean must be a number"),
    ("many", "must be a number or a distribution table"),
    (True, "must be a number or a distribution table"),
])
def test_bad_distributions_name_the_parameter(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_distribution(raw)


@given(st.floats(0.1, 100), st.floats(0.01, 2.0), st.integers(0, 2**32 - 1))
def test_lognormal_draws_are_positive(median: float, sigma: float, seed: int) -> None:
    d = parse_distribution({"dist": "lognormal", "median": median, "sigma": sigma})
    assert (d.sample(np.random.default_rng(seed), 50) > 0).all()
