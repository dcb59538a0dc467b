"""The planner's HTTP API (FastAPI): orders and lots in, plans out, each
organisation seeing only its own. Started with ``planner serve``."""

from .app import create_app as create_app
from .settings import Settings as Settings
