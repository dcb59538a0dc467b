"""Drop known-harmless lines a native solver writes straight to file
descriptor 2 (C++ ``std::cerr``/``fprintf``), which Python's ``sys.stderr``
redirection cannot reach: OR-Tools 9.15's SCIP event handler, installed by
MathOpt's interrupter, prints two ``SCIPcatchEvent`` error lines on every
interruptible solve although nothing is wrong. Every other line the solver
writes is passed on unchanged once the solve returns."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

HARMLESS = re.compile(
    r"^\[scip_event\.c:\d+\] ERROR: SCIPcatchEvent does not support variable or row change events"
    r"|^\[gscip_event_handler\.cc:\d+\] ERROR: Error <-9> in function call"
)


def passed_on(text: str) -> str:
    """``text`` without the harmless lines (the rest as it was)."""
    return "".join(line for line in text.splitlines(keepends=True) if not HARMLESS.match(line))


@contextmanager
def filtered_stderr() -> Iterator[None]:
    """Route descriptor 2 to a temporary file for the block, then write what
    it caught, minus the harmless lines, to the real stderr. Other threads'
    writes to descriptor 2 during the block come out after it, in order."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no descriptor 2 (a detached process): nothing to filter
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            rest = passed_on(caught.read().decode("utf-8", errors="replace"))
            if rest:
                sys.stderr.write(rest)
                sys.stderr.flush()
