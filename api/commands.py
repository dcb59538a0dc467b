"""``planner serve`` and ``planner keys create|list|revoke``.

The engine never imports the API (import-linter checks it): the ``planner``
command finds these commands through the ``planner.commands`` entry point
group (pyproject.toml), the way pytest finds its plugins. The service's
modules are imported inside the commands, so ``planner --help`` stays fast."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)
EMBEDDED_CASE = Path(__file__).resolve().parents[1] / "data" / "luc-ngan"

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Folder of the SQLite file (default ./planner-data).")]
DatabaseUrl = Annotated[str | None, typer.Option("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.")]


class Role(StrEnum):
    dispatcher = "dispatcher"
    partner = "partner"
    planner = "planner"


def _api() -> ModuleType:
    from . import cli  # the service's modules load only when a command runs

    return cli


def _settings(data_dir: Path | None, database_url: str | None) -> object:
    try:
        return _api().settings_for(data_dir=data_dir, database_url=database_url)
    except ValueError as exc:
        err.print(f"[red]bad settings:[/red] {exc}")
        raise typer.Exit(2) from None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
    case: Annotated[Path | None, typer.Option("--case", help="Base case folder registered as the default case "
                                              "(default: the embedded case data/luc-ngan).")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Plan jobs run at once (in a worker process).")] = 1,
    processes: Annotated[int, typer.Option("--processes", min=1, help="Server processes (uvicorn workers).")] = 1,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request.")] = True,
) -> None:
    """Start the HTTP API (migrating the database first) and a plan-job worker process."""
    import sys

    import uvicorn

    from .supervisor import WorkerSupervisor

    env = {"PLANNER_DATA_DIR": str(data_dir) if data_dir else None, "PLANNER_DATABASE_URL": database_url,
           "PLANNER_BASE_CASE": str(case) if case else None}
    if case is None and "PLANNER_BASE_CASE" not in os.environ and EMBEDDED_CASE.is_dir():
        env["PLANNER_BASE_CASE"] = str(EMBEDDED_CASE)  # the embedded case, wherever the command runs
    os.environ.update({k: v for k, v in env.items() if v is not None})
    settings = _settings(data_dir, database_url)  # fail fast with a clear line
    _api().prepare(settings)
    worker = None
    if workers:  # restarted whenever it dies (api/supervisor.py)
        worker = WorkerSupervisor([sys.executable, "-m", "api.worker"], env={
            **os.environ, "PLANNER_WORKERS": str(workers), "PLANNER_PARENT_PID": str(os.getpid())})
        worker.start()
    os.environ["PLANNER_WORKERS"] = "0"  # the server processes only queue jobs
    os.environ["PLANNER_EXPECTED_WORKERS"] = str(workers)  # /readyz: not ready while they are missing
    try:
        uvicorn.run("api.main:app_from_env", factory=True, host=host, port=port, log_level="info", workers=processes,
                    access_log=access_log)
    finally:
        if worker is not None:
            worker.stop()


def keys_create(
    role: Annotated[Role, typer.Option("--role", help="dispatcher, partner or planner.")],
    org: Annotated[str, typer.Option("--org", help="Organisation, e.g. viettel-post.")],
    label: Annotated[str, typer.Option("--label", help="A note: who holds it.")] = "",
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Create an API key and print it once (only its digest is stored)."""
    settings = _settings(data_dir, database_url)
    try:
        key_id, token = _api().create_key(settings, role=role.value, org=org, label=label)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    err.print(f"key {key_id} for {role.value} {org} (store it now; it is not shown again):")
    print(token)


def keys_list(database_url: DatabaseUrl = None, data_dir: DataDir = None) -> None:
    """List API keys (never the keys themselves)."""
    rows = _api().list_keys(_settings(data_dir, database_url))
    table = Table(title="API keys")
    for col in ("id", "prefix", "role", "org", "label", "created", "revoked"):
        table.add_column(col)
    for k in rows:
        table.add_row(str(k["id"]), f"{k['prefix']}...", str(k["role"]), str(k["org"]), str(k["label"]),
                      f"{k['created_at']:%Y-%m-%d %H:%M}", f"{k['revoked_at']:%Y-%m-%d %H:%M}" if k["revoked_at"] else "")
    console.print(table)


def keys_revoke(
    key_id: Annotated[int, typer.Argument(help="Key id (from `planner keys list`).")],
    database_url: DatabaseUrl = None, data_dir: DataDir = None,
) -> None:
    """Revoke an API key (running servers stop accepting it within seconds)."""
    settings = _settings(data_dir, database_url)
    try:
        _api().revoke_key(settings, key_id)
    except Exception as exc:  # api.errors.ApiError for an unknown id
        err.print(f"[red]{getattr(exc, 'message', exc)}[/red]")
        raise typer.Exit(2) from None
    console.print(f"revoked key {key_id}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    keys = typer.Typer(help="API keys: create (printed once), list, revoke.", no_args_is_help=True)
    keys.command("create")(keys_create)
    keys.command("list")(keys_list)
    keys.command("revoke")(keys_revoke)
    app.add_typer(keys, name="keys")
