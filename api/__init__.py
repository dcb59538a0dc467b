"""The planner's HTTP API (FastAPI): orders and lots in, plans out, each
organisation seeing only its own. Started with ``planner serve``.

``create_app`` and ``Settings`` load on first use (PEP 562), so that the
``planner`` command, which finds ``api.commands`` by entry point, does not
import FastAPI and SQLAlchemy just to list its commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app as create_app
    from .settings import Settings as Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .settings import Settings

        return Settings
    msg = f"module 'api' has no attribute {name!r}"
    raise AttributeError(msg)
