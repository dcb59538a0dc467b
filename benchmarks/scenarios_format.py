"""Readable figures for the scenario benchmarks' Markdown: each KPI in the
unit a planner reads (t instead of kg, % and points instead of shares,
whole VND), from the data dictionary (scenarios/kpis.csv)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.results import DATA


@dataclass(frozen=True, slots=True)
class Shown:
    """How one KPI is shown: label, unit of a mean and of a difference,
    factor from the stored unit, decimals."""

    label: str
    unit: str
    diff_unit: str
    factor: float
    decimals: int

    @property
    def titled(self) -> str:
        if self.unit == self.diff_unit:
            return f"{self.label} ({self.unit})"
        return f"{self.label} ({self.unit}; {self.diff_unit} for differences)"


def shown(kpi: str) -> Shown:
    """The display of ``kpi`` (its dictionary row, converted)."""
    k = DATA.get(kpi)
    if k is None:
        return Shown(kpi, "", "", 1.0, 2)
    if k.kind == "rate":
        return Shown(k.label, f"% of {k.unit.removeprefix('share of ')}" if k.unit.startswith("share of ") else "%",
                     "points", 100.0, 1)
    if k.unit == "kg CO2e":
        return Shown(k.label, "t CO2e", "t CO2e", 1e-3, 1)
    if k.kind == "kg":
        return Shown(k.label, "t", "t", 1e-3, 1)
    if k.kind == "count":
        return Shown(k.label, k.unit, k.unit, 1.0, 0)
    if k.kind == "money" and k.unit == "VND":
        return Shown(k.label, "million VND", "million VND", 1e-6, 0)
    if k.kind == "money":
        return Shown(k.label, k.unit, k.unit, 1.0, 0)
    if k.unit == "km":
        return Shown(k.label, "km", "km", 1.0, 0)
    if k.unit.startswith("days"):
        return Shown(k.label, k.unit, k.unit, 1.0, 1)
    return Shown(k.label, k.unit, k.unit, 1.0, k.decimals if k.decimals is not None else 2)


def number(x: float | None, decimals: int, *, signed: bool = False) -> str:
    """Thousands separated, no exponent, no "-0.0"; n/a for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if round(x, decimals) == 0:
        return f"{0.0:.{decimals}f}"
    return f"{x:+,.{decimals}f}" if signed else f"{x:,.{decimals}f}"


def interval(kpi: str, mean: float, low: float, high: float, *, signed: bool = False) -> str:
    """``mean [low, high]`` in the KPI's display unit."""
    s = shown(kpi)
    f, d = s.factor, s.decimals
    return (f"{number(mean * f, d, signed=signed)} [{number(low * f, d, signed=signed)}, "
            f"{number(high * f, d, signed=signed)}]")
