"""The embedded day's report and intake boards in real headless Chromium: on
a 390 px phone nothing scrolls sideways, and printed on A4 the report keeps
every shipment row (no scroll box cuts it)."""

from __future__ import annotations

import unicodedata
from io import BytesIO

import pytest

from planner.outputs.pdf import print_pdf

from .browser import DevTools, chromium, evaluate, open_page
from .test_route_sheets import NO_OVERFLOW

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = chromium()
    if binary is None:
        pytest.skip("no Chromium binary found; install Debian's chromium package")
    tmp = tmp_path_factory.mktemp("chromium")
    devtools = DevTools(binary, tmp / "profile", tmp / "chromium.log")
    yield devtools
    devtools.close()


@pytest.mark.parametrize("page", ["report.html", "intake.html"])
def test_no_sideways_scroll_on_a_390_px_phone(browser, embedded_out, page) -> None:
    session = open_page(browser, (embedded_out / page).as_uri(), width=390, height=844, mobile=True)
    probe = evaluate(browser, session, NO_OVERFLOW)
    assert probe["scroll"] <= probe["client"] == 390, probe["wide"]
    assert probe["resources"] == 0


BOARDS = """(() => {
  const boxes = [...document.querySelectorAll('.board-scroll')];
  const cell = document.querySelector('.board-table td[data-label]');
  return {boxes: boxes.length, swiping: boxes.filter(b => b.scrollWidth > b.clientWidth + 0.5).length,
          label: cell ? getComputedStyle(cell, '::before').content : null};
})()"""


@pytest.mark.parametrize("page", ["report.html", "intake.html"])
def test_intake_boards_need_no_sideways_swipe_on_a_390_px_phone(browser, embedded_out, page) -> None:
    """The packing-house manager reads each hour as a block of labelled figures
    on a phone; the board's table does not hide its right half behind a swipe."""
    session = open_page(browser, (embedded_out / page).as_uri(), width=390, height=844, mobile=True)
    probe = evaluate(browser, session, BOARDS)
    assert probe["boxes"] >= 3 and probe["swiping"] == 0, probe
    assert probe["label"] == '"Số xe: "', probe  # the column's name before each figure, in Vietnamese


def test_the_printed_report_has_every_shipment_row(embedded_out, embedded_plan, tmp_path) -> None:
    from pypdf import PdfReader

    pdf = print_pdf(embedded_out / "report.html", tmp_path / "report.pdf")
    text = " ".join(unicodedata.normalize("NFC", p.extract_text()) for p in PdfReader(
        BytesIO(pdf.read_bytes())).pages)
    flat = "".join(text.split())  # long ids may wrap inside narrow print columns
    assert len(embedded_plan["shipments"]) > 10
    for shipment in embedded_plan["shipments"]:
        assert shipment["id"] in flat, shipment["id"]
    assert "Bảng tiếp nhận" in text and "Lịch trình xe" in text
