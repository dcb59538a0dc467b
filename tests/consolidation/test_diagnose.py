"""Every unserved order's reason, diagnosed once per kind of order."""

from __future__ import annotations

from dataclasses import replace

from planner.consolidation import ConsolidationParams, Supply, consolidate
from planner.consolidation.ledger import Ledger
from planner.domain import Case
from planner.domain.units import DAY


def test_orders_alike_but_for_their_id_get_one_diagnosis(tiny_case: Case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The tiny case's orders, each 40 times under other ids, with 1 kg of
    supply: nearly all unserved, each copy with its original's reason and
    detail, and the ledger asked no more than for the originals alone."""
    copies = tuple(replace(o, id=f"{o.id}-{k}") for o in tiny_case.orders for k in range(40))
    supply = [Supply(id="s1", site="ph-chu", product="lychee", grade="A", kg=1.0, available_at=0,
                     shelf_life_left_s=20 * DAY, certifications=frozenset({"VietGAP", "growing-area-code"}))]
    calls: list[int] = []
    real = Ledger.blocker

    def counted(self, order, it, *, grow):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, order, it, grow=grow)

    monkeypatch.setattr(Ledger, "blocker", counted)
    params = ConsolidationParams(time_limit_s=30, node_limit=5)
    alone = consolidate(tiny_case, supply, params=params, seed=1)
    alone_calls = len(calls)
    calls.clear()
    many = consolidate(tiny_case.replace(orders=tiny_case.orders + copies), supply, params=params, seed=1)
    why = {u.order_id: (u.reason, u.detail) for u in alone.unserved}
    assert why and len(many.unserved) >= 40 * len(why)
    for u in many.unserved:
        original = u.order_id.rsplit("-", 1)[0] if u.order_id not in why else u.order_id
        if original in why:
            assert (u.reason, u.detail) == why[original]
    assert len(calls) <= alone_calls
