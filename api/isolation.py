"""One plan job in a child process of the worker, under a memory cap
(``RLIMIT_AS``) and a time cap (``RLIMIT_CPU`` in the child, a wall-clock
deadline in the parent), so a job that grows without bound ends ``failed``
with a clear reason and the worker lives on.

Children are forked from the worker (the case and the plan function are
inherited, not pickled; the child touches none of the parent's database
connections or locks, only its pipe). Progress reports, the result and the child's
peak memory come back over a pipe; a child that dies without a word (the
kernel's OOM killer, SIGXCPU, SIGKILL) is reported by its exit code. A child
ends with the worker thread that started it (the kernel kills it:
:func:`planner.processes.die_with_parent`; elsewhere than on Linux a
thread of the child watches the worker).

The child may fork processes of its own: the search's walks, one per core
the job is given (``PlanOptions.cores``), and a large day's catchments. It
runs no thread beside its main one (a watching thread would keep the engine
from forking: :func:`planner.routing.parallel.can_fork`), and it lets itself
have children although the worker treats it as a daemon (ended when the
worker exits). Each process it forks inherits the caps, which count per
process: a walk's CPU seconds from its own start (a walk lives one epoch of
the search, about 10 s), its address space beside the child's (shared pages
counted in both)."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from planner.domain import Case
from planner.processes import die_with_parent

from .engine import PlanFunction, PlanOptions, PlanOutput
from .errors import engine_error

log = logging.getLogger("api.isolation")
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Caps:
    memory_mb: int  # address space the child may add to what it inherits
    cpu_s: int  # CPU seconds of the child: the work it may do
    wall_s: float  # seconds from its start to its end (generous: a busy machine slows a plan down)


class JobFailed(Exception):
    """A plan job that failed in its child: a stable ``code``, a message for
    the caller and, for engine errors, the problems found."""

    def __init__(self, code: str, message: str, problems: list[str] | None = None,
                 peak_mb: float | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.problems, self.peak_mb = code, message, problems or [], peak_mb


class Cancelled(Exception):
    """The parent's progress callback raised to stop the child."""


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # ru_maxrss is in KiB on Linux


def _resident_peak_mb(pid: int) -> float:
    """Peak resident memory of process ``pid`` so far (``VmHWM``), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _watch(pid: int) -> None:
    """Exit when process ``pid`` (the worker) is gone."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(3)
        except PermissionError:
            pass


def _address_space() -> int:
    """Bytes of address space this process maps now (``/proc/self/statm``)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _child(conn: Connection, function: PlanFunction, case: Case, options: PlanOptions, caps: Caps,
           watch_pid: int) -> None:
    # the cap counts what the job adds to the worker it was forked from
    limit = _address_space() + caps.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (caps.cpu_s, caps.cpu_s + 5))
    if not die_with_parent(watch_pid):
        threading.Thread(target=_watch, args=(watch_pid,), daemon=True).start()
    mp.current_process().daemon = False  # (a daemon may not start processes: the search's walks)

    def progress(fraction: float, message: str) -> None:
        conn.send(("progress", float(fraction), str(message)[:500]))

    try:
        output = function(case, options=options, progress=progress)
    except MemoryError:
        conn.send(("failed", "memory_limit", "", [], _peak_mb()))
    except Exception as exc:
        api_error = engine_error(exc)
        if api_error is not None:
            conn.send(("failed", api_error.code, api_error.message, api_error.problems[:50], _peak_mb()))
        else:
            conn.send(("crashed", traceback.format_exc(), _peak_mb()))
    else:
        conn.send(("done", output, _peak_mb()))
    finally:
        conn.close()


def run_capped(
    function: PlanFunction, case: Case, options: PlanOptions, caps: Caps,
    progress: Callable[[float, str], None], stop: threading.Event,
) -> tuple[PlanOutput, float]:
    """The plan and the child's peak memory (MB); raises JobFailed, or
    Cancelled when ``progress`` raised it, or InterruptedError when ``stop``
    was set (the worker stops: the job is left for another worker)."""
    ctx = mp.get_context("fork")
    parent, child_end = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(child_end, function, case, options, caps, os.getpid()),
                        name="plan-job", daemon=True)
    child.start()
    child_end.close()
    deadline = time.monotonic() + caps.wall_s
    peak = 0.0
    try:
        while True:
            peak = max(peak, _resident_peak_mb(child.pid))
            if stop.is_set():
                raise InterruptedError("the worker is stopping")
            if time.monotonic() > deadline:
                raise JobFailed("time_limit", f"the plan ran past its wall-clock limit ({caps.wall_s:.0f} s) "
                                "and was stopped", peak_mb=peak or None)
            if parent.poll(0.25):
                try:
                    message = parent.recv()
                except EOFError:
                    break
                kind = message[0]
                if kind == "progress":
                    progress(message[1], message[2])  # may raise Cancelled (JobCancelled)
                elif kind == "done":
                    return message[1], message[2]
                elif kind == "failed":
                    _, code, text, problems, peak = message
                    if code == "memory_limit":
                        text = f"the plan needed more than its memory cap ({caps.memory_mb} MB) and was stopped"
                    raise JobFailed(code, text, problems, peak)
                elif kind == "crashed":
                    log.error("plan job crashed in its process:\n%s", message[1])
                    raise JobFailed("internal_error", "the plan failed unexpectedly; the error is in the server log",
                                    peak_mb=message[2])
            elif not child.is_alive():
                break
        child.join(5)
        code = child.exitcode
        if code in (-signal.SIGXCPU, -signal.SIGKILL) or code is None:
            reason = ("used more CPU time than its cap" if code == -signal.SIGXCPU
                      else "was killed (out of memory or by an operator)")
            raise JobFailed("time_limit" if code == -signal.SIGXCPU else "killed", f"the plan's process {reason}",
                            peak_mb=peak or None)
        raise JobFailed("internal_error", f"the plan's process ended without a result (exit code {code})",
                        peak_mb=peak or None)
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        parent.close()
