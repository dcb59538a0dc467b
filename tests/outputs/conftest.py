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
