"""Catchments solved at once (local processes, a Dask cluster) give the plan the serial solve gives."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import MappingProxyType

import pytest

from planner.routing import check_result, parallel, route_pickups
from planner.routing.parallel import dask_mapper, lpt_shares, run_in_processes


def _two_catchments(rk):
    sites = [rk.ph("ph"), rk.ph("ph2", 40.0), *(rk.site(f"f{k}", 3.0 * k) for k in range(1, 4)),
             *(rk.site(f"g{k}", 40.0 + 3.0 * k) for k in range(1, 4))]
    fleet = [rk.vehicle("a", kg=300, count=2, home="ph"), rk.vehicle("b", kg=300, count=2, home="ph2")]
    lots = [rk.lot(f"L{k}", f"f{k}", 80) for k in range(1, 4)] + [rk.lot(f"M{k}", f"g{k}", 80) for k in range(1, 4)]
    return rk.case(sites, fleet, lots)


def _plan(result):
    return [(r.vehicle_id, [(s.site, s.kind, s.arrival, s.lot_ids) for s in r.stops]) for r in result.routes]


def test_the_same_plan_serially_in_local_processes_and_on_two_dask_workers(rk):
    case = _two_catchments(rk)
    params = rk.fast.replace(decompose=True, solution_limit=50, time_limit_s=30, workers=1)
    serial = route_pickups(case, params=params, seed=3)
    assert serial.stats["catchments"] == 2
    assert check_result(case, serial) == []
    parts = []

    def recording(fn, jobs):  # type: ignore[no-untyped-def]
        parts.extend(fn(job) for job in jobs)
        return parts

    again = route_pickups(case, params=params, seed=3, mapper=recording)
    assert len(parts) == 2 and _plan(again) == _plan(serial)
    for key in ("improve_steps", "improve_kept", "repair_rounds", "repair_refused"):  # the catchments' counters add up
        assert again.stats[key] == serial.stats[key] == sum(p.stats[key] for p in parts)
    assert serial.stats["improve_steps"] > 0
    seen: list[tuple[float, str]] = []
    pooled = route_pickups(case, params=params.replace(workers=2), seed=3, progress=lambda f, m: seen.append((f, m)))
    assert _plan(pooled) == _plan(serial) and pooled.stats["improve_steps"] == serial.stats["improve_steps"]
    assert seen[-1] == (1.0, "done") and any(m == "2 of 2 catchments planned (2 at once)" for _, m in seen)
    with dask_mapper(workers=2) as mapper:
        parallel = route_pickups(case, params=params, seed=3, mapper=mapper)
    assert _plan(parallel) == _plan(serial)
    assert [d.lot_id for d in parallel.deliveries] == [d.lot_id for d in serial.deliveries]


def test_shares_fill_the_limit_on_every_worker():
    """Catchments of 152, 130, 120 and 98 lots on 2 workers, largest first,
    each on the worker free first: 152 + 98 and 130 + 120, both 250 lots,
    so each gets 60 s x lots / 250; on one worker, 60 s x lots / 500."""
    assert lpt_shares([152, 130, 120, 98], 2, 60.0) == pytest.approx([36.48, 31.2, 28.8, 23.52])
    assert lpt_shares([152, 130, 120, 98], 1, 60.0) == pytest.approx([18.24, 15.6, 14.4, 11.76])
    assert lpt_shares([300, 10], 2, 60.0) == pytest.approx([60.0, 2.0])  # the busiest worker has the one big part


def test_local_workers_one_per_part_at_most_and_none_in_a_daemonic_process(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 8)
    assert parallel.local_workers(None, 3) == 3 and parallel.local_workers(None, 20) == 8
    assert parallel.local_workers(2, 20) == 2
    monkeypatch.setattr(mp.current_process(), "daemon", True)  # (a Dask worker's process, say)
    assert parallel.local_workers(None, 20) == 1


def _square(x: int) -> int:
    return x * x


def test_processes_return_the_items_order_whatever_the_start_order():
    polled: list[list[int]] = []
    out = run_in_processes(_square, [1, 2, 3, 4], workers=2, order=[3, 1, 0, 2], poll=polled.append)
    assert out == [1, 4, 9, 16]
    assert sorted(polled[-1]) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="order must name each item once"):
        run_in_processes(_square, [1, 2], workers=2, order=[0, 0])


def test_spawned_workers_get_their_items_pickled_by_value(monkeypatch):
    """Where this process may not fork (another thread runs: an API
    server's), the workers are spawned and get function and items through
    cloudpickle, a closure and a read-only mapping (a case's) included."""
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    offset = MappingProxyType({"add": 10})

    def shifted(x: int) -> int:
        return x + offset["add"]

    assert run_in_processes(shifted, [1, 2, 3], workers=2) == [11, 12, 13]


def _is_lock(item: object) -> bool:
    return hasattr(item, "acquire")


def test_forked_workers_inherit_their_items_unpickled(monkeypatch):
    """Forked, the workers read the items from the parent's memory by index:
    an item no pickler takes (a lock) reaches them (a case's travel
    matrices are large; pickling them per catchment costs time)."""
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    assert run_in_processes(_is_lock, [threading.Lock(), threading.Lock()], workers=2) == [True, True]


def _slow_mark(path: str) -> None:
    time.sleep(2.0)
    Path(path).write_text("ran to the end")


def test_a_cancel_while_waiting_ends_the_workers(tmp_path: Path):
    """What ``poll`` raises (a user's cancel) reaches the caller, and the
    workers are ended: the task that would have written after 2 s never does."""
    marks = [str(tmp_path / f"m{k}") for k in range(2)]

    class Cancelled(Exception):
        pass

    def cancel(done: list[int]) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        run_in_processes(_slow_mark, marks, workers=2, poll=cancel)
    time.sleep(3.0)
    assert not any(Path(m).exists() for m in marks)


def test_catchments_without_a_vehicle_type_drop_its_drivers(rk):
    """One vehicle of each type: each catchment gets one type only, and its
    sub-case must not keep the other type's driver (a generated 600-lot day
    failed with "driver ...: unknown vehicle type")."""
    from dataclasses import replace

    from planner.domain import Driver

    case = _two_catchments(rk)
    case = case.replace(vehicle_types=tuple(replace(vt, count=1) for vt in case.vehicle_types),
                        drivers=(Driver("d1", "An", "a"), Driver("d2", "Binh", "b")))
    result = route_pickups(case, params=rk.fast.replace(decompose=True, solution_limit=50, time_limit_s=20), seed=3)
    assert result.stats["catchments"] == 2
    assert check_result(case, result) == [] and len(result.deliveries) == 6


def test_sectors_of_one_packing_house_share_its_cold_store_and_intake(rk, monkeypatch):
    """A catchment cut into sectors: each sector's sub-case has its share of
    the house's intake and of its cold store (each whole, the sectors
    together could deliver twice what the cold store holds)."""
    from planner.routing import engine

    sites = [rk.ph("ph", intake_kg_per_hour=600.0, cold_storage_kg=400.0),
             *(rk.site(f"f{k}", 2.0 * k) for k in range(1, 5))]
    case = rk.case(sites, [rk.vehicle(kg=300, count=2)], [rk.lot(f"L{k}", f"f{k}", 80) for k in range(1, 5)])
    seen: list[tuple[float, float]] = []
    real = engine.solve_part

    def part(job, progress=None, *, deadline=None):  # type: ignore[no-untyped-def]
        ph = job.case.site_by_id["ph"]
        seen.append((ph.intake_kg_per_hour, ph.cold_storage_kg))
        return real(job, progress, deadline=deadline)

    monkeypatch.setattr(engine, "solve_part", part)
    params = rk.fast.replace(decompose=True, max_lots_per_part=2, solution_limit=50, workers=1)  # (patched here)
    result = route_pickups(case.replace(sites=(*sites, rk.ph("ph2", 60.0))), params=params, seed=1)
    assert result.stats["catchments"] == 2 and len(seen) == 2
    assert sum(i for i, _ in seen) == 600.0 and sum(c for _, c in seen) == 400.0
    assert all(0 < c < 400.0 for _, c in seen)


def test_the_default_plans_by_catchments_only_a_day_large_for_its_limit(rk, monkeypatch):
    """decompose unset: the 6-lot day of two catchments (parts of at most 2
    lots) stays whole by the default rule at its 5 s limit, and is planned
    by catchments at 1 s a lot (both plans pass the checker)."""
    from planner.routing import params as routing_params

    case = _two_catchments(rk)
    params = rk.fast.replace(max_lots_per_part=2, solution_limit=50, time_limit_s=5, workers=1)
    assert params.decompose is None
    whole = route_pickups(case, params=params, seed=3)
    assert "catchments" not in whole.stats and check_result(case, whole) == []
    monkeypatch.setattr(routing_params, "INSERTION_WHOLE_S_PER_LOT", 1.0)  # (the default backend's rule)
    split = route_pickups(case, params=params, seed=3)
    assert split.stats["catchments"] >= 2 and check_result(case, split) == []
    assert len(whole.deliveries) == 6  # (the sectors' fleet shares may leave lots out, each with its reason)
    assert len(split.deliveries) + len(split.unassigned) == 6 and all(u.reason for u in split.unassigned)


# A solve (this script) whose two catchment workers hold their cores for a minute: the test kills it with SIGKILL.
KILLED_SOLVE = """
import os, sys, time
from pathlib import Path
from planner.routing.parallel import run_in_processes
def hold(k):
    Path(sys.argv[1], f"{os.getpid()}.pid").write_text(str(k))
    time.sleep(60)
run_in_processes(hold, [0, 1], workers=2)
"""


def test_a_killed_solve_takes_its_catchment_workers_with_it(tmp_path: Path):
    """The workers ask the kernel to end them with the solve (``die_with_parent``):
    a ``planner plan`` killed by a signal leaves no worker computing on."""
    solve = subprocess.Popen([sys.executable, "-c", KILLED_SOLVE, str(tmp_path)])
    try:
        end = time.monotonic() + 60
        while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < end:
            time.sleep(0.1)
        workers = {int(p.stem) for p in tmp_path.glob("*.pid")}
        assert len(workers) == 2
        solve.kill()
        solve.wait(30)
        end = time.monotonic() + 30
        while any(map(_running, workers)) and time.monotonic() < end:
            time.sleep(0.1)
        assert not any(map(_running, workers))
    finally:
        if solve.poll() is None:
            solve.kill()
        for pid in {int(p.stem) for p in tmp_path.glob("*.pid")}:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Running (a zombie no parent reaps is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except (OSError, IndexError):
        return False
