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
    api = make_api(webhook_backoff_s=0.3)
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
    api = make_api(webhook_backoff_s=0.1, webhook_max_attempts=3)
    api.client.put("/v1/webhook", json={"url": dead}, headers=api.auth("coop-a"))
    fill(api)
    planned(api, "coop-a")
    _until(lambda: _log(api, "coop-a")[0]["status"] == "failed")
    entry = _log(api, "coop-a")[0]
    assert entry["attempts"] == 3 and entry["last_error"] == "could not reach the receiver (ConnectError)", entry


def test_a_slow_receiver_times_out_and_is_tried_again(make_api, receiver):
    api = make_api(webhook_backoff_s=0.2, webhook_timeout_s=0.5)
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
