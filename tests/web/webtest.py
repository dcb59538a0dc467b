"""Helpers of the web page tests: a server on the tiny case with keys for
every role and organisation, browsers signed in as each, the day's data."""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2, which is not among our dependencies
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from api import Settings, create_app
from api.auth import Role, create_key

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
ORGS = {"province": Role.PLANNER, "coop-a": Role.DISPATCHER, "coop-b": Role.DISPATCHER,
        "viettel-post": Role.PARTNER, "vna-cargo": Role.PARTNER}
FINAL = {"succeeded", "failed", "cancelled"}
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def order(oid: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": oid, "channel": "livestream", "market": "domestic", "product": "lychee", "kg": 5, "boxes": 1,
        "ordered": "2025-06-12T09:00", "deadline": "2025-06-13T20:00", "min_shelf_life_days": 5,
        "value": 300000, "partner": "viettel-post", "city": "Hanoi", "country": "VN",
        "lat": 21.03, "lon": 105.85, "hub": "hub-hn",
    }
    row.update(changes)
    return row


def lots_csv(*rows: tuple[str, str, float, str, str]) -> bytes:
    """A lots.csv (id, farm, kg, ready, latest_pickup) as an office saves it."""
    lines = ["id,farm,product,kg,boxes,ready,latest_pickup,certifications"]
    lines += [f"{i},{farm},lychee,{kg},{max(1, int(kg) // 10)},{ready},{latest},VietGAP;growing-area-code"
              for i, farm, kg, ready, latest in rows]
    return ("\n".join(lines) + "\n").encode()


def settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data", "base_case": TINY, "workers": 1, "job_poll_s": 0.05,
        "job_heartbeat_s": 0.5, "plan_time_limit_s": 1, "worker_isolation": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class Server:
    """The app in a test client, with a key per organisation."""

    client: TestClient
    state: Any
    keys: dict[str, str] = field(default_factory=dict)

    def browser(self, org: str | None) -> Browser:
        """A fresh cookie jar, signed in as ``org`` (None: nobody)."""
        client = TestClient(self.client.app, base_url="http://testserver")
        b = Browser(client, org)
        if org is not None:
            b.sign_in(self.keys[org])
        return b

    def bearer(self, org: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[org]}"}


@dataclass
class Browser:
    client: TestClient
    org: str | None
    csrf: str = ""

    def sign_in(self, key: str) -> None:
        r = self.client.post("/login", data={"api_key": key}, follow_redirects=False)
        assert r.status_code == 303, r.text
        self.refresh_csrf()

    def refresh_csrf(self) -> None:
        page = self.client.get("/login")
        found = CSRF.search(page.text)
        self.csrf = found.group(1) if found else ""
        if not self.csrf:  # the login page has none: take it from a signed-in page
            for path in ("/dispatch", "/partner", "/planner"):
                r = self.client.get(path, follow_redirects=False)
                m = CSRF.search(r.text) if r.status_code == 200 else None
                if m and m.group(1):
                    self.csrf = m.group(1)
                    return

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, follow_redirects=False, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kw)


def make_server(tmp_path: Path, **overrides: object) -> Server:
    app = create_app(settings(tmp_path, **overrides))
    client = TestClient(app)
    client.__enter__()
    server = Server(client, app.state.api)
    for org, role in ORGS.items():
        with server.state.db.write() as s:
            _, token = create_key(s, role=role, org=org)
        server.keys[org] = token
    return server


def fill(server: Server) -> None:
    """Orders of two partners, lots of two cooperatives (through the API)."""
    c = server.client
    for org, rows in (("viettel-post", [order("VP-1"), order("VP-2", kg=12)]),
                      ("vna-cargo", [order("VNA-1", partner="vna-cargo", market="US", hub="lax", country="US",
                                           region="CA", city="Los Angeles", lat=33.94, lon=-118.41, kg=100, boxes=10, value=12000000,
                                           min_shelf_life_days=12)])):
        r = c.post("/v1/orders", json={"orders": rows}, headers=server.bearer(org))
        assert r.status_code == 200, r.text
    for org, body in (("coop-a", lots_csv(("A-L1", "farm-a", 150, "2025-06-12T04:00", "2025-06-12T10:00"),
                                          ("A-L2", "farm-b", 300, "2025-06-12T05:00", "2025-06-12T11:00"))),
                      ("coop-b", lots_csv(("B-L1", "farm-a", 150, "2025-06-12T04:00", "2025-06-12T10:00")))):
        r = c.post("/v1/lots", content=body, headers={**server.bearer(org), "Content-Type": "text/csv"})
        assert r.status_code == 200, r.text


def wait_final(browser: Browser, job_id: str, timeout: float = 180.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while True:
        status = browser.get(f"/dispatch/plans/{job_id}/status", headers={"Accept": "application/json"}).json()
        if status["final"] or time.monotonic() > end:
            return status  # type: ignore[no-any-return]
        time.sleep(0.1)


def start_plan(browser: Browser, **form: Any) -> str:
    r = browser.post("/dispatch/plans", {"date": "2025-06-12", "time_limit_s": "1", **form})
    assert r.status_code == 303, r.text
    job_id = str(r.headers["location"]).rsplit("/", 1)[-1]
    status = wait_final(browser, job_id)
    assert status["status"] == "succeeded", status
    return job_id
