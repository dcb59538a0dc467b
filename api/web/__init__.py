"""The web page served by ``planner serve`` at ``/``: Jinja2 pages with a
little plain JavaScript for the three kinds of users, on the API's services.

``install(app)`` adds the pages and the packaged static files (the page's
script and style, and Leaflet vendored from its npm package, so nothing
loads from the internet)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    from . import pages_auth, pages_dispatch, pages_partner, pages_planner

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (pages_auth, pages_dispatch, pages_partner, pages_planner):
        app.include_router(module.router)
