"""Processes that end with their parent (planner/processes.py)."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys

import pytest

from planner.processes import die_with_parent, usable_cores


def _orphan_check(parent: int) -> None:
    die_with_parent(parent)
    os._exit(0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_the_kernel_call_is_made_and_a_child_whose_parent_is_already_gone_ends():
    ctx = mp.get_context("fork")
    kept = ctx.Process(target=_orphan_check, args=(os.getpid(),))
    kept.start()
    kept.join(30)
    gone = ctx.Process(target=_orphan_check, args=(os.getpid() + 10**7,))  # (no such parent: as if it had ended)
    gone.start()
    gone.join(30)
    assert (kept.exitcode, gone.exitcode) == (0, 3)


def test_usable_cores_is_at_least_one():
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)
