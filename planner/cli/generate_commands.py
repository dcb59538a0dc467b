"""``planner generate``: write a seeded Luc Ngan case folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the case into.")],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same case.")] = 2025,
    day: Annotated[str, typer.Option(help="Planning day (YYYY-MM-DD).")] = "2025-06-12",
    farms: Annotated[int, typer.Option(help="Number of orchards.")] = 180,
    lots: Annotated[int, typer.Option(help="Number of harvest lots.")] = 240,
    orders: Annotated[int, typer.Option(help="Number of livestream orders.")] = 12_000,
    fleet_scale: Annotated[float, typer.Option(help="Multiply vehicle counts.")] = 1.0,
) -> None:
    """Generate the Luc Ngan livestream-day case (the embedded data/luc-ngan)."""
    from ..casegen import CaseSpec, generate_case
    from ..io import write_case

    try:
        spec = CaseSpec(seed=seed, day=date.fromisoformat(day), n_farms=farms, n_lots=lots,
                        n_orders=orders, fleet_scale=fleet_scale)
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    with console.status("generating..."):
        case = generate_case(spec)
        write_case(case, out)
    console.print(
        f"wrote {out}: {len(case.lots)} lots ({sum(lot.kg for lot in case.lots):,.0f} kg), "
        f"{len(case.orders):,} orders ({sum(o.kg for o in case.orders):,.0f} kg)"
    )


def register(app: typer.Typer) -> None:
    app.command()(generate)
