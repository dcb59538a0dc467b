from __future__ import annotations

import json

import jsonschema
import pytest

from planner.assembly import DailyPlan, PlanParams, plan_day, plan_schema
from planner.assembly.day import days_of, restrict_to_day
from planner.domain import Case


def test_plan_json_validates_against_its_schema(tiny_plan: DailyPlan) -> None:
    doc = tiny_plan.to_json()
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    assert doc["schema_version"] == "1.1"
    assert doc["case"]["currency"] == "VND"


def test_every_lot_and_order_is_accounted_for(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    doc = tiny_plan.to_json()
    lots = [d["lot_id"] for d in doc["deliveries"]] + [u["lot_id"] for u in doc["unassigned_lots"]]
    assert sorted(lots) == sorted(lot.id for lot in tiny_case.lots)
    orders = [o["order_id"] for o in doc["orders"]] + [u["order_id"] for u in doc["unserved_orders"]]
    assert sorted(orders) == sorted(o.id for o in tiny_case.orders)
    assert all(u["reason"] and u["detail"] for u in doc["unserved_orders"] + doc["unassigned_lots"])


def test_kpis_add_up(tiny_plan: DailyPlan, tiny_case: Case) -> None:
    k = tiny_plan.kpis
    assert k["kg_ordered"] == pytest.approx(sum(o.kg for o in tiny_case.orders))
    assert k["kg_served"] + k["kg_unserved"] == pytest.approx(k["kg_ordered"])
    assert sum(k["kg_unserved_by_reason"].values()) == pytest.approx(k["kg_unserved"])
    assert k["cost_total"] == pytest.approx(k["pickup_cost"] + k["freight_cost"], abs=1)
    assert k["co2e_kg"] == pytest.approx(sum(k["co2e_kg_by_mode"].values()), abs=0.5)
    assert 0 <= k["orders_on_time_rate"] <= 1 and 0 <= k["unit_fill"] <= 1


def test_the_us_order_is_served_by_air_after_irradiation(tiny_plan: DailyPlan) -> None:
    doc = tiny_plan.to_json()
    served = {o["order_id"]: o for o in doc["orders"]}
    assert "O2" in served  # 100 kg B2B to Los Angeles, a certified lot exists (L1)
    legs = {s["id"]: s for s in doc["shipments"]}
    modes = [legs[s]["mode"] for s in served["O2"]["shipments"]]
    assert modes[-1] == "air"
    treatments = [t["treatment"] for s in served["O2"]["shipments"] for t in legs[s]["treatments"]]
    assert treatments == ["irradiation"]
    assert served["O2"]["shelf_life_left_days"] >= 12  # the US market's minimum


def test_freight_only_uses_fruit_the_pickups_delivered(tiny_plan: DailyPlan) -> None:
    delivered = {d.lot_id: d for d in tiny_plan.routing.deliveries}
    for supply in tiny_plan.supplies:
        d = delivered[supply.id]
        assert supply.available_at >= d.delivered
        assert supply.shelf_life_left_s < d.shelf_life_left_s
    for shipment in tiny_plan.consolidation.shipments:
        for line in shipment.manifest:
            assert line.supply_id in delivered


def test_same_seed_same_plan(tiny_case: Case) -> None:
    # bounded by work (solutions, nodes), not by the clock: the same on any machine load
    params = PlanParams(time_limit_s=20, routing=(("solution_limit", 30),),
                        consolidation=(("node_limit", 200),))
    a, b = (plan_day(tiny_case, params, seed=3).to_json() for _ in range(2))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_restrict_to_day(tiny_case: Case) -> None:
    (day,) = days_of(tiny_case)
    assert restrict_to_day(tiny_case, day).lots == tiny_case.lots
    with pytest.raises(ValueError, match="no lots are ready on 2025-06-20"):
        restrict_to_day(tiny_case, day.replace(day=20))


def test_plan_params_from_file(tmp_path) -> None:
    path = tmp_path / "params.toml"
    path.write_text("[plan]\ntime_limit_s = 12\nrouting_share = 0.5\n[plan.routing]\nrepair_rounds = 1\n")
    params = PlanParams.from_file(path)
    assert params.routing_time_s == 6 and dict(params.routing) == {"repair_rounds": 1}
    path.write_text("[plan]\ntime_limit = 12\n")
    with pytest.raises(ValueError, match="unknown plan parameter"):
        PlanParams.from_file(path)
    with pytest.raises(ValueError, match="routing_share"):
        PlanParams(routing_share=1.5)


def test_a_plan_cut_short_by_its_time_limit_says_so(tiny_case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that found nothing in its time and no extra trips: every lot is
    left at the farm as ``search_limit`` and the summary names the time limit
    (not the fleet) as the cause."""
    from planner.routing import engine

    monkeypatch.setattr(engine.PickupModel, "solve", lambda self, **kw: None)
    plan = plan_day(tiny_case, PlanParams.from_dict({"time_limit_s": 4.0, "routing": {"reinsert": False}}), seed=1)
    assert {u.reason.value for u in plan.routing.unassigned} == {"search_limit"}
    text = plan.summary()
    assert "left at farms search_limit:" in text
    assert "the time limit (4 s) ended before the search reached everything" in text


def test_the_summary_never_rounds_a_rate_to_100_or_0() -> None:
    from planner.assembly.plan import _rate

    assert _rate(11_995 / 12_000) == "99.9" and _rate(1.0) == "100.0"
    assert _rate(1 / 100_000) == "0.1" and _rate(0.0) == "0.0" and _rate(0.4567) == "45.7"
