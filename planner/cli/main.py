"""Entry point of the ``planner`` command. Each concern registers its
commands from its own module; packages outside the engine (the HTTP API)
add theirs through the ``planner.commands`` entry point group.

The plugins load only when the command line may need them (``planner
--help``, or a command that is not the engine's own): ``planner validate``
does not pay for importing the HTTP API."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

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

_OWN = (case_commands, import_commands, generate_commands, plan_commands, bench_commands,
        scenario_commands, network_commands, consolidate_commands, render_commands)


def build_app(*, plugins: bool = True) -> typer.Typer:
    """The ``planner`` command with the engine's commands and, if ``plugins``,
    those of the ``planner.commands`` entry points."""
    app = typer.Typer(
        name="planner",
        help="Cold-chain planner for perishable harvest peaks (pickup routes, freight, simulations).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for module in _OWN:
        module.register(app)
    if plugins:
        from importlib.metadata import entry_points

        for plugin in sorted(entry_points(group="planner.commands"), key=lambda ep: ep.name):
            plugin.load()(app)
    return app


def own_commands(app: typer.Typer) -> set[str]:
    """The names of the commands and command groups registered on ``app``."""
    names = {c.name or c.callback.__name__.lower().replace("_", "-")  # typer's default name
             for c in app.registered_commands if c.callback is not None}
    return names | {g.name for g in app.registered_groups if g.name}


def needs_plugins(args: Sequence[str], own: set[str]) -> bool:
    """Whether ``planner ARGS`` may need a plugin: no command named (help),
    or a command that is not one of ``own``."""
    command = next((a for a in args if not a.startswith("-")), None)
    return command is None or command not in own


def __getattr__(name: str) -> Any:
    if name == "app":  # every command, plugins included (tests invoke it with CliRunner)
        app = build_app()
        globals()["app"] = app
        return app
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def main() -> None:
    own = build_app(plugins=False)
    app = build_app() if needs_plugins(sys.argv[1:], own_commands(own)) else own
    app()
