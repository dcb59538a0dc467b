"""``planner serve``'s watch over its plan-job worker process: a worker that
exits (killed, crashed) is started again, after a delay that doubles while it
keeps dying (1 s up to 30 s) and resets once a worker has lived a minute.
The servers meanwhile take back its jobs (api.jobs) and /readyz answers
not ready until the new worker has registered."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Sequence

log = logging.getLogger("api.supervisor")


class WorkerSupervisor:
    def __init__(self, command: Sequence[str], env: dict[str, str], *, first_delay_s: float = 1.0,
                 max_delay_s: float = 30.0, healthy_after_s: float = 60.0) -> None:
        self.command, self.env = list(command), env
        self.first_delay_s, self.max_delay_s, self.healthy_after_s = first_delay_s, max_delay_s, healthy_after_s
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env)
        self._thread.start()

    def _watch(self) -> None:
        delay, started = self.first_delay_s, time.monotonic()
        while not self._stop.wait(0.5):
            process = self.process
            if process is None or process.poll() is None:
                continue
            if time.monotonic() - started > self.healthy_after_s:
                delay = self.first_delay_s
            log.warning("the plan worker (pid %d) exited with %s; starting a new one in %.0f s",
                        process.pid, process.returncode, delay)
            if self._stop.wait(delay):
                return
            self.process, started = subprocess.Popen(self.command, env=self.env), time.monotonic()
            self.restarts += 1
            delay = min(delay * 2, self.max_delay_s)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(5)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
