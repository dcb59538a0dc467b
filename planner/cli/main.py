"""Entry point of the ``planner`` command. Each concern registers its
commands from its own module; packages outside the engine (the HTTP API)
add theirs through the ``planner.commands`` entry point group."""

from __future__ import annotations

from importlib.metadata import entry_points

import typer

from . import (
    bench_commands,
    case_commands,
    consolidate_commands,
    generate_commands,
    import_commands,
    network_commands,
    plan_commands,
    render_commands,
    scenario_commands,
)

app = typer.Typer(
    name="planner",
    help="Cold-chain planner for perishable harvest peaks (pickup routes, freight, simulations).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
case_commands.register(app)
import_commands.register(app)
generate_commands.register(app)
plan_commands.register(app)
bench_commands.register(app)
scenario_commands.register(app)
network_commands.register(app)
consolidate_commands.register(app)
render_commands.register(app)
for plugin in sorted(entry_points(group="planner.commands"), key=lambda ep: ep.name):
    plugin.load()(app)


def main() -> None:
    app()
