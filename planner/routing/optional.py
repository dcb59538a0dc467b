"""Optional solver libraries, imported only when a backend needs them, so
``import planner`` works on the core install (PyVRP is the ``bench`` extra)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..exceptions import SolverError


def pyvrp() -> ModuleType:
    """The ``pyvrp`` package; SolverError saying how to install it if absent."""
    try:
        return importlib.import_module("pyvrp")
    except ImportError:
        msg = ("the pyvrp and hybrid routing backends need PyVRP, an optional dependency: "
               "pip install 'coldchain-planner[bench]', or use backend = \"ortools\"")
        raise SolverError(msg) from None
