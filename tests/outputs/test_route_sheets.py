"""Route sheets: what each driver takes on the road (tiny case by hand,
the embedded day in a real browser and printed to PDF)."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest

from planner.exceptions import PlanCheckError
from planner.i18n import Lang
from planner.outputs.route_sheets import file_name, navigation_url, render_sheet, sheet_book, tel

from .browser import DevTools, chromium, evaluate, open_page


@pytest.fixture
def tiny_plan(tiny_plan):
    """The tiny plan (hand-made vehicle ids moto-1, reefer-1) with its drivers."""
    for route, driver in zip(tiny_plan["routes"], ("d1", "d3"), strict=True):
        route["driver_id"] = driver
    return tiny_plan


def test_each_stop_has_times_names_phone_lots_and_load(tiny_plan, tiny_case_with_people) -> None:
    book = sheet_book(tiny_plan, tiny_case_with_people, Lang("vi"))
    assert [s.vehicle_id for s in book.sheets] == ["moto-1", "reefer-1"]
    moto = book.sheets[0]
    assert (moto.driver, moto.phone, moto.plate) == ("Lương Minh Quyết", "0000 009 001", "98B1-000.01")
    assert (moto.start, moto.start_place, moto.end) == ("03:45", "Chu packing house", "04:25")
    pickup, drop = moto.stops
    assert (pickup.number, pickup.arrive, pickup.leave) == (1, "03:55", "04:05")
    assert (pickup.name, pickup.contact, pickup.tel) == ("Farm A", "Nguyễn Văn Hùng", "tel:0000001001")
    assert pickup.address == "xã Giáp Sơn cũ, nay xã Lục Ngạn"
    assert [(lot.id, lot.kg, lot.boxes) for lot in pickup.lots] == [("L1", "150 kg", "15 thùng")]
    assert pickup.load_after == "150 kg" and pickup.wait == "chờ 4 phút"
    assert (drop.number, drop.kind, drop.arrive, drop.total) == (2, "delivery", "04:15", "150 kg")
    assert moto.drops == ["04:15 tại Chu packing house: 150 kg"]
    assert moto.summary == "1 điểm lấy, 150 kg, 10,9 km, 1 chuyến"
    assert [s.trip for s in moto.stops] == [1, 1]


def test_stops_are_grouped_by_trip(tiny_plan, tiny_case_with_people) -> None:
    import copy

    route = tiny_plan["routes"][0]
    start, pickup, drop, end = route["stops"]
    route["stops"] = [start, pickup, drop, copy.deepcopy(pickup), copy.deepcopy(drop), end]
    sheet = sheet_book(tiny_plan, tiny_case_with_people, Lang("vi")).sheets[0]
    assert [(s.number, s.kind, s.trip) for s in sheet.stops] == [
        (1, "pickup", 1), (2, "delivery", 1), (3, "pickup", 2), (4, "delivery", 2)]
    page = render_sheet(sheet_book(tiny_plan, tiny_case_with_people, Lang("vi")), sheet, Lang("vi"))
    assert page.count('class="trip-head"') == 2 and "Chuyến 2" in page


def test_vehicles_not_needed_are_listed_with_their_driver(tiny_plan, tiny_case_with_people) -> None:
    book = sheet_book(tiny_plan, tiny_case_with_people, Lang("en"))
    assert [(v.vehicle_id, v.driver, v.phone) for v in book.idle] == [
        ("moto#2", "Phạm Thị Phương", "0000 009 002")]


def test_english_and_vietnamese_sheets(tiny_plan, tiny_case_with_people) -> None:
    pages = {}
    for code in ("vi", "en"):
        lang = Lang(code)
        book = sheet_book(tiny_plan, tiny_case_with_people, lang)
        pages[code] = render_sheet(book, book.sheets[0], lang)
    assert "Lấy hàng" in pages["vi"] and "Chỉ đường" in pages["vi"] and "Pick up" not in pages["vi"]
    assert "Pick up" in pages["en"] and "Navigate" in pages["en"] and "15 boxes" in pages["en"]
    assert '<html lang="vi">' in pages["vi"]
    for page in pages.values():  # one file to share: nothing to fetch
        assert "<script" not in page and "<link" not in page and "<img" not in page
        assert 'href="tel:0000001001"' in page


def test_links_call_and_navigate() -> None:
    assert tel("0000 001 130") == "tel:0000001130" and tel("") == ""
    url = urlparse(navigation_url(21.4, 106.6))
    assert url.netloc == "www.google.com" and url.path == "/maps/dir/"
    assert parse_qs(url.query) == {"api": ["1"], "destination": ["21.400000,106.600000"],
                                   "travelmode": ["driving"]}
    assert file_name("moto-chu#12") == "moto-chu-12"


def test_without_drivers_a_sheet_says_so(tiny_plan, tiny_case_with_people) -> None:
    case = tiny_case_with_people.replace(drivers=())
    for route in tiny_plan["routes"]:
        del route["driver_id"]
    book = sheet_book(tiny_plan, case, Lang("en"))
    assert book.sheets[0].driver == "(no driver assigned)" and book.sheets[0].plate == ""


def test_an_unknown_driver_in_an_edited_plan_names_the_route(tiny_plan, tiny_case_with_people) -> None:
    tiny_plan["routes"][1]["driver_id"] = "nobody"
    with pytest.raises(PlanCheckError, match=r"routes\[1\].driver_id: the case has no driver 'nobody'"):
        sheet_book(tiny_plan, tiny_case_with_people, Lang("vi"))


NO_OVERFLOW = """(() => {
  const d = document.documentElement;
  const wide = [...document.querySelectorAll('body *')].filter(
    e => e.getBoundingClientRect().right > d.clientWidth + 0.5).map(e => e.tagName + '.' + e.className);
  return {scroll: d.scrollWidth, client: d.clientWidth, wide: wide.slice(0, 5),
          calls: [...document.querySelectorAll('a.call')].map(a => a.getAttribute('href')),
          navs: document.querySelectorAll('a.nav').length,
          stops: document.querySelectorAll('li.stop').length,
          resources: performance.getEntriesByType('resource').length};
})()"""


@pytest.mark.browser
def test_every_sheet_fits_a_360_px_phone(embedded_out, embedded_plan, tmp_path) -> None:
    binary = chromium()
    if binary is None:
        pytest.skip("no Chromium binary found; install Debian's chromium package")
    sheets = sorted((embedded_out / "sheets").glob("*.html"))
    used = {r["vehicle_id"] for r in embedded_plan["routes"]}
    assert {p.stem for p in sheets} == {file_name(v) for v in used}
    browser = DevTools(binary, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        for page in sheets:
            session = open_page(browser, page.as_uri(), width=360, height=740, mobile=True)
            probe = evaluate(browser, session, NO_OVERFLOW)
            assert probe["scroll"] <= probe["client"] == 360, (page.name, probe["wide"])
            assert probe["stops"] == probe["navs"] >= 2 and probe["resources"] == 0, page.name
            assert all(href.startswith("tel:") for href in probe["calls"]) and probe["calls"]
            browser.send("Target.closeTarget", {"targetId": browser.send(
                "Target.getTargetInfo", session=session)["targetInfo"]["targetId"]})
    finally:
        browser.close()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.browser
def test_the_printed_sheets_have_a_page_per_vehicle_and_every_stop(
        embedded_out, embedded_plan, embedded_case) -> None:
    from pypdf import PdfReader

    pdf = embedded_out / "sheets" / "route-sheets.pdf"
    if not pdf.exists():
        pytest.skip("no Chromium to print with")
    reader = PdfReader(BytesIO(pdf.read_bytes()))
    pages = [_nfc(p.extract_text()) for p in reader.pages]
    book = sheet_book(embedded_plan, embedded_case, Lang("vi"))
    assert len(pages) >= len(book.sheets) + 1
    text = " ".join(" ".join(pages).split())
    for sheet in book.sheets:
        assert sheet.driver in text
        for stop in sheet.stops:
            assert _nfc(stop.name) in text, (sheet.vehicle_id, stop.name)
            assert f"{stop.arrive}–{stop.leave}" in text or stop.arrive in text
    assert "Hôm nay không cần" in pages[-1]
    for vehicle in book.idle:
        assert vehicle.driver in " ".join(pages[-1].split())
    assert any("Vườn vải số" in p and "Chũ" in p for p in pages)
