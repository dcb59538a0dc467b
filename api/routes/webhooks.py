"""An organisation's webhook (one URL, a signing secret) and its delivery log."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from ..auth import Principal
from ..deps import DB, Caller, Cursor, Limit, State
from ..errors import ApiError
from ..models import Webhook, WebhookDelivery
from ..schemas import DeliveryOut, Page, WebhookIn, WebhookOut
from ..services import webhooks
from . import errors

router = APIRouter(prefix="/v1/webhook", tags=["webhooks"])
Org = Annotated[str | None, Query(max_length=64, description="Organisation (planners; others: their own)")]


def _org(who: Principal, org: str | None) -> str:
    if org is None or org == who.org:
        return who.org
    if not who.is_planner:
        raise ApiError(403, "forbidden", "you may only manage your own organisation's webhook")
    return org


def _out(hook: Webhook, secret: str | None = None) -> WebhookOut:
    return WebhookOut(org=hook.org, url=hook.url, secret=secret, created_at=hook.created_at,
                      updated_at=hook.updated_at)


@router.put("", response_model=WebhookOut, summary="Set the organisation's webhook URL",
            description="Events: `plan.ready` when a plan carrying the organisation's shipments (partners) or lots "
                        "(cooperatives, and the one that started it) succeeds; `plan.changed` for a re-plan. Each "
                        "is POSTed as JSON, signed (`X-Planner-Signature: sha256=` HMAC-SHA256 of the body under "
                        "the secret), and retried with doubling delays (2, 4, 8, ... s; 6 attempts) until the "
                        "receiver answers 2xx. The URL's host must be public (refused with 422 when it is, or resolves to, "
                        "a private, loopback or link-local address; resolved again at each delivery) unless the "
                        "server allows private targets.", responses=errors(403))
def put_webhook(body: WebhookIn, state: State, who: Caller, org: Org = None) -> WebhookOut:
    owner = _org(who, org)
    webhooks.check_url(body.url, allow_private=state.settings.webhook_allow_private_targets)
    with state.db.write() as session:
        hook, secret = webhooks.put(session, owner, body.url, rotate=body.rotate_secret)
        return _out(hook, secret)


@router.get("", response_model=WebhookOut, summary="The organisation's webhook (without its secret)",
            responses=errors(403, 404))
def get_webhook(db: DB, who: Caller, org: Org = None) -> WebhookOut:
    with db.reader() as session:
        return _out(webhooks.get(session, _org(who, org)))


@router.delete("", status_code=204, summary="Remove the organisation's webhook", responses=errors(403, 404))
def delete_webhook(state: State, who: Caller, org: Org = None) -> Response:
    with state.db.write() as session:
        webhooks.remove(session, _org(who, org))
    return Response(status_code=204)


def _delivery(d: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(id=d.id, event=d.event, plan_id=d.job_id, url=d.url, status=d.status,  # type: ignore[arg-type]
                       attempts=d.attempts, last_status_code=d.last_status_code, last_error=d.last_error,
                       created_at=d.created_at, delivered_at=d.delivered_at,
                       next_attempt_at=d.next_attempt_at if d.status == "pending" else None, body=json.loads(d.body))


@router.get("/deliveries", response_model=Page[DeliveryOut], summary="Delivery log, newest first",
            responses=errors(400, 403))
def list_deliveries(db: DB, who: Caller, limit: Limit, cursor: Cursor = None, org: Org = None) -> Page[DeliveryOut]:
    with db.reader() as session:
        rows, next_cursor = webhooks.deliveries(session, _org(who, org), limit=limit, cursor=cursor)
        return Page[DeliveryOut](items=[_delivery(d) for d in rows], next_cursor=next_cursor)
