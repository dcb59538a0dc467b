"""report.html in a real browser: headless Chromium with the network off.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
NUL-terminated JSON on file descriptors 3 and 4), so no driver package is
needed. The page is loaded from a file:// URL with a dead proxy for
everything else; the test asserts on the rendered page (layout boxes, computed
styles, the painted pixels of a route) and keeps a full-page screenshot in
artifacts/report.png at the repository root. Skips when no Chromium is found
(Debian: ``apt-get install chromium``; .ci/run installs it).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from planner.outputs import render_report

from .browser import BINARIES, DevTools, chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
WIDTH = 1300

PROBE = """
(async () => {
  await document.fonts.ready;
  const box = e => { const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; };
  const routes = [...document.querySelectorAll('#map-pickup path.route')].map(p => {
    const mid = p.getPointAtLength(p.getTotalLength() / 2).matrixTransform(p.getScreenCTM());
    return {vehicle: p.dataset.vehicle, box: box(p), length: p.getTotalLength(),
            stroke: getComputedStyle(p).stroke, opacity: getComputedStyle(p).strokeOpacity,
            mid: [mid.x + scrollX, mid.y + scrollY]};
  });
  return {
    title: document.title,
    kpis: Object.fromEntries([...document.querySelectorAll('[data-kpi]')].map(
      e => [e.dataset.kpi, {text: e.innerText, box: box(e)}])),
    routes,
    map: box(document.querySelector('#map-pickup svg')),
    lanes: [...document.querySelectorAll('#map-lanes path.lane')].map(p => p.dataset.lane),
    trips: [...document.querySelectorAll('#timeline rect.trip')].map(box),
    resources: performance.getEntriesByType('resource').map(r => r.name),
  };
})()
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, tiny_plan_text) -> Iterator[dict[str, Any]]:
    """Load the tiny plan's report offline; return the probe, the requests
    and the full-page screenshot."""
    from planner.io import read_case

    binary = chromium()
    if binary is None:
        pytest.skip(f"no Chromium binary found (looked for {', '.join(BINARIES)} on PATH); "
                    "install Debian's chromium package to run the browser test")
    tmp = tmp_path_factory.mktemp("browser")
    case = read_case(ROOT / "tests" / "data" / "tiny")
    page = tmp / "report.html"
    page.write_text(render_report(json.loads(tiny_plan_text), case), encoding="utf-8")
    browser = DevTools(binary, tmp / "profile", tmp / "chromium.log")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Network.enable"):
            browser.send(method, session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        probe = browser.send("Runtime.evaluate", {"expression": PROBE, "awaitPromise": True,
                                                  "returnByValue": True}, session=session)
        size = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        }, session=session)
    except (TimeoutError, EOFError) as err:
        log = (tmp / "chromium.log").read_text(errors="replace")[-2000:]
        raise AssertionError(f"{err}; Chromium's log ends with:\n{log}") from err
    finally:
        browser.close()
    png = base64.b64decode(shot["data"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(png)
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
    yield {"probe": probe["result"]["value"], "requests": requests, "url": page.as_uri(),
           "screenshot": np.asarray(Image.open(BytesIO(png)).convert("RGB"))}


def test_page_loads_offline_and_fetches_nothing(rendered) -> None:
    assert rendered["requests"] == [rendered["url"]]
    assert rendered["probe"]["resources"] == []
    assert rendered["probe"]["title"] == "Plan · tiny hand-checked case"


def test_kpis_are_shown(rendered) -> None:
    kpis = rendered["probe"]["kpis"]
    assert kpis["orders_served"]["text"].split("\n") == ["ORDERS SERVED", "1 of 2"]
    assert kpis["orders_on_time_rate"]["text"].split("\n") == ["ON TIME (OF ALL ORDERS)", "50.0 %"]
    assert kpis["cost_total"]["text"].split("\n")[:2] == ["COST", "10.9 M ₫"]
    for key, card in kpis.items():
        x, y, w, h = card["box"]
        assert w > 100 and h > 40 and x >= 0 and x + w <= WIDTH, key  # laid out, on the page


def test_route_paths_are_drawn_inside_the_map(rendered) -> None:
    probe = rendered["probe"]
    mx, my, mw, mh = probe["map"]
    assert [r["vehicle"] for r in probe["routes"]] == ["moto-1", "reefer-1"]
    for route in probe["routes"]:
        x, y, w, h = route["box"]
        assert w > 50 and h > 50 and route["length"] > 100
        assert mx <= x and x + w <= mx + mw and my <= y and y + h <= my + mh
    assert sorted(probe["lanes"]) == ["chu-irr-reefer", "irr-nib", "nib-lax-air"]
    assert len(probe["trips"]) == 2 and all(w > 20 for _, _, w, _ in probe["trips"])


def test_route_pixels_are_painted(rendered) -> None:
    """The screenshot has each route's colour where the route says it runs."""
    img = rendered["screenshot"]
    for route in rendered["probe"]["routes"]:
        rgb = [int(v) for v in route["stroke"][4:-1].split(",")]
        alpha = float(route["opacity"])
        expected = np.array(rgb) * alpha + 255 * (1 - alpha)
        x, y = (round(v) for v in route["mid"])
        patch = img[y - 2: y + 3, x - 2: x + 3].reshape(-1, 3).astype(float)
        assert np.abs(patch - expected).max(axis=1).min() <= 20, route["vehicle"]
    assert rendered["probe"]["routes"][0]["stroke"] != rendered["probe"]["routes"][1]["stroke"]
    assert np.allclose(np.array(to_rgb("#1f77b4")) * 255,
                       [int(v) for v in rendered["probe"]["routes"][0]["stroke"][4:-1].split(",")])
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
