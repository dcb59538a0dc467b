"""An offline report page: KPI table with confidence intervals and matplotlib
plots embedded as base64 PNG in one self-contained HTML file."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .results import KPIS, ResultSet

_CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#eef}td:first-child,th:first-child{text-align:left}img{max-width:100%}
.note{color:#555;font-size:90%}"""


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(fig: Figure, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def kpi_table_html(summary: pd.DataFrame) -> str:
    rows = ["<tr><th>KPI</th><th>mean</th><th>95% CI</th><th>sd</th><th>min</th><th>max</th></tr>"]
    by_kpi = summary.set_index("kpi")
    for kpi, (label, _) in KPIS.items():
        if kpi not in by_kpi.index:
            continue
        r = by_kpi.loc[kpi]
        rows.append(
            f"<tr><td>{html.escape(label)}</td><td>{_fmt(r['mean'])}</td>"
            f"<td>{_fmt(r['ci_low'])} – {_fmt(r['ci_high'])}</td><td>{_fmt(r['sd'])}</td>"
            f"<td>{_fmt(r['min'])}</td><td>{_fmt(r['max'])}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _daily_figure(days: pd.DataFrame) -> Figure:
    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    series = {"kg_ordered_new": "ordered (new)", "kg_delivered_sound": "delivered sound",
              "kg_spoiled_farm": "spoiled at farms", "kg_spoiled_packing_house": "spoiled at packing houses",
              "kg_spoiled_transit": "spoiled in transit", "kg_stock_out": "packed stock carried over",
              "kg_lost": "orders lost (kg)"}
    grouped = days.groupby("day")
    for col, label in series.items():
        if col not in days:
            continue
        mean, low, high = grouped[col].mean(), grouped[col].quantile(0.1), grouped[col].quantile(0.9)
        ax.plot(mean.index, mean.to_numpy(), marker="o", label=label)
        ax.fill_between(mean.index, low.to_numpy(), high.to_numpy(), alpha=0.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("day")
    ax.set_ylabel("kg (mean; band: 10th-90th percentile of runs)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def _spread_figure(runs: pd.DataFrame) -> Figure:
    cols = [c for c in ("service_level", "on_time_rate", "cost_per_kg", "kg_spoiled",
                        "shelf_life_left_days", "co2e_kg") if c in runs]
    fig = Figure(figsize=(9, 6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(2, 3)).ravel()
    for ax in axes[len(cols):]:
        ax.set_visible(False)
    for ax, col in zip(axes, cols, strict=False):
        x = runs[col].dropna().to_numpy()
        if len(x):
            ax.boxplot(x, widths=0.5)
            ax.scatter(np.ones(len(x)) + np.linspace(-0.08, 0.08, len(x)), x, s=8, alpha=0.6)
        ax.set_title(col, fontsize=9)
        ax.set_xticks([])
    fig.suptitle("spread across runs")
    return fig


def _market_figure(markets: pd.DataFrame) -> Figure:
    fig = Figure(figsize=(9, 3.5))
    ax1, ax2 = fig.subplots(1, 2)
    g = markets.groupby("market")
    for ax, col, title in ((ax1, "service_level", "service level by market"),
                           (ax2, "shelf_life_left_days", "shelf life left at delivery (days)")):
        mean = g[col].mean()
        err = g[col].std().fillna(0.0)
        ax.bar(mean.index.astype(str), mean.to_numpy(), yerr=err.to_numpy(), capsize=4, color="#69c")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    return fig


def write_report(results: ResultSet, out: str | Path) -> Path:
    """Write ``report.html`` (self-contained) for ``results``; return its path."""
    meta = results.meta
    title = f"Scenario {meta.get('scenario', '')}: {meta.get('runs')} runs of {meta.get('days')} day(s)"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(str(meta.get('description', '')))}</p>",
        f"<p class='note'>Seed {meta.get('seed')}, base case {html.escape(str(meta.get('base_case')))}; "
        f"{meta.get('workers')} worker(s), {meta.get('wall_s', 0):.0f} s wall time. "
        "Intervals are Student-t 95 % confidence intervals of the mean across runs.</p>",
        "<h2>Key figures</h2>", kpi_table_html(results.summary),
    ]
    if not results.days.empty:
        parts += ["<h2>Day by day</h2>", _img(_daily_figure(results.days), "kg by day")]
        labels = results.days["disruptions"].map(lambda v: v if isinstance(v, str) else "")
        dis = results.days.assign(disruptions=labels)[labels != ""]
        if not dis.empty:
            counts = dis.groupby(["day", "disruptions"]).size().reset_index(name="runs")
            parts.append("<h3>Disruptions</h3><table><tr><th>day</th><th>disruptions</th><th>runs</th></tr>"
                         + "".join(f"<tr><td>{r.day}</td><td>{html.escape(str(r.disruptions))}</td>"
                                   f"<td>{r.runs}</td></tr>" for r in counts.itertuples())
                         + "</table>")
    parts += ["<h2>Spread across runs</h2>", _img(_spread_figure(results.runs), "spread")]
    if not results.markets.empty:
        parts += ["<h2>By market</h2>", _img(_market_figure(results.markets), "markets")]
    parts.append("</body></html>")
    path = Path(out)
    if path.is_dir() or not path.suffix:
        path = path / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
