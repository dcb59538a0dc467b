"""The application factory uvicorn starts (``planner serve``): settings from
the environment (``PLANNER_DATA_DIR``, ``PLANNER_DATABASE_URL``, ...)."""

from __future__ import annotations

from fastapi import FastAPI

from .app import create_app


def app_from_env() -> FastAPI:
    return create_app()
