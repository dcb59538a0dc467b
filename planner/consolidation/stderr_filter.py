"""Drop known-harmless lines a native solver writes straight to file
descriptor 2 (C++ ``std::cerr``/``fprintf``), which Python's ``sys.stderr``
redirection cannot reach: OR-Tools 9.15's SCIP event handler, installed by
MathOpt's interrupter, prints two ``SCIPcatchEvent`` error lines on every
interruptible solve although nothing is wrong. Everything else written to
descriptor 2 during the solve (other native lines, a progress bar) is passed
on as it comes."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

HARMLESS = re.compile(
    rb"^\[scip_event\.c:\d+\] ERROR: SCIPcatchEvent does not support variable or row change events[^\n]*\n?"
    rb"|^\[gscip_event_handler\.cc:\d+\] ERROR: Error <-9> in function call[^\n]*\n?",
    re.MULTILINE,
)


STARTS = (b"[scip_event.c:", b"[gscip_event_handler.cc:")


def passed_on(data: bytes) -> bytes:
    """``data`` without the harmless lines (the rest as it was)."""
    return HARMLESS.sub(b"", data)


class _Lines:
    """Passes bytes on as they come, except a line that may still become a
    harmless one (the solver writes a line in several pieces): that is held
    until its end shows what it is."""

    def __init__(self) -> None:
        self.held = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self.held + chunk
        cut = data.rfind(b"\n") + 1
        done, tail = data[:cut], data[cut:]
        if tail and any(tail.startswith(p) or p.startswith(tail) for p in STARTS):
            self.held = tail
        else:
            self.held, done = b"", done + tail
        return passed_on(done)

    def end(self) -> bytes:
        rest, self.held = passed_on(self.held), b""
        return rest


@contextmanager
def filtered_stderr() -> Iterator[None]:
    """Route descriptor 2 through a pipe for the block; a thread passes on
    what comes through as it comes (a progress bar on stderr keeps moving),
    minus the harmless lines."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no descriptor 2 (a detached process): nothing to filter
        yield
        return
    read_end, write_end = os.pipe()

    lines = _Lines()

    def pump() -> None:
        while chunk := os.read(read_end, 65536):
            if out := lines.feed(chunk):
                os.write(saved, out)
        if out := lines.end():
            os.write(saved, out)

    thread = threading.Thread(target=pump, name="stderr-filter", daemon=True)
    thread.start()
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        with suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)  # the pipe's last writer closes: the pump reads to its end
        thread.join(timeout=5.0)
        os.close(read_end)
        os.close(saved)
