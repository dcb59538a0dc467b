"""``planner validate`` and ``planner info``: check and describe a case folder."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..exceptions import CaseError

if TYPE_CHECKING:
    from ..domain import Case
    from ..io.tables import ReadLog

console = Console()
err = Console(stderr=True)

CaseArg = Annotated[Path, typer.Argument(help="Case folder (e.g. data/luc-ngan).")]


WARNINGS_SHOWN = 25  # lines of grouped warnings before "... and N more"
_ROW = re.compile(r"^(?P<file>.+?) row (?P<row>\d+), (?P<rest>.*)$", re.DOTALL)


def grouped_warnings(warnings: list[str]) -> list[str]:
    """One line per file and message, listing the rows it applies to
    (``orders.csv rows 3, 7, 9, region: 'Hanoi' read as ...``)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for warning in warnings:
        m = _ROW.match(warning)
        key = (m["file"], m["rest"]) if m else (warning, "")
        groups.setdefault(key, []).append(m["row"] if m else "")
    lines = []
    for (file, rest), rows in groups.items():
        if not rest:
            lines.append(file)
        elif len(rows) == 1:
            lines.append(f"{file} row {rows[0]}, {rest}")
        else:
            shown = ", ".join(rows[:8]) + (f" and {len(rows) - 8} more" if len(rows) > 8 else "")
            lines.append(f"{file} rows {shown} ({len(rows)} rows), {rest}")
    return lines


def print_warnings(log: ReadLog, out: Console, *, limit: int | None = WARNINGS_SHOWN) -> None:
    """The warnings of a case, apart from errors: legal but implausible values."""
    if not log.warnings:
        return
    lines = grouped_warnings(log.warnings)
    out.print(f"[yellow]{len(log.warnings)} warning(s)[/yellow] (legal but implausible; check them):",
              soft_wrap=True)
    for line in lines[:limit]:
        out.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    if limit is not None and len(lines) > limit:
        out.print(f"  ... and {len(lines) - limit} more (planner validate --all-warnings lists them)",
                  markup=False, highlight=False, soft_wrap=True)


def load_or_exit(folder: Path, *, log: ReadLog | None = None, warn: bool = True) -> Case:
    """Read a case, or print every problem and exit with code 2. Warnings
    (legal but implausible values) go to stderr unless ``warn`` is False or
    the caller passes its own ``log`` to show them itself."""
    from ..io import read_case
    from ..io.tables import ReadLog

    own = log is None
    log = ReadLog() if log is None else log
    try:
        case = read_case(folder, log=log)
    except CaseError as exc:
        if len(exc.problems) == 1:  # one clear line, naming the file's full path
            problem = exc.problems[0]
            line = problem if problem.startswith(str(folder)) else f"{folder}{os.sep}{problem}"
            err.print(line, markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        err.print(f"[red]{folder}: {len(exc.problems)} problem(s)[/red]", soft_wrap=True)
        for problem in exc.problems:  # one line each, whatever the width: grep-able
            err.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if own and warn:
        print_warnings(log, err)
    return case


def _print_files(log: ReadLog) -> None:
    for note in log.files:
        console.print(f"  read {note.describe()}", markup=False, highlight=False, soft_wrap=True)


def validate(
    case: CaseArg,
    all_warnings: Annotated[bool, typer.Option("--all-warnings", help="List every warning.")] = False,
) -> None:
    """Check a case folder; exit 0 when valid (warnings listed apart), 2 with every problem otherwise.

    Names the encoding, delimiter and decimal separator each file was read with."""
    from ..io.tables import ReadLog

    log = ReadLog()
    try:
        loaded = load_or_exit(case, log=log)
    except typer.Exit:
        _print_files(log)
        print_warnings(log, console, limit=None if all_warnings else WARNINGS_SHOWN)
        raise
    _print_files(log)
    console.print(
        f"[green]valid[/green] {case}: {len(loaded.sites)} sites, {len(loaded.lots)} lots, "
        f"{len(loaded.orders)} orders, {len(loaded.vehicle_types)} vehicle types, "
        f"{len(loaded.lanes)} lanes", soft_wrap=True,
    )
    print_warnings(log, console, limit=None if all_warnings else WARNINGS_SHOWN)


def _kg_table(title: str, key_name: str, totals: dict[str, list[float]]) -> Table:
    table = Table(title=title)
    table.add_column(key_name)
    table.add_column("orders", justify="right")
    table.add_column("kg", justify="right")
    for key, (count, kg) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        table.add_row(key, f"{int(count):,}", f"{kg:,.0f}")
    return table


def info(case: CaseArg) -> None:
    """Counts, kg by destination, market and day, and each market's shelf-life budget."""
    from ..domain.units import to_datetime

    c = load_or_exit(case)
    s = c.settings
    console.print(f"[bold]{s.name}[/bold]  epoch {s.epoch.date()} ({s.timezone}), {s.horizon_days} day(s), {s.currency}")
    lot_kg = sum(lot.kg for lot in c.lots)
    console.print(
        f"{len(c.sites)} sites, {len(c.lots)} lots ({lot_kg:,.0f} kg), {len(c.orders)} orders "
        f"({sum(o.kg for o in c.orders):,.0f} kg), {sum(v.count for v in c.vehicle_types)} vehicles "
        f"in {len(c.vehicle_types)} types, {len(c.lanes)} lanes"
    )
    by_city: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    by_market: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    by_day: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for o in c.orders:
        day = to_datetime(o.ordered, s.epoch, s.timezone).date().isoformat()
        for bucket, key in ((by_city, f"{o.destination.city}, {o.destination.country}"),
                            (by_market, o.market), (by_day, day)):
            bucket[key][0] += 1
            bucket[key][1] += o.kg
    console.print(_kg_table("Orders by destination", "destination", by_city))
    console.print(_kg_table("Orders by market", "market", by_market))
    console.print(_kg_table("Orders by day ordered", "day", by_day))
    console.print(_budget_table(c))
    if any(site.commune_code for site in c.sites):
        console.print(_communes_table(c))


def _communes_table(c: Case) -> Table:
    """Sites by 2025 commune, with the former names the case uses in brackets."""
    from ..geo.vietnam import label

    table = Table(title="Sites by commune (2025 name; the name written, if older, in brackets)")
    for col in ("commune", "code", "farms", "other sites"):
        table.add_column(col, justify="right" if col in ("farms", "other sites") else "left")
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for site in c.sites:
        if site.commune_code:
            counts[(label(site.commune, site.commune_code), site.commune_code)][site.kind != "farm"] += 1
    for (name, code), (farms, others) in sorted(counts.items()):
        table.add_row(name, code, str(farms), str(others))
    return table


def _budget_table(c: Case) -> Table:
    from ..domain.units import DAY
    from ..freshness import model_for

    table = Table(title="Shelf-life budget by market (pre-cooled on target, then kept at the reference temperature)")
    for col in ("market", "treatment", "min. left at delivery (d)", "budget for transit (d)", "same at ambient 30 C (h)"):
        table.add_column(col)
    for m in c.markets:
        for p in c.products:
            model = model_for(p)
            budget = p.ref_shelf_life_s - p.precool_target_budget_s - m.min_shelf_life_s
            ambient_h = model.seconds_until(budget, 30.0) / 3600
            table.add_row(
                f"{m.id} ({p.id})", str(m.treatment or "none"), f"{m.min_shelf_life_s / DAY:.1f}",
                f"{budget / DAY:.1f}", f"{ambient_h:.1f}",
            )
    return table


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(info)
