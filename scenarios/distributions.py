"""Random quantities in scenario files: a number, or a distribution drawn with
a seeded :class:`numpy.random.Generator`.

In a scenario file a quantity is either a plain number (fixed) or an inline
table naming the distribution and its parameters, for example
``{ dist = "normal", mean = 1.0, sd = 0.1, min = 0.5 }``. ``min`` and ``max``
clip every draw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

# distribution name -> (required parameters, numpy Generator method, argument order)
_KINDS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "poisson": ("lam",),
    "gamma": ("shape", "scale"),
    "beta": ("a", "b"),
}


@dataclass(frozen=True, slots=True)
class Distribution:
    """A univariate distribution; ``params`` in the order ``_KINDS`` lists them."""

    kind: str
    params: tuple[float, ...]
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            msg = f"dist must be one of {', '.join(sorted(_KINDS))}, got {self.kind!r}"
            raise ValueError(msg)
        names = _KINDS[self.kind]
        if len(self.params) != len(names):
            msg = f"{self.kind} needs {', '.join(names)}"
            raise ValueError(msg)
        _check_params(self.kind, dict(zip(names, self.params, strict=True)))
        if self.low is not None and self.high is not None and self.high < self.low:
            msg = f"max ({self.high}) is below min ({self.low})"
            raise ValueError(msg)

    @classmethod
    def fixed(cls, value: float) -> Distribution:
        return cls("fixed", (float(value),))

    @property
    def mean(self) -> float:
        """The mean before clipping (for reports and sanity checks)."""
        p = self.params
        means = {
            "fixed": lambda: p[0], "normal": lambda: p[0],
            "lognormal": lambda: p[0] * float(np.exp(p[1] ** 2 / 2)),
            "uniform": lambda: (p[0] + p[1]) / 2, "triangular": lambda: sum(p) / 3,
            "poisson": lambda: p[0], "gamma": lambda: p[0] * p[1],
            "beta": lambda: p[0] / (p[0] + p[1]),
        }
        return float(means[self.kind]())

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """One draw (``size`` None) or an array of draws."""
        draws = self._draw(rng, size)
        if self.low is not None or self.high is not None:
            draws = np.clip(draws, self.low, self.high)
        return float(draws) if size is None else np.asarray(draws, dtype=np.float64)

    def _draw(self, rng: np.random.Generator, size: int | None) -> float | NDArray[np.float64]:
        p = self.params
        match self.kind:
            case "fixed":
                return p[0] if size is None else np.full(size, p[0])
            case "normal":
                return rng.normal(p[0], p[1], size)
            case "lognormal":
                return rng.lognormal(np.log(p[0]), p[1], size)
            case "uniform":
                return rng.uniform(p[0], p[1], size)
            case "triangular":
                return rng.triangular(p[0], p[1], p[2], size)
            case "poisson":
                return np.asarray(rng.poisson(p[0], size), dtype=np.float64)
            case "gamma":
                return rng.gamma(p[0], p[1], size)
            case _:
                return rng.beta(p[0], p[1], size)


def _check_params(kind: str, values: Mapping[str, float]) -> None:
    positive = {"sd": True, "sigma": True, "median": True, "shape": True, "scale": True,
                "a": True, "b": True}
    for name, value in values.items():
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value}")
        if name in positive and value <= 0 and not (name == "sd" and value == 0):
            raise ValueError(f"{name} must be > 0, got {value}")
        if name == "lam" and value < 0:
            raise ValueError(f"lam must be >= 0, got {value}")
    if kind == "uniform" and values["high"] < values["low"]:
        raise ValueError(f"high ({values['high']}) is below low ({values['low']})")
    if kind == "triangular" and not values["low"] <= values["mode"] <= values["high"]:
        raise ValueError("triangular needs low <= mode <= high")


def parse_distribution(raw: Any) -> Distribution:
    """A :class:`Distribution` from a TOML value (number or inline table).

    Raises ValueError naming the offending parameter."""
    if isinstance(raw, bool):
        raise ValueError(f"must be a number or a distribution table, got {raw!r}")
    if isinstance(raw, int | float):
        return Distribution.fixed(float(raw))
    if not isinstance(raw, Mapping):
        raise ValueError(f"must be a number or a distribution table, got {raw!r}")
    kind = raw.get("dist")
    if kind not in _KINDS:
        known = ", ".join(sorted(_KINDS))
        raise ValueError(f"dist must be one of {known}, got {kind!r}")
    names = _KINDS[kind]
    unknown = set(raw) - set(names) - {"dist", "min", "max"}
    if unknown:
        raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))} for {kind}")
    missing = [n for n in names if n not in raw]
    if missing:
        raise ValueError(f"{kind} needs {', '.join(missing)}")
    params = tuple(_number(raw[n], n) for n in names)
    low = _number(raw["min"], "min") if "min" in raw else None
    high = _number(raw["max"], "max") if "max" in raw else None
    return Distribution(kind, params, low, high)


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)
