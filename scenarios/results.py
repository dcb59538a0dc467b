"""Simulation results: per-run, per-day and per-market tables, the summary
with confidence intervals across runs, written as CSV or Parquet."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .errors import ResultsError
from .runner import Replications

FORMATS = ("csv", "parquet")
TABLES = ("runs", "days", "markets", "summary")
DICTIONARY = Path(__file__).with_name("kpis.csv")


@dataclass(frozen=True, slots=True)
class Kpi:
    """One row of the data dictionary (``scenarios/kpis.csv``, copied into
    every results folder): what a column means, its unit, which way is
    better (+1 higher, -1 lower, 0 neither), its kind (count, kg, rate,
    money, measure, text), the decimals it is stored with and its bounds."""

    name: str
    label: str
    unit: str
    better: int
    kind: str
    decimals: int | None
    low: float | None
    high: float | None
    definition: str

    @property
    def titled(self) -> str:
        """``label (unit)`` for tables and charts."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


def _dictionary() -> dict[str, Kpi]:
    frame = pd.read_csv(DICTIONARY, keep_default_na=False, dtype=str)

    def num(v: str) -> float | None:
        return float(v) if v else None

    return {r.name: Kpi(r.name, r.label, r.unit, {"higher": 1, "lower": -1}.get(r.better, 0), r.kind,
                        int(r.decimals) if r.decimals else None, num(r.low), num(r.high), r.definition)
            for r in frame.itertuples()}


DATA = _dictionary()
# run-level KPIs in dictionary order -> (label with unit, +1 higher better / -1 lower / 0 neither)
KPIS: dict[str, tuple[str, int]] = {
    k.name: (k.titled, k.better) for k in DATA.values()
    if k.kind != "text" and k.name not in ("run", "seconds", "day")
}


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a data set: counts as integers (nullable), every other
    column of the dictionary rounded to its decimals."""
    out = frame.copy()
    for col in out.columns:
        k = DATA.get(col)
        if k is None or k.decimals is None or not pd.api.types.is_numeric_dtype(out[col]):
            continue
        if k.kind == "count":
            out[col] = out[col].round().astype("Int64")
        else:
            out[col] = out[col].round(k.decimals)
    return out


@dataclass(frozen=True)
class ResultSet:
    runs: pd.DataFrame
    days: pd.DataFrame
    markets: pd.DataFrame
    summary: pd.DataFrame
    meta: dict[str, Any]


def tables(rep: Replications) -> dict[str, pd.DataFrame]:
    """The per-run, per-day and per-market tables of ``rep``."""
    runs = rounded(pd.DataFrame([{"run": r.run, **r.kpis, "seconds": r.seconds} for r in rep.runs]))
    days = rounded(pd.DataFrame([{"run": r.run, **d} for r in rep.runs for d in r.days]))
    markets = rounded(pd.DataFrame([{"run": r.run, **m} for r in rep.runs for m in r.markets]))
    return {"runs": runs, "days": days, "markets": markets, "summary": summarize(runs)}


def confidence_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean (NaNs dropped; a point when n < 2 or sd = 0)."""
    x = values[~np.isnan(values)]
    if len(x) == 0:
        return math.nan, math.nan
    mean = float(np.mean(x))
    if len(x) < 2 or float(np.std(x, ddof=1)) == 0.0:
        return mean, mean
    low, high = stats.t.interval(level, len(x) - 1, loc=mean, scale=stats.sem(x))
    return float(low), float(high)


def bounded_interval(values: np.ndarray, level: float = 0.95, *, low: float | None = None,
                     high: float | None = None, seed: int = 0) -> tuple[float, float, str]:
    """An interval of the mean that stays in the KPI's domain [``low``,
    ``high``]: the Student-t interval when it does, else the percentile
    bootstrap (scipy.stats.bootstrap, 9,999 resamples), which cannot leave
    the range of the data. Returns (low, high, method)."""
    x = values[~np.isnan(values)]
    lo, hi = confidence_interval(x, level)
    if len(x) < 2 or lo == hi:
        return lo, hi, "point" if len(x) else "none"
    if (low is None or lo >= low) and (high is None or hi <= high):
        return lo, hi, "t"
    res = stats.bootstrap((x,), np.mean, confidence_level=level, method="percentile",
                          n_resamples=9999, rng=np.random.default_rng(seed), vectorized=True)
    return float(res.confidence_interval.low), float(res.confidence_interval.high), "bootstrap"


def summarize(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation and an interval of the mean of every KPI
    across runs (:func:`bounded_interval`: never outside the KPI's bounds)."""
    rows = []
    for col in [c for c in runs.columns if c not in ("run", "seconds")]:
        x = pd.to_numeric(runs[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        ok = x[~np.isnan(x)]
        k = DATA.get(col)
        low, high, method = bounded_interval(x, level, low=k.low if k else None, high=k.high if k else None)
        digits = (k.decimals if k and k.decimals is not None else 3) + 2
        rows.append({
            "kpi": col, "unit": k.unit if k else "", "n": len(ok),
            "mean": round(float(np.mean(ok)), digits) if len(ok) else math.nan,
            "sd": round(float(np.std(ok, ddof=1)), digits) if len(ok) > 1 else 0.0,
            "ci_low": round(low, digits), "ci_high": round(high, digits), "level": level,
            "interval": method,
            "min": float(np.min(ok)) if len(ok) else math.nan,
            "max": float(np.max(ok)) if len(ok) else math.nan,
        })
    return pd.DataFrame(rows)


def write_results(rep: Replications, out: str | Path, *, fmt: str = "csv") -> dict[str, Path]:
    """Write the tables, ``meta.json`` and a copy of the scenario file to ``out``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in tables(rep).items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        paths[name] = path
    spec = rep.spec
    if spec.source.is_file():
        shutil.copyfile(spec.source, folder / "scenario.toml")
    shutil.copyfile(DICTIONARY, folder / "kpis.csv")
    kinds = sorted({k for r in rep.runs for k in r.capacity})
    meta = {
        "scenario": spec.name, "description": spec.description, "source": str(spec.source),
        "base_case": str(spec.base_case), "days": spec.days, "seed": spec.seed,
        "runs": len(rep.runs), "run_ids": [r.run for r in rep.runs],
        "workers": rep.workers_end, "workers_start": rep.workers_start,
        "workers_end": rep.workers_end, "workers_lost": rep.workers_lost,
        "tasks_retried": rep.tasks_retried, "scheduler": rep.scheduler,
        "wall_s": round(rep.wall_s, 2), "run_seconds": [round(r.seconds, 2) for r in rep.runs],
        "format": fmt, "planner": dict(spec.planner), "sample": spec.sample,
        "effective_sample": {k: round(float(np.mean([r.capacity.get(k, math.nan) for r in rep.runs])), 4)
                             for k in kinds},
        "dictionary": "kpis.csv",
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    paths["meta"] = folder / "meta.json"
    return paths


def load_results(folder: str | Path) -> ResultSet:
    """Read back a results folder written by :func:`write_results`."""
    folder = Path(folder)
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise ResultsError(f"{folder}: not a simulation results folder (no meta.json)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ResultsError(f"{meta_path}: not valid JSON ({exc})") from None
    fmt = meta.get("format", "csv")
    frames = {}
    for name in TABLES:
        path = folder / f"{name}.{fmt}"
        if not path.is_file():
            raise ResultsError(f"{folder}: {path.name} is missing")
        frames[name] = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    return ResultSet(meta=meta, **frames)
