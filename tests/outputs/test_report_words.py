"""The report a Vietnamese dispatcher reads says things in words: every
summary figure of a real plan has a card of its own with a translated label
(no engine key such as ``pickup_day_cost``), and the plan's codes (reasons,
modes, the domestic market) are written out."""

from __future__ import annotations

import re

from planner.i18n import Lang
from planner.outputs.labels import CODES, label
from planner.outputs.report_html import render_report


def _cards(page) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = {}
    for card in (e for e in page if "data-kpi" in e.attrs):
        title = next(e.text for e in page if card in e.parents and "label" in e.classes)
        out[card.attrs["data-kpi"]] = (title, card.text)
    return out


def test_every_figure_of_the_embedded_plan_has_a_vietnamese_card(embedded_plan, embedded_case, elements) -> None:
    page = elements(render_report(embedded_plan, embedded_case, Lang("vi")))
    cards = _cards(page)
    raw = {k: title for k, (title, _) in cards.items() if title == k.replace("_", " ").capitalize()}
    assert not raw, f"cards titled by their engine key: {raw}"
    assert cards["plan_check"] == ("Kiểm tra kế hoạch", "Kiểm tra kế hoạch đạt quy tắc bị vi phạm 0 "
                                                         "lô bị loại 0 đơn bị loại 0")
    assert cards["pickup_precool_hours_mean"][0] == "Từ thu hoạch đến làm lạnh sơ bộ"
    every = " ".join(text for _, text in cards.values())
    codes = [c for c in CODES if re.search(rf"(?<![\w-]){c}(?![\w-])", every)]
    assert not codes, f"codes shown as codes: {codes}"
    assert "xe tải lạnh" in cards["cost_per_kg_by_mode"][1]


def test_reasons_are_words_in_the_tables(tiny_plan, tiny_case, elements) -> None:
    tiny_plan["unassigned_lots"] = [{"lot_id": "L2", "reason": "search_limit", "detail": ""}]
    vi = Lang("vi")
    page = elements(render_report(tiny_plan, tiny_case, vi))
    cells = {e.text for e in page if e.tag == "td"}
    assert label("search_limit", vi) == "hết thời gian tính" and "hết thời gian tính" in cells
    assert "search_limit" not in cells and "cost" not in cells
    assert label("US", vi) == "US"  # a code without words stays as it is
