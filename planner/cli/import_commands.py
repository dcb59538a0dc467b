"""``planner import``: spreadsheets as an office keeps them -> a case folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def import_command(
    source: Annotated[Path, typer.Argument(
        help="A folder of CSV/XLSX files (sites, lots, orders, fleet, drivers and the TOML files), "
             "or one XLSX workbook with a sheet per table (TOML files next to it).")],
    out: Annotated[Path, typer.Option("--out", help="New case folder to write.")],
) -> None:
    """Turn a folder of spreadsheets (or one workbook) into a case folder, with a report.

    Tables are written as UTF-8 CSV with commas and decimal points, every text in
    Unicode NFC; the report (also OUT/import-report.txt) says what was read, what
    was changed and what could not be. Exit 0 when the case written is valid,
    1 when it has problems to fix, 2 when nothing could be written."""
    from ..io.importer import import_case

    try:
        report = import_case(source, out)
    except (FileNotFoundError, FileExistsError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    for line in report.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
