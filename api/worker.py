"""A plan-job worker process: ``python -m api.worker`` (``planner serve``
starts one beside the server processes, so plans never compete with
requests for a server's interpreter). Settings from the environment."""

from __future__ import annotations

import logging
import signal
import threading

from .app import job_runner, open_database
from .engine import load_plan_function
from .services.cases import CaseStore
from .settings import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [plan worker] %(message)s")
    settings = Settings()
    db = open_database(settings)
    runner = job_runner(db, settings, load_plan_function(settings.plan_function), CaseStore(db))
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    runner.start()
    logging.getLogger("api.worker").info("%d plan worker(s) running", settings.workers)
    done.wait()
    runner.stop()
    db.dispose()


if __name__ == "__main__":
    main()
