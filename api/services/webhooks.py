"""Webhooks: each organisation may register one URL; when a plan carrying its
shipments (a partner) or its lots (a dispatcher, or the one that started it)
is ready, an event is queued in the database with the plan and sent by the
worker's sender thread: ``POST`` of a JSON body signed with HMAC-SHA256 under
the organisation's secret (``X-Planner-Signature: sha256=<hex>``), retried
with doubling delays until ``webhook_max_attempts``; every delivery and its
last outcome is readable through the API."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
from datetime import timedelta
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import ApiError
from ..models import PlanJob, Webhook, WebhookDelivery, utcnow
from ..settings import Settings

log = logging.getLogger("api.webhooks")
SIGNATURE_HEADER = "X-Planner-Signature"
BATCH = 20


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the body under the organisation's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_ADDRESSES = 4  # tried in turn when a receiver's host has several


class UnsafeTarget(ValueError):
    """A webhook URL whose host is, or resolves to, a non-public address."""


def _non_public(ip: IpAddress) -> str | None:
    """Why ``ip`` is not a public address (None when it is)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, name in (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_unspecified", "unspecified"),
                       ("is_multicast", "multicast"), ("is_private", "private"), ("is_reserved", "reserved")):
        if getattr(ip, test):
            return name
    return None if ip.is_global else "non-public"


def addresses(url: str, *, allow_private: bool) -> list[IpAddress]:
    """The addresses ``url``'s host resolves to, now; :class:`UnsafeTarget` if
    any is not public and ``allow_private`` is off; :class:`OSError`
    (``socket.gaierror``) if the host does not resolve."""
    target = httpx.URL(url)
    found: list[IpAddress] = []
    for *_, sockaddr in socket.getaddrinfo(target.host, target.port or 443, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if ip not in found:
            found.append(ip)
    if not allow_private:
        for ip in found:
            if (why := _non_public(ip)) is not None:
                msg = f"host {target.host} is a {why} address ({ip}); webhooks go to public hosts only"
                raise UnsafeTarget(msg)
    return found


def check_url(url: str, *, allow_private: bool) -> None:
    """422 naming ``url`` if its host is, or now resolves to, a non-public
    address (a host that does not resolve yet is accepted: each delivery
    resolves it again and refuses a non-public answer)."""
    try:
        addresses(url, allow_private=allow_private)
    except UnsafeTarget as exc:
        raise ApiError(422, "invalid_request", "the request is not valid", problems=[f"url: {exc}"]) from None
    except (OSError, UnicodeError):
        pass


def put(session: Session, org: str, url: str, *, rotate: bool) -> tuple[Webhook, str | None]:
    """Set ``org``'s webhook URL; the secret is made (and returned) on creation
    or when ``rotate`` is asked, else kept (and None returned)."""
    hook = session.get(Webhook, org)
    now = utcnow()
    fresh: str | None = None
    if hook is None:
        fresh = "whsec_" + secrets.token_urlsafe(32)
        hook = Webhook(org=org, url=url, secret=fresh, created_at=now, updated_at=now)
        session.add(hook)
    else:
        hook.url, hook.updated_at = url, now
        if rotate:
            fresh = hook.secret = "whsec_" + secrets.token_urlsafe(32)
    session.flush()
    return hook, fresh


def get(session: Session, org: str) -> Webhook:
    hook = session.get(Webhook, org)
    if hook is None:
        raise ApiError(404, "webhook_not_found", f"{org} has no webhook (PUT /v1/webhook sets one)")
    return hook


def remove(session: Session, org: str) -> None:
    """Forget the webhook; its pending deliveries end as failed."""
    session.delete(get(session, org))
    session.execute(update(WebhookDelivery).where(WebhookDelivery.org == org, WebhookDelivery.status == "pending")
                    .values(status="failed", last_error="the webhook was removed"))


def deliveries(session: Session, org: str, *, limit: int, cursor: str | None) -> tuple[list[WebhookDelivery], str | None]:
    """Newest first, ``limit`` a page; the cursor is the last delivery id of the page."""
    query = select(WebhookDelivery).where(WebhookDelivery.org == org)
    if cursor is not None:
        query = query.where(WebhookDelivery.id < int(cursor))
    rows = list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return rows[:limit], (str(rows[limit - 1].id) if more else None)


def _orgs(job: PlanJob, document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Organisation -> what of the plan is theirs (partners: shipments; cooperatives: lots)."""
    found: dict[str, dict[str, Any]] = {job.org: {"role": job.role}}
    for s in document.get("shipments", []):
        entry = found.setdefault(s["partner"], {})
        entry["shipments"] = entry.get("shipments", 0) + 1
    for route in document.get("routes", []):
        for stop in route["stops"]:
            for lot in stop.get("lot_ids", []):
                org, sep, _ = lot.partition(":")
                if sep and stop["kind"] == "pickup":
                    entry = found.setdefault(org, {})
                    entry["lots"] = entry.get("lots", 0) + 1
    return found


def plan_ready(session: Session, job: PlanJob, document: dict[str, Any]) -> int:
    """Queue a ``plan.ready`` event (``plan.changed`` for a re-plan) for each
    organisation with a webhook that the plan concerns; how many."""
    concerned = _orgs(job, document)
    hooks = list(session.scalars(select(Webhook).where(Webhook.org.in_(sorted(concerned)))))
    event = "plan.changed" if job.params.get("replan_of") else "plan.ready"
    now = utcnow()
    for hook in hooks:
        mine = concerned[hook.org]
        body = {"event": event, "plan_id": job.id, "replan_of": job.params.get("replan_of"),
                "date": job.params.get("date"), "org": hook.org, "shipments": mine.get("shipments", 0),
                "lots": mine.get("lots", 0), "links": {"plan": f"/v1/plans/{job.id}",
                                                        "shipments": f"/v1/plans/{job.id}/shipments",
                                                        "manifests": f"/v1/plans/{job.id}/manifests"},
                "sent_at": now.isoformat()}
        session.add(WebhookDelivery(org=hook.org, event=event, job_id=job.id, url=hook.url,
                                    body=json.dumps(body, separators=(",", ":")), status="pending", attempts=0,
                                    next_attempt_at=now, last_error="", created_at=now))
    return len(hooks)


class Sender:
    """Sends the due deliveries; several senders (worker processes) may run:
    each delivery is leased (its next attempt moved past the timeout) before it is sent."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.client = httpx.Client(timeout=settings.webhook_timeout_s, follow_redirects=False)

    def _lease(self) -> list[tuple[int, str, str, str, str, int]]:
        """(id, org, url, body, secret, attempts) of the due deliveries this sender now holds."""
        now = utcnow()
        lease_until = now + timedelta(seconds=self.settings.webhook_timeout_s + 10)
        taken = []
        with self.db.write() as s:
            due = s.execute(select(WebhookDelivery.id, WebhookDelivery.next_attempt_at).where(
                WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(BATCH)).all()
            for delivery_id, at in due:
                leased = s.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                                 WebhookDelivery.next_attempt_at == at)
                                   .values(next_attempt_at=lease_until))
                if cast(CursorResult[Any], leased).rowcount:
                    taken.append(delivery_id)
            rows = s.execute(select(WebhookDelivery.id, WebhookDelivery.org, WebhookDelivery.url,
                                    WebhookDelivery.body, WebhookDelivery.attempts)
                             .where(WebhookDelivery.id.in_(taken))).all()
            secrets_by_org = dict(s.execute(select(Webhook.org, Webhook.secret)
                                            .where(Webhook.org.in_({r[1] for r in rows}))).all())
        return [(i, org, url, body, secrets_by_org[org], attempts) for i, org, url, body, attempts in rows
                if org in secrets_by_org]  # a webhook removed meanwhile: its deliveries stay pending, unsent

    def send_due(self) -> int:
        """Send each due delivery once; how many were tried."""
        leased = self._lease()
        for delivery_id, org, url, body, secret, attempts in leased:
            self._send(delivery_id, org, url, body.encode(), secret, attempts)
        return len(leased)

    def _send(self, delivery_id: int, org: str, url: str, body: bytes, secret: str, attempts: int) -> None:
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(secret, body),
                   "X-Planner-Delivery": str(delivery_id), "User-Agent": "coldchain-planner-webhooks/1"}
        code: int | None = None
        final = False
        try:  # resolved here and connected to by address: the name cannot point elsewhere in between
            ips = addresses(url, allow_private=self.settings.webhook_allow_private_targets)
            code, error = self._post(url, ips[:MAX_ADDRESSES], body, headers)
        except UnsafeTarget as exc:
            error, final = f"refused: {exc}", True
        except (OSError, UnicodeError):
            error = f"could not resolve the host of {url}"
        self._record(delivery_id, attempts + 1, code, error, final=final)
        if error:
            log.info("webhook delivery %d to %s (%s): %s", delivery_id, org, url, error)

    def _post(self, url: str, ips: list[IpAddress], body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
        """POST ``body`` to ``url`` at each of ``ips`` until one connects: (status code, error or "")."""
        target = httpx.URL(url)
        pinned_headers = {**headers, "Host": target.netloc.decode("ascii")}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}  # the certificate's name
        error = f"could not resolve the host of {url}"
        for ip in ips:
            try:
                response = self.client.post(target.copy_with(host=str(ip)), content=body, headers=pinned_headers,
                                            extensions=extensions)
            except httpx.ConnectError as exc:
                error = f"could not reach the receiver ({type(exc).__name__})"
                continue
            except httpx.TimeoutException:
                return None, f"no answer within {self.settings.webhook_timeout_s:g} s"
            except httpx.HTTPError as exc:
                return None, f"could not reach the receiver ({type(exc).__name__})"
            code = response.status_code
            return code, "" if 200 <= code < 300 else f"the receiver answered {code}"
        return None, error

    def _record(self, delivery_id: int, attempts: int, code: int | None, error: str, *, final: bool = False) -> None:
        now = utcnow()
        values: dict[str, Any] = {"attempts": attempts, "last_status_code": code, "last_error": error}
        if not error:
            values.update(status="delivered", delivered_at=now)
        elif final or attempts >= self.settings.webhook_max_attempts:
            values.update(status="failed")
        else:
            values["next_attempt_at"] = now + timedelta(
                seconds=self.settings.webhook_backoff_s * 2 ** (attempts - 1))
        with self.db.write() as s:
            s.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values))
