"""Compare two result folders (A and B) KPI by KPI, with the uncertainty.

``welch``: Welch's t-test and its confidence interval of the difference of
means (runs independent, unequal variances). ``paired``: the paired t-test
on run-by-run differences, valid when both used the same seed and run
indices (common random numbers: both saw the same demand, harvest and
weather draws), and sharper. ``bootstrap``: a percentile bootstrap interval
of the difference of means (scipy.stats.bootstrap). ``auto`` picks
``paired`` when the seeds and runs match, else ``welch``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .results import KPIS, ResultSet

METHODS = ("auto", "welch", "paired", "bootstrap")


@dataclass(frozen=True)
class Comparison:
    method: str
    level: float
    table: pd.DataFrame  # kpi, mean_a, mean_b, diff, ci_low, ci_high, p_value, verdict


def _paired_ok(a: ResultSet, b: ResultSet) -> bool:
    return (a.meta.get("seed") == b.meta.get("seed")
            and list(a.runs["run"]) == list(b.runs["run"]))


def compare(a: ResultSet, b: ResultSet, *, method: str = "auto", level: float = 0.95,
            seed: int = 0) -> Comparison:
    """B minus A for every KPI the two result sets share."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "auto":
        method = "paired" if _paired_ok(a, b) else "welch"
    if method == "paired" and not _paired_ok(a, b):
        raise ValueError("paired comparison needs the same seed and run indices in A and B")
    rows = []
    for kpi in [k for k in KPIS if k in a.runs.columns and k in b.runs.columns]:
        xa = a.runs[kpi].to_numpy(dtype=np.float64)
        xb = b.runs[kpi].to_numpy(dtype=np.float64)
        diff, low, high, p = _difference(xa, xb, method, level, seed)
        rows.append({
            "kpi": kpi, "mean_a": float(np.nanmean(xa)), "mean_b": float(np.nanmean(xb)),
            "diff": diff, "ci_low": low, "ci_high": high, "p_value": p,
            "verdict": verdict(kpi, low, high),
        })
    return Comparison(method, level, pd.DataFrame(rows))


def _difference(xa: np.ndarray, xb: np.ndarray, method: str, level: float,
                seed: int) -> tuple[float, float, float, float]:
    if method == "paired":
        ok = ~(np.isnan(xa) | np.isnan(xb))
        xa, xb = xa[ok], xb[ok]
    else:
        xa, xb = xa[~np.isnan(xa)], xb[~np.isnan(xb)]
    if len(xa) == 0 or len(xb) == 0:
        return math.nan, math.nan, math.nan, math.nan
    diff = float(np.mean(xb) - np.mean(xa))
    if method == "paired":
        d = xb - xa
        if len(d) < 2 or np.all(d == d[0]):
            return diff, diff, diff, (1.0 if diff == 0 else 0.0)
        res = stats.ttest_rel(xb, xa)
    elif min(len(xa), len(xb)) < 2 or (np.ptp(xa) == 0 and np.ptp(xb) == 0):
        return diff, diff, diff, (1.0 if diff == 0 else 0.0)
    elif method == "bootstrap":
        res_b = stats.bootstrap((xb, xa), lambda u, v, axis: np.mean(u, axis) - np.mean(v, axis),
                                confidence_level=level, method="percentile", n_resamples=4999,
                                rng=np.random.default_rng(seed), vectorized=True)
        p = float(stats.ttest_ind(xb, xa, equal_var=False).pvalue)
        ci = res_b.confidence_interval
        return diff, float(ci.low), float(ci.high), p
    else:
        res = stats.ttest_ind(xb, xa, equal_var=False)
    ci = res.confidence_interval(level)
    return diff, float(ci.low), float(ci.high), float(res.pvalue)


def verdict(kpi: str, low: float, high: float) -> str:
    """'B better', 'B worse' or 'no clear difference' for B minus A's interval."""
    direction = KPIS.get(kpi, ("", 0))[1]
    if math.isnan(low) or math.isnan(high) or (low <= 0 <= high):
        return "no clear difference"
    if direction == 0:
        return "B higher" if low > 0 else "B lower"
    better = (low > 0) == (direction > 0)
    return "B better" if better else "B worse"
