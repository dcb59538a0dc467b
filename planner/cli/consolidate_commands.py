"""``planner consolidate``: freight consolidation of a case's orders, with
supplies declared from its lots (no pickup routing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if TYPE_CHECKING:
    from ..consolidation import ConsolidationParams, ConsolidationResult
    from ..domain import Case
from .case_commands import CaseArg, load_or_exit

console = Console()
err = Console(stderr=True)


def _shipments_table(case: Case, result: ConsolidationResult, partner: str | None) -> Table:
    from ..domain.units import to_datetime

    table = Table(title=f"Shipments{f' of {partner}' if partner else ''}")
    for col in ("shipment", "mode", "partner", "departs", "arrives", "units", "kg", "orders", "cost"):
        table.add_column(col, justify="right" if col in {"units", "kg", "orders", "cost"} else "left")
    ships = result.for_partner(partner) if partner else sorted(
        result.shipments, key=lambda s: (s.departure, s.id))
    tz = case.settings.timezone
    for s in ships:
        when = [to_datetime(t, case.settings.epoch, tz).strftime("%d %H:%M") for t in (s.departure, s.arrival)]
        table.add_row(s.id, s.mode, s.partner, *when, str(len(s.units)), f"{s.kg:,.0f}",
                      str(len(s.order_ids)), f"{s.cost:,.0f}")
    return table


def consolidate_command(
    case: CaseArg,
    time_limit: Annotated[float, typer.Option(help="Solver time limit (s).")] = 20.0,
    seed: Annotated[int, typer.Option(help="Solver seed.")] = 0,
    params_file: Annotated[Path | None, typer.Option("--params", help="TOML consolidation parameters.")] = None,
    pickup_delay_h: Annotated[float, typer.Option(help="Hours from harvest to the packing house.")] = 3.0,
    partner: Annotated[str | None, typer.Option(help="Only show this partner's shipments.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write shipments and unserved orders as JSON.")] = None,
    check: Annotated[bool, typer.Option(help="Run the independent checker on the plan.")] = True,
) -> None:
    """Consolidate a case's orders into trucks, air pallets and containers."""
    loaded = load_or_exit(case)
    try:
        from ..consolidation import ConsolidationParams

        params = ConsolidationParams.from_file(params_file) if params_file else ConsolidationParams()
    except (OSError, ValueError) as exc:
        err.print(f"{params_file}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    params = ConsolidationParams.from_dict({**_as_dict(params), "time_limit_s": time_limit})
    from ..consolidation import ConsolidationParams, check_result, consolidate, supplies_from_lots
    from ..domain.units import HOUR

    supplies = supplies_from_lots(loaded, pickup_delay_s=round(pickup_delay_h * HOUR))
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("consolidating", total=1.0)
        result = consolidate(loaded, supplies, params=params, seed=seed,
                             progress=lambda f, m: bar.update(task, completed=f, description=m))
    console.print(_shipments_table(loaded, result, partner))
    console.print(result.summary(), soft_wrap=True)
    if check:
        problems = check_result(loaded, supplies, result, params=params)
        for p in problems:
            err.print(f"  {p}", markup=False, soft_wrap=True)
        console.print("[green]checker: plan is valid[/green]" if not problems
                      else f"[red]checker: {len(problems)} problem(s)[/red]")
        if problems:
            raise typer.Exit(1)
    if output:
        output.write_text(json.dumps(to_json(result), indent=2))
        console.print(f"wrote {output}")


def _as_dict(params: ConsolidationParams) -> dict[str, object]:
    return {name: getattr(params, name) for name in params.__dataclass_fields__}


def to_json(result: ConsolidationResult) -> dict[str, object]:
    """Shipments, itineraries and unserved orders as plain JSON values."""
    from dataclasses import asdict

    return {
        "method": result.method, "cost": result.cost, "gap": result.gap,
        "shipments": [asdict(s) | {"cost": s.cost} for s in result.shipments],
        "itineraries": {k: asdict(v) for k, v in result.itineraries.items()},
        "unserved": [asdict(u) for u in result.unserved],
    }


def register(app: typer.Typer) -> None:
    app.command("consolidate")(consolidate_command)
