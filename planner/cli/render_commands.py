"""``planner render``: the files people read, from a plan.json (for instance
after a dispatcher edited it and ``planner check`` found no violation)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..assembly.plan_reader import load_plan
from ..exceptions import PlanCheckError
from ..outputs import write_outputs
from .case_commands import load_or_exit

console = Console()
err = Console(stderr=True)


def render(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN.json", help="A plan.json, perhaps edited.")],
    case: Annotated[Path, typer.Argument(help="The case folder it was planned from.")],
    out: Annotated[Path, typer.Option(help="Folder for the GeoJSON, manifests and reports.")],
) -> None:
    """Write routes/shipments GeoJSON, manifests per partner, report.html and report.png.

    Exit 0 when written, 2 when the plan cannot be read or does not match the case."""
    loaded = load_or_exit(case)
    try:
        written = write_outputs(load_plan(plan_file), loaded, out)
    except PlanCheckError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    table = Table("file", "bytes", title=f"{out}")
    for name, path in written.items():
        table.add_row(name, f"{path.stat().st_size:,}")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(render)
