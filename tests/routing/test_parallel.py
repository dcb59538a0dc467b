"""Catchments solved through a mapper (a Dask cluster) give the plan the serial solve gives."""

from __future__ import annotations

from planner.routing import check_result, route_pickups
from planner.routing.parallel import dask_mapper


def _two_catchments(rk):
    sites = [rk.ph("ph"), rk.ph("ph2", 40.0), *(rk.site(f"f{k}", 3.0 * k) for k in range(1, 4)),
             *(rk.site(f"g{k}", 40.0 + 3.0 * k) for k in range(1, 4))]
    fleet = [rk.vehicle("a", kg=300, count=2, home="ph"), rk.vehicle("b", kg=300, count=2, home="ph2")]
    lots = [rk.lot(f"L{k}", f"f{k}", 80) for k in range(1, 4)] + [rk.lot(f"M{k}", f"g{k}", 80) for k in range(1, 4)]
    return rk.case(sites, fleet, lots)


def _plan(result):
    return [(r.vehicle_id, [(s.site, s.kind, s.arrival, s.lot_ids) for s in r.stops]) for r in result.routes]


def test_the_same_plan_serially_and_on_two_dask_workers(rk):
    case = _two_catchments(rk)
    params = rk.fast.replace(decompose=True, solution_limit=50, time_limit_s=30)
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
    with dask_mapper(workers=2) as mapper:
        parallel = route_pickups(case, params=params, seed=3, mapper=mapper)
    assert _plan(parallel) == _plan(serial)
    assert [d.lot_id for d in parallel.deliveries] == [d.lot_id for d in serial.deliveries]


def test_catchments_without_a_vehicle_type_drop_its_drivers(rk):
    """One vehicle of each type: each catchment gets one type only, and its
    sub-case must not keep the other type's driver (a generated 600-lot day
    failed with "driver ...: unknown vehicle type")."""
    from dataclasses import replace

    from planner.domain import Driver

    case = _two_catchments(rk)
    case = case.replace(vehicle_types=tuple(replace(vt, count=1) for vt in case.vehicle_types),
                        drivers=(Driver("d1", "An", "a"), Driver("d2", "Binh", "b")))
    result = route_pickups(case, params=rk.fast.replace(decompose=True, solution_limit=50), seed=3)
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
    params = rk.fast.replace(decompose=True, max_lots_per_part=2, solution_limit=50)
    result = route_pickups(case.replace(sites=(*sites, rk.ph("ph2", 60.0))), params=params, seed=1)
    assert result.stats["catchments"] == 2 and len(seen) == 2
    assert sum(i for i, _ in seen) == 600.0 and sum(c for _, c in seen) == 400.0
    assert all(0 < c < 400.0 for _, c in seen)
