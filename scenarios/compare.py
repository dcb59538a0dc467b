"""Compare two result folders (A and B) KPI by KPI, with the uncertainty.

Two result sets are comparable when they simulated the same thing under the
same random draws: the same horizon (days), sample and base case, and, to be
paired, the same seed. :func:`compare` refuses mismatched sets
(:class:`~.errors.ResultsError` listing every mismatch) unless
``allow_mismatch``, and then says so in :attr:`Comparison.warnings`.

``paired`` (the default when the seeds match): run *i* of A against run *i*
of B (common random numbers), on the runs both have; the interval is the
Student-t interval of the mean difference. ``welch``: Welch's interval of
the difference of means (independent runs). For a KPI bounded on both sides
(a rate), a t or Welch interval that would leave the range B - A can take is
replaced by the percentile bootstrap (scipy.stats.bootstrap), which cannot.
``bootstrap``: percentile bootstrap of the difference of means.

Many KPIs are tested at once: ``p_fdr`` holds the Benjamini-Hochberg
adjusted p-values (scipy.stats.false_discovery_control) and
:attr:`Comparison.note` says how many "clear differences" chance alone would
give. :func:`headline` states service, spoilage, cost per kg and CO2e with
units; :func:`suggested_runs` the runs a stated precision needs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .errors import ResultsError
from .results import DATA, KPIS, ResultSet

METHODS = ("auto", "welch", "paired", "bootstrap")
RESAMPLES = 4999

# headline KPI -> (unit shown, factor from the stored unit, precision wanted for suggested_runs)
HEADLINE: dict[str, tuple[str, float, float]] = {
    "service_level": ("points", 100.0, 1.0),  # percentage points
    "kg_spoiled": ("t", 0.001, 1.0),
    "cost_per_kg": ("VND/kg", 1.0, 100.0),
    "co2e_kg": ("t CO2e", 0.001, 1.0),
}


@dataclass(frozen=True)
class Comparison:
    method: str
    level: float
    table: pd.DataFrame  # kpi, unit, mean_a, mean_b, diff, ci_low, ci_high, interval, p_value, p_fdr, verdict
    runs_paired: int = 0
    warnings: tuple[str, ...] = ()
    a_name: str = "A"
    b_name: str = "B"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The multiple-comparison note."""
        k = int(self.table["p_value"].notna().sum())
        clear = int((self.table["verdict"] != "no clear difference").sum())
        robust = int((self.table["p_fdr"] < 1 - self.level).sum())
        return (f"{k} KPIs compared at {self.level:.0%}: chance alone gives about "
                f"{k * (1 - self.level):.1f} 'clear' differences where there are none. {clear} are clear; "
                f"{robust} stay clear after the Benjamini-Hochberg false discovery rate adjustment (p_fdr).")


def mismatches(a: ResultSet, b: ResultSet) -> list[str]:
    """What makes A and B not comparable run for run."""
    out = []
    for key, what in (("days", "horizons"), ("sample", "samples"), ("base_case", "base cases"),
                      ("seed", "seeds")):
        va, vb = a.meta.get(key), b.meta.get(key)
        if key == "base_case" and va and vb:
            va, vb = str(va).replace("\\", "/").rstrip("/"), str(vb).replace("\\", "/").rstrip("/")
        if va != vb:
            out.append(f"different {what}: A {key} = {a.meta.get(key)}, B {key} = {b.meta.get(key)}")
    return out


def compare(a: ResultSet, b: ResultSet, *, method: str = "auto", level: float = 0.95,
            seed: int = 0, allow_mismatch: bool = False) -> Comparison:
    """B minus A for every KPI the two result sets share."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    problems = mismatches(a, b)
    if problems and not allow_mismatch:
        raise ResultsError("A and B are not comparable: " + "; ".join(problems)
                           + " (allow_mismatch / --allow-mismatch to compare anyway)")
    warnings = [f"NOT COMPARABLE RUN FOR RUN: {p}" for p in problems]
    same_seed = a.meta.get("seed") == b.meta.get("seed")
    if method == "auto":
        method = "paired" if same_seed else "welch"
    if method == "paired" and not same_seed:
        raise ResultsError("a paired comparison needs the same seed in A and B "
                           f"(A {a.meta.get('seed')}, B {b.meta.get('seed')}): use --method welch")
    ra, rb = a.runs.set_index("run"), b.runs.set_index("run")
    common = sorted(set(ra.index) & set(rb.index))
    if method == "paired":
        if len(common) < len(ra) or len(common) < len(rb):
            warnings.append(f"paired on the {len(common)} runs both have (A has {len(ra)}, B {len(rb)})")
        ra, rb = ra.loc[common], rb.loc[common]
    rows = []
    for kpi in [k for k in KPIS if k in ra.columns and k in rb.columns]:
        xa = pd.to_numeric(ra[kpi], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        xb = pd.to_numeric(rb[kpi], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        diff, low, high, p, how = _difference(xa, xb, method, level, seed, _span(kpi))
        rows.append({
            "kpi": kpi, "unit": DATA[kpi].unit if kpi in DATA else "",
            "mean_a": float(np.nanmean(xa)) if np.any(~np.isnan(xa)) else math.nan,
            "mean_b": float(np.nanmean(xb)) if np.any(~np.isnan(xb)) else math.nan,
            "diff": diff, "ci_low": low, "ci_high": high, "interval": how, "p_value": p,
            "verdict": verdict(kpi, low, high),
        })
    table = pd.DataFrame(rows)
    table["p_fdr"] = _fdr(table["p_value"].to_numpy(dtype=np.float64))
    return Comparison(method, level, table, len(common) if method == "paired" else 0, tuple(warnings),
                      str(a.meta.get("scenario", "A")), str(b.meta.get("scenario", "B")))


def _span(kpi: str) -> float | None:
    """high - low of a KPI bounded on both sides (None otherwise)."""
    k = DATA.get(kpi)
    return k.high - k.low if k is not None and k.low is not None and k.high is not None else None


def _fdr(p: np.ndarray) -> np.ndarray:
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def _difference(xa: np.ndarray, xb: np.ndarray, method: str, level: float, seed: int,
                span: float | None) -> tuple[float, float, float, float, str]:
    """B - A, its interval, the p-value and how the interval was made.
    ``span`` (high - low of a KPI bounded on both sides) bounds B - A to
    [-span, span]: a t or Welch interval that leaves it is replaced by the
    percentile bootstrap."""
    if method == "paired":
        ok = ~(np.isnan(xa) | np.isnan(xb))
        xa, xb = xa[ok], xb[ok]
    else:
        xa, xb = xa[~np.isnan(xa)], xb[~np.isnan(xb)]
    if len(xa) == 0 or len(xb) == 0:
        return math.nan, math.nan, math.nan, math.nan, "none"
    diff = float(np.mean(xb) - np.mean(xa))
    rng = np.random.default_rng(seed)

    def inside(low: float, high: float) -> bool:
        return span is None or (-span <= low and high <= span)

    if method == "paired":
        d = xb - xa
        if len(d) < 2 or np.all(d == d[0]):
            return diff, diff, diff, (1.0 if diff == 0 else 0.0), "point"
        res = stats.ttest_rel(xb, xa)
        ci = res.confidence_interval(level)
        if inside(float(ci.low), float(ci.high)):
            return diff, float(ci.low), float(ci.high), float(res.pvalue), "t"
        boot = stats.bootstrap((d,), np.mean, confidence_level=level, method="percentile",
                               n_resamples=RESAMPLES, rng=rng, vectorized=True).confidence_interval
        return diff, float(boot.low), float(boot.high), float(res.pvalue), "bootstrap"
    if min(len(xa), len(xb)) < 2 or (np.ptp(xa) == 0 and np.ptp(xb) == 0):
        return diff, diff, diff, (1.0 if diff == 0 else 0.0), "point"
    welch = stats.ttest_ind(xb, xa, equal_var=False)
    ci = welch.confidence_interval(level)
    if method == "welch" and inside(float(ci.low), float(ci.high)):
        return diff, float(ci.low), float(ci.high), float(welch.pvalue), "welch"
    boot = stats.bootstrap((xb, xa), lambda u, v, axis: np.mean(u, axis) - np.mean(v, axis),
                           confidence_level=level, method="percentile", n_resamples=RESAMPLES,
                           rng=rng, vectorized=True).confidence_interval
    return diff, float(boot.low), float(boot.high), float(welch.pvalue), "bootstrap"


def verdict(kpi: str, low: float, high: float) -> str:
    """'B better', 'B worse' or 'no clear difference' for B minus A's interval."""
    direction = KPIS.get(kpi, ("", 0))[1]
    if math.isnan(low) or math.isnan(high) or (low <= 0 <= high):
        return "no clear difference"
    if direction == 0:
        return "B higher" if low > 0 else "B lower"
    better = (low > 0) == (direction > 0)
    return "B better" if better else "B worse"


def readable(x: float, decimals: int = 1) -> str:
    """A number for people: thousands separated, no exponent, signed."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+,.{decimals}f}"


def headline(cmp: Comparison) -> list[str]:
    """One line per headline KPI: B - A in readable units with its interval."""
    rows = cmp.table.set_index("kpi")
    lines = []
    for kpi, (unit, factor, _) in HEADLINE.items():
        if kpi not in rows.index:
            continue
        r = rows.loc[kpi]
        decimals = 0 if unit == "VND/kg" else 1
        mean_a = r["mean_a"] * factor
        lines.append(
            f"{DATA[kpi].label}: {readable(r['diff'] * factor, decimals)} {unit} "
            f"({cmp.level:.0%} CI {readable(r['ci_low'] * factor, decimals)} to "
            f"{readable(r['ci_high'] * factor, decimals)}; A {mean_a:,.{decimals}f}) - {r['verdict']}")
    return lines


def suggested_runs(a: ResultSet, b: ResultSet, *, level: float = 0.95) -> dict[str, int]:
    """Runs per scenario for the interval of B - A of each headline KPI to be
    no wider than +- its stated precision (1 point of service, 1 t of
    spoilage, 100 VND/kg, 1 t CO2e), from the sd of the paired differences
    (of the two sets' sds when unpaired): n = (z * sd / precision)^2."""
    ra, rb = a.runs.set_index("run"), b.runs.set_index("run")
    common = sorted(set(ra.index) & set(rb.index))
    paired = a.meta.get("seed") == b.meta.get("seed") and len(common) >= 2
    z = float(stats.norm.ppf(0.5 + level / 2))
    out = {}
    for kpi, (_, factor, precision) in HEADLINE.items():
        if kpi not in ra.columns or kpi not in rb.columns:
            continue
        if paired:
            d = (rb.loc[common, kpi] - ra.loc[common, kpi]).to_numpy(dtype=np.float64) * factor
            sd = float(np.nanstd(d, ddof=1))
        else:
            sd = math.hypot(float(ra[kpi].std()) * factor, float(rb[kpi].std()) * factor)
        out[kpi] = max(2, math.ceil((z * sd / precision) ** 2)) if not math.isnan(sd) else 0
    return out
