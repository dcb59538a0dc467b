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

# KPI -> (label, +1 if higher is better, -1 if lower is better, 0 if neither)
KPIS: dict[str, tuple[str, int]] = {
    "service_level": ("service level (kg delivered sound / kg ordered)", +1),
    "on_time_rate": ("orders delivered on time and sound", +1),
    "kg_ordered": ("kg ordered", 0),
    "kg_delivered_sound": ("kg delivered sound", +1),
    "kg_unserved": ("kg never delivered", -1),
    "kg_spoiled": ("kg spoiled (farm + transit)", -1),
    "kg_spoiled_farm": ("kg spoiled at farms (not collected)", -1),
    "kg_spoiled_packing_house": ("kg spoiled at packing houses (stock out of shelf life)", -1),
    "kg_spoiled_transit": ("kg spoiled in transit", -1),
    "kg_below_min_shelf_life": ("kg delivered below the minimum shelf life", -1),
    "kg_left_at_packing_houses": ("kg packed, not shipped, sold off (cold store full)", -1),
    "kg_in_store_at_end": ("kg packed stock in the cold stores at the end", 0),
    "export_service_level": ("export service level (US, AU, JP; kg)", +1),
    "orders_export_failed": ("export orders not delivered sound and on time", -1),
    "shelf_life_left_days": ("shelf life left at delivery (days at 5 C)", +1),
    "cost_total": ("cost (VND)", -1),
    "cost_per_kg": ("cost per kg delivered sound (VND)", -1),
    "vehicle_fill": ("pickup vehicle fill", +1),
    "unit_fill": ("freight unit fill", +1),
    "km": ("pickup km", -1),
    "co2e_kg": ("CO2e (kg)", -1),
}


@dataclass(frozen=True)
class ResultSet:
    runs: pd.DataFrame
    days: pd.DataFrame
    markets: pd.DataFrame
    summary: pd.DataFrame
    meta: dict[str, Any]


def tables(rep: Replications) -> dict[str, pd.DataFrame]:
    """The per-run, per-day and per-market tables of ``rep``."""
    runs = pd.DataFrame([{"run": r.run, **r.kpis, "seconds": r.seconds} for r in rep.runs])
    days = pd.DataFrame([{"run": r.run, **d} for r in rep.runs for d in r.days])
    markets = pd.DataFrame([{"run": r.run, **m} for r in rep.runs for m in r.markets])
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


def summarize(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation and confidence interval of every KPI across runs."""
    rows = []
    for col in [c for c in runs.columns if c not in ("run", "seconds")]:
        x = runs[col].to_numpy(dtype=np.float64)
        ok = x[~np.isnan(x)]
        low, high = confidence_interval(x, level)
        rows.append({
            "kpi": col, "n": len(ok), "mean": float(np.mean(ok)) if len(ok) else math.nan,
            "sd": float(np.std(ok, ddof=1)) if len(ok) > 1 else 0.0,
            "ci_low": low, "ci_high": high, "level": level,
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
    meta = {
        "scenario": spec.name, "description": spec.description, "source": str(spec.source),
        "base_case": str(spec.base_case), "days": spec.days, "seed": spec.seed,
        "runs": len(rep.runs), "workers": rep.workers, "scheduler": rep.scheduler,
        "wall_s": rep.wall_s, "run_seconds": [r.seconds for r in rep.runs], "format": fmt,
        "planner": dict(spec.planner), "sample": spec.sample,
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
