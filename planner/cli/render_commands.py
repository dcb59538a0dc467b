"""``planner render``: the files people read, from a plan.json (for instance
after a dispatcher edited it and ``planner check`` found no violation)."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..exceptions import PlanCheckError
from .case_commands import load_or_exit

console = Console()
err = Console(stderr=True)


class Language(StrEnum):
    vi = "vi"
    en = "en"


LangOption = Annotated[Language | None, typer.Option(
    "--lang", help="Language of the sheets, report and manifests (default: the case's lang).")]
PdfOption = Annotated[bool, typer.Option(
    "--pdf/--no-pdf", help="Print sheets/route-sheets.pdf with headless Chromium.")]


def render(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN.json", help="A plan.json, perhaps edited.")],
    case: Annotated[Path, typer.Argument(help="The case folder it was planned from.")],
    out: Annotated[Path, typer.Option(help="Folder for the GeoJSON, manifests, sheets and reports.")],
    lang: LangOption = None,
    pdf: PdfOption = True,
) -> None:
    """Write routes/shipments GeoJSON, manifests per partner, route sheets, report.html and report.png.

    Exit 0 when written, 2 when the plan cannot be read or does not match the case."""
    from ..assembly.plan_reader import load_plan
    from ..exceptions import TravelTimeError
    from ..io.digest import case_digest
    from ..outputs import write_outputs
    from ..travel import provider_for

    loaded = load_or_exit(case)
    started = time.perf_counter()
    notes: list[str] = []
    try:
        doc = load_plan(plan_file)
        planned_from = doc["case"].get("digest")
        if planned_from and planned_from != case_digest(case):
            notes.append(f"{case} changed since {plan_file} was planned (case digest differs); "
                         "run planner check before sending these files")
        roads = None
        if loaded.settings.travel.provider == "osm":  # draw routes along the case's roads
            roads = provider_for(loaded.settings.travel, case)
        written = write_outputs(doc, loaded, out, lang=lang.value if lang else None, pdf=pdf,
                                notes=notes, roads=roads)  # type: ignore[arg-type]
    except (PlanCheckError, TravelTimeError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    table = Table("file", "bytes", title=f"{out}")
    for name, path in written.items():
        table.add_row(name, f"{path.stat().st_size:,}")
    console.print(table)
    console.print(f"rendered in {time.perf_counter() - started:.1f} s", highlight=False)
    for note in notes:
        err.print(f"[yellow]warning:[/yellow] {note}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(render)
