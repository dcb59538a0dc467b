"""A plan-job worker process: ``python -m api.worker`` (``planner serve``
starts one beside the server processes, so plans never compete with
requests for a server's interpreter). Settings from the environment."""

from __future__ import annotations

import logging
import os
import signal
import threading

from .app import job_runner, open_database
from .engine import load_plan_function
from .services.cases import CaseStore
from .settings import Settings


def _watch_parent(done: threading.Event) -> None:
    """Stop when the process that started this one is gone (``planner serve``
    killed by a signal cannot stop its worker itself)."""
    parent = int(os.environ.get("PLANNER_PARENT_PID", "0")) or os.getppid()
    while not done.wait(1.0):
        if os.getppid() != parent:
            logging.getLogger("api.worker").warning("the server process %d is gone; stopping", parent)
            done.set()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [plan worker] %(message)s")
    settings = Settings()
    db = open_database(settings)
    runner = job_runner(db, settings, load_plan_function(settings.plan_function), CaseStore(db))
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    threading.Thread(target=_watch_parent, args=(done,), daemon=True).start()
    runner.start()
    logging.getLogger("api.worker").info("%d plan worker(s) running", settings.workers)
    done.wait()
    runner.stop()
    db.dispose()


if __name__ == "__main__":
    main()
