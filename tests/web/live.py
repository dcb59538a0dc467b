"""A real server for the browser tests and screenshots: uvicorn on
127.0.0.1 (a free port) in a thread, and headless Debian Chromium driven by
Selenium with Debian's chromedriver (nothing downloaded). Every request the
page makes is read from Chromium's performance log, so a test can fail when
any of them leaves 127.0.0.1; host resolution outside 127.0.0.1 is off."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import uvicorn
from fastapi import FastAPI

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def available() -> bool:
    return bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER))


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve(app: FastAPI) -> LiveServer:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > end or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


def chrome(width: int = 1366, height: int = 900, *, lang: str = "vi") -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", f"--window-size={width},{height}",
                f"--lang={lang}", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    if width < 500:  # headless windows are at least 500 px wide: emulate a phone's viewport
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    return driver


def requested(driver: Any) -> list[str]:
    """URLs of every request the pages made since the last call."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            out.append(message["params"]["request"]["url"])
    return out


def outside(urls: list[str]) -> list[str]:
    """Those of ``urls`` that leave 127.0.0.1 (data: and blob: stay in the page)."""
    bad = []
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about", "chrome", "devtools"):
            continue
        if parsed.hostname != "127.0.0.1":
            bad.append(url)
    return bad


DRAG = """
const [lotLabel, vehicle, position] = arguments;
const lot = document.querySelector(`#drivers .lot[data-lot="${lotLabel}"]`);
const target = [...document.querySelectorAll('#drivers .stop[data-vehicle]')].find(
  e => e.dataset.vehicle === vehicle && (position === null || e.dataset.position === String(position)));
if (!lot || !target) return false;
const data = new DataTransfer();
const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
fire(lot, 'dragstart'); fire(target, 'dragenter'); fire(target, 'dragover'); fire(target, 'drop'); fire(lot, 'dragend');
return true;
"""
