"""Webhooks per organisation, against a receiver on 127.0.0.1 that is up,
down, or slow: signed events (HMAC-SHA256 over the body), retries with
doubling delays, the delivery log read through the API."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from apitest import BOTH_BACKENDS, fill, planned

pytestmark = BOTH_BACKENDS


class Receiver:
    """An HTTP endpoint on 127.0.0.1 recording what it receives; ``status``
    and ``delay_s`` set how it answers."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status, self.delay_s = 200, 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay_s)
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _until(predicate, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "not within the bound"
        time.sleep(0.1)


def _log(api, org: str) -> list[dict]:
    r = api.client.get("/v1/webhook/deliveries", headers=api.auth(org))
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


@pytest.fixture
def api(make_api):
    """The API with private targets allowed: the receivers of these tests listen on 127.0.0.1."""
    return make_api(webhook_allow_private_targets=True)


def test_a_partner_is_told_when_a_plan_carrying_its_shipments_is_ready(api, receiver):
    r = api.client.put("/v1/webhook", json={"url": receiver.url}, headers=api.auth("viettel-post"))
    assert r.status_code == 200 and r.json()["secret"].startswith("whsec_"), r.text
    secret = r.json()["secret"]
    assert api.client.get("/v1/webhook", headers=api.auth("viettel-post")).json()["secret"] is None
    fill(api)
    plan = planned(api)
    _until(lambda: len(receiver.received) == 1)
    headers, body = receiver.received[0]
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Planner-Signature"] == expected
    event = json.loads(body)
    assert (event["event"], event["plan_id"], event["org"]) == ("plan.ready", plan, "viettel-post")
    assert event["shipments"] >= 1
    _until(lambda: _log(api, "viettel-post")[0]["status"] == "delivered")
    entry = _log(api, "viettel-post")[0]
    assert (entry["attempts"], entry["last_status_code"], entry["plan_id"]) == (1, 200, plan)
    assert _log(api, "vna-cargo") == []  # no webhook of its own: nothing queued, nothing shown


def test_a_receiver_that_is_down_gets_the_event_once_it_is_up(make_api, receiver):
    api = make_api(webhook_backoff_s=0.3, webhook_allow_private_targets=True)
    receiver.status = 503
    api.client.put("/v1/webhook", json={"url": receiver.url}, headers=api.auth("viettel-post"))
    fill(api)
    planned(api)
    _until(lambda: _log(api, "viettel-post")[0]["attempts"] >= 2)
    entry = _log(api, "viettel-post")[0]
    assert (entry["status"], entry["last_status_code"]) == ("pending", 503), entry
    assert entry["last_error"] == "the receiver answered 503" and entry["next_attempt_at"] is not None
    receiver.status = 200
    _until(lambda: _log(api, "viettel-post")[0]["status"] == "delivered")
    times = [json.loads(b)["plan_id"] for _, b in receiver.received]
    assert len(set(times)) == 1 and len(times) == _log(api, "viettel-post")[0]["attempts"]


def test_a_receiver_that_never_comes_back_ends_failed_after_the_attempts(make_api):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/hook"
    api = make_api(webhook_backoff_s=0.1, webhook_max_attempts=3, webhook_allow_private_targets=True)
    api.client.put("/v1/webhook", json={"url": dead}, headers=api.auth("coop-a"))
    fill(api)
    planned(api, "coop-a")
    _until(lambda: _log(api, "coop-a")[0]["status"] == "failed")
    entry = _log(api, "coop-a")[0]
    assert entry["attempts"] == 3 and entry["last_error"] == "could not reach the receiver (ConnectError)", entry


def test_a_slow_receiver_times_out_and_is_tried_again(make_api, receiver):
    api = make_api(webhook_backoff_s=0.2, webhook_timeout_s=0.5, webhook_allow_private_targets=True)
    receiver.delay_s = 2.0
    api.client.put("/v1/webhook", json={"url": receiver.url}, headers=api.auth("viettel-post"))
    fill(api)
    planned(api)
    _until(lambda: _log(api, "viettel-post")[0]["attempts"] >= 1)
    assert _log(api, "viettel-post")[0]["last_error"] == "no answer within 0.5 s"
    receiver.delay_s = 0.0
    _until(lambda: _log(api, "viettel-post")[0]["status"] == "delivered")


def test_webhooks_are_per_organisation(api, receiver):
    api.client.put("/v1/webhook", json={"url": receiver.url}, headers=api.auth("viettel-post"))
    r = api.client.put("/v1/webhook?org=viettel-post", json={"url": "http://127.0.0.1:1/x"},
                       headers=api.auth("vna-cargo"))
    assert r.status_code == 403
    assert api.client.get("/v1/webhook", headers=api.auth("vna-cargo")).status_code == 404
    assert api.client.get("/v1/webhook?org=viettel-post", headers=api.auth("province")).json()["url"] == receiver.url
    r = api.client.put("/v1/webhook", json={"url": "ftp://x"}, headers=api.auth("vna-cargo"))
    assert r.status_code == 422 and r.json()["error"]["problems"][0].startswith("url"), r.text
    rotated = api.client.put("/v1/webhook", json={"url": receiver.url, "rotate_secret": True},
                             headers=api.auth("viettel-post")).json()["secret"]
    assert rotated and rotated.startswith("whsec_")
    assert api.client.delete("/v1/webhook", headers=api.auth("viettel-post")).status_code == 204
    assert api.client.get("/v1/webhook", headers=api.auth("viettel-post")).status_code == 404


# --- where webhooks may go (SSRF): each refused with a 422 naming `url` -----------------------------

def _refused(api, url: str, org: str = "viettel-post") -> str:
    r = api.client.put("/v1/webhook", json={"url": url}, headers=api.auth(org))
    assert r.status_code == 422, (url, r.status_code, r.text)
    problem = r.json()["error"]["problems"][0]
    assert problem.startswith("url: "), (url, problem)
    assert api.client.get("/v1/webhook", headers=api.auth(org)).status_code == 404  # nothing stored
    return str(problem)


@pytest.mark.parametrize("url", ["ftp://partner.example/x", "file:///etc/passwd", "gopher://partner.example:70/x",
                                 "javascript:alert(1)", "http://:8080/hook", "https://partner.example:99999/x"])
def test_a_webhook_url_must_be_http_or_https_with_a_host(make_api, url):
    _refused(make_api(), url)


@pytest.mark.parametrize("url", ["https://user:secret@partner.example/hook", "https://token@partner.example/hook",
                                 "http://partner.example\\@127.0.0.1/hook"])
def test_a_webhook_url_may_not_carry_credentials(make_api, url):
    problem = _refused(make_api(), url)
    assert "credentials" in problem or "backslashes" in problem, problem


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "172.16.5.4",
                                  "169.254.169.254", "[::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "0",
                                  "2130706433", "100.64.0.1"])
def test_private_loopback_and_link_local_targets_are_refused_by_default(make_api, host):
    problem = _refused(make_api(), f"http://{host}:8080/hook")
    assert "public hosts only" in problem, problem


def test_the_server_setting_allows_private_targets(make_api):
    api = make_api(webhook_allow_private_targets=True)
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook"):
        r = api.client.put("/v1/webhook", json={"url": url}, headers=api.auth("viettel-post"))
        assert r.status_code == 200, (url, r.text)
    r = api.client.put("/v1/webhook", json={"url": "https://user:pw@partner.example/"}, headers=api.auth("viettel-post"))
    assert r.status_code == 422  # credentials stay refused


class FakeDns:
    """``socket.getaddrinfo`` answering ``name`` with ``address`` (set per test);
    every other name as the system resolves it."""

    def __init__(self, name: str, address: str) -> None:
        self.name, self.address, self.real = name, address, socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host == self.name:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (self.address, port or 80))]
        return self.real(host, port, *args, **kwargs)


def test_a_name_that_resolves_to_loopback_at_delivery_is_refused_then(make_api, receiver, monkeypatch):
    """Accepted while the name pointed at a public address; by the delivery it points at 127.0.0.1
    (DNS rebinding): the delivery is refused, nothing is sent, the log says why."""
    dns = FakeDns("hooks.partner.test", "93.184.216.34")
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    api = make_api()
    port = receiver.server.server_address[1]
    r = api.client.put("/v1/webhook", json={"url": f"http://hooks.partner.test:{port}/hook"},
                       headers=api.auth("viettel-post"))
    assert r.status_code == 200, r.text
    dns.address = "127.0.0.1"
    fill(api)
    planned(api)
    _until(lambda: _log(api, "viettel-post")[0]["status"] == "failed")
    entry = _log(api, "viettel-post")[0]
    assert entry["attempts"] == 1 and entry["last_error"].startswith("refused: host hooks.partner.test is a loopback"), entry
    assert receiver.received == []


def test_a_delivery_goes_to_the_address_checked_with_the_host_named(make_api, receiver, monkeypatch):
    """With private targets allowed, a named host is resolved once and connected to by that
    address; the receiver still sees its own name in ``Host``."""
    monkeypatch.setattr(socket, "getaddrinfo", FakeDns("hooks.partner.test", "127.0.0.1"))
    api = make_api(webhook_allow_private_targets=True)
    port = receiver.server.server_address[1]
    api.client.put("/v1/webhook", json={"url": f"http://hooks.partner.test:{port}/hook"}, headers=api.auth("viettel-post"))
    fill(api)
    planned(api)
    _until(lambda: len(receiver.received) == 1)
    assert receiver.received[0][0]["Host"] == f"hooks.partner.test:{port}"
