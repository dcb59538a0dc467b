"""Property: every lot is routed or unassigned with a reason, and every plan
passes the independent checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import TemperatureClass, TimeWindow
from planner.domain.units import HOUR
from planner.routing import Reason, RoutingParams, check_result, route_pickups

PARAMS = RoutingParams(time_limit_s=1.0, solution_limit=20, repair_rounds=1)

lot_spec = st.tuples(
    st.integers(0, 3),                      # farm
    st.floats(20, 400),                     # kg
    st.floats(3, 9),                        # ready (h)
    st.floats(0, 4),                        # window (h)
    st.floats(0, 1e7),                      # value
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(lot_spec, min_size=1, max_size=6),
    farm_km=st.lists(st.floats(-25, 25), min_size=4, max_size=4),
    n_moto=st.integers(0, 2),
    reefer=st.booleans(),
    intake=st.one_of(st.none(), st.floats(150, 2000)),
    budget_h=st.floats(1.0, 6.0),
)
def test_every_lot_routed_or_unassigned_with_reason(rk, specs, farm_km, n_moto, reefer, intake, budget_h):
    sites = [rk.ph(intake_kg_per_hour=intake, opening=(TimeWindow(3 * HOUR, 20 * HOUR),))]
    sites += [rk.site(f"f{k}", km) for k, km in enumerate(farm_km)]
    fleet = [rk.vehicle("moto", kg=200, count=max(n_moto, 1) if not reefer else n_moto or 1)]
    if reefer:
        fleet.append(rk.vehicle("reefer", kg=1000, temp=TemperatureClass.REEFER, profile="truck"))
    lots = [rk.lot(f"L{k}", f"f{farm}", kg, ready_h=ready, latest_h=ready + window, value=value)
            for k, (farm, kg, ready, window, value) in enumerate(specs)]
    case = rk.case(sites, fleet, lots, budget_h=budget_h)
    result = route_pickups(case, params=PARAMS)
    routed = {d.lot_id for d in result.deliveries}
    left = {u.lot_id: u for u in result.unassigned}
    assert routed | set(left) == {lot.id for lot in lots} and not routed & set(left)
    assert all(isinstance(u.reason, Reason) and u.detail for u in left.values())
    assert check_result(case, result) == []
    assert all(d.budget_left_s >= 0 for d in result.deliveries)
