"""The whole dispatcher flow of issue 14 in a real headless Chromium, then a
partner: sign in, upload lots with one bad row and see it named, fix it,
plan, see every vehicle on the map, drag a lot to another driver and read
the violation in Vietnamese, undo, make a valid move and accept it, mark a
stop done, re-plan from now with one vehicle marked broken; a partner downloads its manifest and sees no
other partner's shipment. Fails if any request leaves 127.0.0.1."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live import DRAG, LiveServer, available, chrome, outside, requested, serve
from webtest import Server, fill, lots_csv, make_server

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not available(), reason="needs /usr/bin/chromium and /usr/bin/chromedriver")]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Server, LiveServer]]:
    server = make_server(tmp_path)  # keys and the lifespan; the live server shares its app state
    fill_partners_only(server)
    running = serve(server.client.app)  # type: ignore[arg-type]
    yield server, running
    running.stop()
    server.client.__exit__(None, None, None)


def fill_partners_only(server: Server) -> None:
    fill(server)
    for lot in ("A-L1", "A-L2"):  # coop-a's lots come through the page in the test
        assert server.client.delete(f"/v1/lots/{lot}", headers=server.bearer("coop-a")).status_code == 204


def wait(driver: Any, css: str, timeout: float = 60.0) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def navigating(driver: Any, action: Any, timeout: float = 120.0) -> None:
    """Do ``action`` (a click, a script) and wait until the browser has left the page."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    action()

    def left(_driver: Any) -> bool:
        try:
            return bool(ec.staleness_of(old)(_driver))
        except WebDriverException as exc:  # ChromeDriver, mid-navigation: the node's document is gone
            if "does not belong to the document" in str(exc):
                return True
            raise

    WebDriverWait(driver, timeout).until(left)


def sign_in(driver: Any, url: str, key: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url + "/")
    driver.find_element(By.ID, "api_key").send_keys(key)
    navigating(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click)
    wait(driver, "header nav")


def test_dispatcher_flow_then_partner(live: tuple[Server, LiveServer], tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    server, running = live
    url = running.url
    driver = chrome()
    seen: list[str] = []
    try:
        sign_in(driver, url, server.keys["coop-a"])
        assert driver.current_url.endswith("/dispatch")

        # 1. a lots file with one bad row: the row and the field are named, nothing stored
        bad = tmp_path / "lots.csv"
        rows = [("A-L1", "farm-a", 150, "2025-06-12T04:00", "2025-06-12T10:00"),
                ("A-L2", "farm-b", 300, "2025-06-12T05:00", "2025-06-12T11:00")]
        bad.write_bytes(lots_csv(rows[0], ("A-L2", "farm-b", 300, "2025-06-12T05:00", "soon")))
        driver.find_element(By.ID, "lots-file").send_keys(str(bad))
        navigating(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/dispatch/lots/upload'] button").click)
        problem = wait(driver, "#upload-result tr.problem")
        cells = [c.text for c in problem.find_elements(By.TAG_NAME, "td")]
        assert cells[:2] == ["3", "latest_pickup"], cells
        assert "A-L1" not in driver.find_element(By.ID, "lots-table").text

        # 2. fixed: stored
        bad.write_bytes(lots_csv(*rows))
        driver.find_element(By.ID, "lots-file").send_keys(str(bad))
        navigating(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/dispatch/lots/upload'] button").click)
        wait(driver, "p#upload-result.ok")
        assert "A-L2" in driver.find_element(By.ID, "lots-table").text

        # 3. plan, watch its progress, see the map with every vehicle used
        time_limit = driver.find_element(By.NAME, "time_limit_s")
        time_limit.clear()
        time_limit.send_keys("1")
        navigating(driver, driver.find_element(By.ID, "start-plan").click)
        wait(driver, "#map .leaflet-marker-icon")
        job = driver.current_url.rsplit("/", 1)[-1]
        routes = server.client.get(f"/v1/plans/{job}/routes", headers=server.bearer("coop-a")).json()
        used = {r["vehicle_id"] for r in routes}
        listed = {e.get_attribute("data-vehicle") for e in driver.find_elements(By.CSS_SELECTOR, "#drivers details.route")}
        assert used and listed == used
        markers = driver.find_elements(By.CSS_SELECTOR, "#map .num-marker")
        stops = sum(1 for r in routes for s in r["stops"] if s["kind"] not in ("start", "end"))
        assert len(markers) == stops
        paths = driver.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
        assert len(paths) == len(routes)

        # 4. drag A-L2 (300 kg) to a motorbike: a violation in Vietnamese; undo
        carrier = next(r["vehicle_id"] for r in routes for s in r["stops"] if "A-L2" in s["lot_ids"])
        everyone = server.client.get(f"/v1/plans/{job}/routes", headers=server.bearer("province")).json()
        theirs = {r["vehicle_id"] for r in everyone for s in r["stops"] for lot in s["lot_ids"] if not lot.startswith("coop-a:")}
        moto = next(v for v in ("moto#1", "moto#2") if v != carrier and v not in theirs)
        target_position = None if moto not in used else 1
        navigating(driver, lambda: driver.execute_script(DRAG, "A-L2", moto, target_position))
        violation = wait(driver, "#violations li.violation")
        assert "vượt tải trọng 200 kg" in violation.text, violation.text
        navigating(driver, driver.find_element(By.ID, "undo-edit").click)
        wait(driver, "#move-form")
        assert not driver.find_elements(By.ID, "violations")

        # 5. a valid move with the keyboard form, accepted: version 1 by coop-a
        a1 = next(r["vehicle_id"] for r in routes for s in r["stops"] if "A-L1" in s["lot_ids"])
        other = next(v for v in ("reefer#1", "moto#1", "moto#2") if v != a1 and v not in theirs)
        Select(driver.find_element(By.ID, "move-lot")).select_by_value("A-L1")
        Select(driver.find_element(By.ID, "move-vehicle")).select_by_visible_text(other)
        navigating(driver, driver.find_element(By.ID, "move-submit").click)
        wait(driver, "#edit-ok")
        navigating(driver, driver.find_element(By.ID, "accept-edit").click)
        history = wait(driver, "ol.history")
        assert "Phiên bản 1: coop-a" in history.text

        # 6. a stop done from the driver's page (phone): weighed kg on the page
        navigating(driver, driver.find_element(By.CSS_SELECTOR, f"details.route[data-vehicle='{other}'] .route-links a[href*='/vehicles/']").click)
        form = wait(driver, "form.done-form")
        form.find_element(By.NAME, "kg").send_keys("147")
        navigating(driver, form.find_element(By.CSS_SELECTOR, "button").click)
        done = wait(driver, "li.stop.done p.ok")
        assert "147 kg" in done.text
        driver.back()

        # 7. re-plan from now with the driver of A-L1 on the road (kept) and another vehicle broken
        driver.get(f"{url}/dispatch/plans/{job}")
        driver.find_element(By.CSS_SELECTOR, f"#replan-form input[name='dispatched'][value='{other}']").click()
        listed = [e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, "#replan-form input[name='unavailable']")]
        broken = next(v for v in ("moto#1", "moto#2", "reefer#1") if v != other and v in listed)
        driver.find_element(By.ID, "broken-" + broken.replace("#", "-")).click()
        driver.execute_script("document.getElementById('replan-now').value = '05:00'")
        replan_limit = driver.find_element(By.CSS_SELECTOR, "#replan-form input[name='time_limit_s']")
        replan_limit.clear()
        replan_limit.send_keys("1")
        navigating(driver, driver.find_element(By.ID, "replan-submit").click)
        wait(driver, "#map .leaflet-marker-icon")
        assert driver.current_url.rsplit("/", 1)[-1] != job
        assert "lập lại từ" in driver.find_element(By.TAG_NAME, "h1").text
        new = driver.current_url.rsplit("/", 1)[-1]
        replanned = server.client.get(f"/v1/plans/{new}/routes", headers=server.bearer("province")).json()
        assert broken not in {r["vehicle_id"] for r in replanned}, broken  # the broken vehicle has no trip
        assert other in {r["vehicle_id"] for r in replanned}
        seen += requested(driver)

        # 8. a partner: its shipments, its manifest, nobody else's
        driver.delete_all_cookies()
        sign_in(driver, url, server.keys["viettel-post"])
        navigating(driver, driver.find_element(By.CSS_SELECTOR, "#days a[href^='/partner/plans/']").click)
        wait(driver, "#shipments")
        theirs = server.client.get(f"/v1/plans/{job}/shipments", headers=server.bearer("vna-cargo")).json()["items"]
        page = driver.page_source
        assert theirs and not any(s["id"] in page for s in theirs)
        href = driver.find_element(By.ID, "manifest-csv").get_attribute("href")
        text = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done);", href)
        mine = {s["id"] for s in server.client.get(f"/v1/plans/{job}/shipments",
                                                    headers=server.bearer("viettel-post")).json()["items"]}
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert "VP-1" in {r["order_id"] for r in rows} and {r["shipment_id"] for r in rows} == mine
        seen += requested(driver)
    finally:
        driver.quit()
    assert seen, "the performance log recorded no request"
    assert outside(seen) == [], outside(seen)
