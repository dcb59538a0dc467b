"""Fixtures of the output writers: the tiny plan (tests/data/plans/tiny-plan.json,
a hand-made plan of the tiny case) and an HTML element collector."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
TINY_PLAN = DATA / "plans" / "tiny-plan.json"
SCHEMA = ROOT / "planner" / "assembly" / "plan.schema.json"
VOID = {"meta", "br", "hr", "img", "input", "link", "source", "area", "base", "col", "wbr"}


@pytest.fixture(scope="session")
def tiny_plan_text() -> str:
    return TINY_PLAN.read_text(encoding="utf-8")


@pytest.fixture
def tiny_plan(tiny_plan_text: str) -> dict[str, Any]:
    """A fresh copy of the tiny plan (tests may edit it)."""
    return copy.deepcopy(json.loads(tiny_plan_text))


@pytest.fixture(scope="session")
def plan_schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[Element]
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def within(self, element_id: str) -> bool:
        return any(p.attrs.get("id") == element_id for p in self.parents)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_data(" ")  # element boundaries separate words, as in rendered text
        element = Element(tag, {k: v or "" for k, v in attrs}, list(self.stack))
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, list(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text_parts.append(data)


def parse_elements(html: str) -> list[Element]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


@pytest.fixture(scope="session")
def elements() -> Callable[[str], list[Element]]:
    """``elements(html)``: every element of a page with its attributes and text."""
    return parse_elements


@pytest.fixture(scope="session")
def tiny_case_with_people():
    """The tiny case with contacts at its farms and packing house and a driver
    for each of its three vehicles (moto#1, moto#2, reefer#1)."""
    import dataclasses

    from planner.domain import Driver
    from planner.io import read_case

    case = read_case(DATA / "tiny")
    people = {
        "farm-a": ("Nguyễn Văn Hùng", "0000 001 001", "xã Giáp Sơn cũ, nay xã Lục Ngạn"),
        "farm-b": ("Trần Thị Lan", "0000 001 002", "thị trấn Chũ cũ, nay phường Chũ"),
        "ph-chu": ("Giáp Văn Thành", "0000 000 101", "phường Chũ"),
    }
    sites = tuple(
        dataclasses.replace(s, contact=people[s.id][0], phone=people[s.id][1],
                            address=people[s.id][2]) if s.id in people else s
        for s in case.sites
    )
    drivers = (Driver("d1", "Lương Minh Quyết", "moto", "0000 009 001", "98B1-000.01"),
               Driver("d2", "Phạm Thị Phương", "moto", "0000 009 002", "98B1-000.02"),
               Driver("d3", "Thân Đức Long", "reefer", "0000 009 003", "98C-000.03"))
    return case.replace(sites=sites, drivers=drivers)


@pytest.fixture(scope="session")
def embedded_plan() -> dict[str, Any]:
    """A plan of the embedded case data/luc-ngan (work-bounded, so the same on
    any machine, and bounded low: the outputs need a whole day's plan, not a
    good one): what the route sheets, manifests and report are made for."""
    from planner import PlanParams, plan_day, read_case

    case = read_case(ROOT / "data" / "luc-ngan")
    params = PlanParams.from_dict({"time_limit_s": 120.0, "routing": {"solution_limit": 1},
                                   "consolidation": {"node_limit": 20}})
    return plan_day(case, params, seed=1).to_json()


@pytest.fixture(scope="session")
def embedded_case():
    from planner import read_case

    return read_case(ROOT / "data" / "luc-ngan")


@pytest.fixture(scope="session")
def embedded_out(tmp_path_factory, embedded_plan, embedded_case) -> Path:
    """Every output of the embedded plan, in its case's language (Vietnamese),
    the PDF printed when a Chromium is installed."""
    from planner.outputs import write_outputs
    from planner.outputs.pdf import chromium

    out = tmp_path_factory.mktemp("embedded")
    write_outputs(embedded_plan, embedded_case, out, pdf=chromium() is not None)
    return out
