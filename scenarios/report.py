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

from .compare import HEADLINE, Comparison, headline
from .results import DATA, KPIS, ResultSet

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
        f"sample {meta.get('sample', 1)} (effective: "
        + html.escape(", ".join(f"{k} {v}" for k, v in dict(meta.get('effective_sample', {})).items()))
        + f"); workers {meta.get('workers_start', meta.get('workers'))} at the start, "
        f"{meta.get('workers_end', meta.get('workers'))} at the end, {meta.get('workers_lost', 0)} lost, "
        f"{meta.get('tasks_retried', 0)} task(s) re-run; {meta.get('wall_s', 0):.0f} s wall time. "
        "Intervals are 95 % intervals of the mean across runs: Student-t, or the percentile bootstrap "
        "where the t interval would leave the KPI's range (summary.csv, column interval). Every column "
        "is defined in kpis.csv.</p>",
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


def comparison_figure(cmp: Comparison) -> Figure:
    """B - A with its interval: the headline KPIs in their units (top), every
    KPI as a share of A's mean (bottom)."""
    rows = cmp.table.set_index("kpi")
    heads = [k for k in HEADLINE if k in rows.index]
    rel = cmp.table[(cmp.table["mean_a"].abs() > 0) & cmp.table["diff"].notna()]
    fig = Figure(figsize=(9, 3.2 + 0.28 * len(rel)), layout="constrained")
    grid = fig.add_gridspec(2, max(1, len(heads)), height_ratios=[2.6, 0.6 + 0.28 * len(rel)])
    axes = [fig.add_subplot(grid[0, i]) for i in range(len(heads))]
    for ax, kpi in zip(axes, heads, strict=False):
        unit, factor, _ = HEADLINE[kpi]
        r = rows.loc[kpi]
        d, lo, hi = r["diff"] * factor, r["ci_low"] * factor, r["ci_high"] * factor
        ax.errorbar([0], [d], yerr=[[d - lo], [hi - d]], fmt="o", capsize=6, color=_colour(r["verdict"]))
        ax.axhline(0, color="#888", lw=0.8)
        ax.set_xticks([])
        ax.set_title(f"{DATA[kpi].label}\n({unit})", fontsize=9)
    fig.suptitle(f"B = {cmp.b_name} minus A = {cmp.a_name} ({cmp.level:.0%} intervals, {cmp.method})",
                 fontsize=10)
    ax = fig.add_subplot(grid[1, :])
    if len(rel):
        base = rel["mean_a"].abs().to_numpy()
        d = rel["diff"].to_numpy() / base * 100
        lo, hi = rel["ci_low"].to_numpy() / base * 100, rel["ci_high"].to_numpy() / base * 100
        y = np.arange(len(rel))[::-1]
        for yi, di, low, high, v in zip(y, d, lo, hi, rel["verdict"], strict=True):
            ax.errorbar([di], [yi], xerr=[[di - low], [high - di]], fmt="o", capsize=3, color=_colour(v))
        ax.set_yticks(y, [DATA[k].titled if k in DATA else k for k in rel["kpi"]], fontsize=8)
        ax.axvline(0, color="#888", lw=0.8)
        ax.set_xlabel("B - A, % of A's mean (green: B better, red: B worse, grey: no clear difference)")
        ax.grid(axis="x", alpha=0.3)
    return fig


def _colour(verdict: str) -> str:
    return {"B better": "#2a9d3a", "B worse": "#c62828"}.get(verdict, "#555")


def write_comparison(cmp: Comparison, out: str | Path, *, runs: dict[str, int] | None = None) -> tuple[Path, Path]:
    """Write ``out``.png (the chart of B - A) and ``out``.html (the chart, the
    headline, the multiple-comparison note and the table); return both paths."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    png, page = out.with_suffix(".png"), out.with_suffix(".html")
    fig = comparison_figure(cmp)
    fig.savefig(png, dpi=110, bbox_inches="tight")
    cols = ("kpi", "unit", "mean_a", "mean_b", "diff", "ci_low", "ci_high", "interval", "p_value", "p_fdr",
            "verdict")
    head = "".join(f"<th>{c}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(getattr(r, c)))}</td>" for c in cols) + "</tr>"
        for r in cmp.table.itertuples())
    title = f"{cmp.b_name} minus {cmp.a_name}"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>",
        *(f"<p><b>{html.escape(w)}</b></p>" for w in cmp.warnings),
        "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in headline(cmp)) + "</ul>",
        f"<p class='note'>{html.escape(cmp.note)}</p>",
    ]
    if runs:
        parts.append("<p class='note'>Runs per scenario for a 95 % interval of about +-1 point of service, "
                     "+-1 t of spoilage, +-100 VND/kg, +-1 t CO2e: "
                     + html.escape(", ".join(f"{k} {v}" for k, v in runs.items())) + "</p>")
    parts += [_img(fig, "B minus A"), f"<table><tr>{head}</tr>{body}</table></body></html>"]
    page.write_text("\n".join(parts), encoding="utf-8")
    return page, png


def _cell(v: object) -> str:
    if isinstance(v, float):
        return _fmt(v)
    return str(v)
