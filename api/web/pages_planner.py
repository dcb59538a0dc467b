"""The planner's page: results of ``planner simulate`` (folders under
DATA_DIR/scenarios) as tables and charts of KPIs with confidence intervals,
and ``planner compare`` of two of them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..auth import Role
from ..deps import AppState, State
from ..errors import ApiError
from .i18n import Words
from .render import PageRoute, page
from .sessions import User, require_role

router = APIRouter(prefix="/planner", route_class=PageRoute, include_in_schema=False)


def scenario_root(state: AppState) -> Path:
    return state.settings.data_dir / "scenarios"


def _folders(state: AppState) -> list[str]:
    root = scenario_root(state)
    return sorted(p.name for p in root.iterdir() if (p / "meta.json").is_file()) if root.is_dir() else []


def _finite(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and math.isfinite(x) else None


def _bars(rows: list[dict[str, Any]], low: str, high: str, value: str) -> list[dict[str, Any]]:
    """Each row's difference and its interval as percent positions around a
    zero line in the middle (each KPI on its own scale) for an inline SVG chart."""
    out = []
    for r in rows:
        span = max([abs(v) for v in (r.get(low), r.get(high), r.get(value)) if v is not None] + [1e-12])

        def pct(key: str, row: dict[str, Any] = r, span: float = span) -> float | None:
            v = row.get(key)
            return None if v is None else round(50 + 45 * v / span, 2)

        out.append({**r, "x": pct(value), "x_low": pct(low), "x_high": pct(high)})
    return out


def _load(state: AppState, name: str | None, other: str | None) -> dict[str, Any]:
    from scenarios.compare import compare
    from scenarios.results import ResultsError, load_results

    folders = _folders(state)
    for n in (name, other):
        if n and n not in folders:
            raise ApiError(404, "not_found", f"no scenario results named {n!r} under {scenario_root(state)}")
    chosen = name or (folders[0] if folders else None)
    out: dict[str, Any] = {"folders": folders, "name": chosen, "other": other, "summary": [], "comparison": None}
    if chosen is None:
        return out
    try:
        a = load_results(scenario_root(state) / chosen)
        out["meta"] = a.meta
        out["summary"] = [{k: (_finite(v) if k != "kpi" else v) for k, v in row.items()}
                          for row in a.summary.to_dict("records")]
        if other:
            b = load_results(scenario_root(state) / other)
            c = compare(a, b)
            rows = [{k: (_finite(v) if k not in ("kpi", "verdict") else v) for k, v in row.items()}
                    for row in c.table.to_dict("records")]
            out["comparison"] = {"method": c.method, "level": c.level, "rows": _bars(rows, "ci_low", "ci_high", "diff")}
    except (ResultsError, ValueError) as exc:
        raise ApiError(422, "invalid_results", str(exc)) from None
    return out


@router.get("")
async def home(request: Request, state: State, user: User, scenario: str | None = None,
               against: str | None = None) -> Response:
    require_role(user, Role.PLANNER)
    data = await run_in_threadpool(_load, state, scenario, against)
    return page(request, "planner.html", user=user, words=Words(user.lang), **data)
