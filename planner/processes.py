"""Processes that end with the process waiting for them.

A search forks walks and catchment workers, and the API forks each plan job;
a parent killed by a signal (SIGKILL, the OOM killer, a CPU cap) runs no
clean-up, so its children ask the kernel to be ended with it instead. A
light module (the API imports it without the engine)."""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when the thread that forked it ends


def die_with_parent(parent: int | None = None) -> bool:
    """Have the kernel kill this (forked) process when its parent ends, even
    by SIGKILL (Linux's ``prctl(PR_SET_PDEATHSIG)``; strictly, when the
    parent's thread that forked it ends), so a search's walks and workers
    never outlive the process that waits for them. ``parent``: the pid it
    was forked from; if that is already gone, this process ends now. False
    where the platform has no such call (nothing is set)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # (the C library's, loaded with Python)
    except (OSError, AttributeError):  # (not on Linux: no prctl)
        return False
    if prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(3)  # the parent ended before the call
    return True


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on Linux)
        return os.cpu_count() or 1
