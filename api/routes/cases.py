"""Cases (base case folders) and API keys: planners manage them."""

from __future__ import annotations

from fastapi import APIRouter, Response

from .. import auth
from ..deps import DB, Caller, State, allow
from ..models import ApiKey, CaseRecord
from ..schemas import CaseIn, CaseOut, KeyCreated, KeyIn, KeyOut
from ..services import cases as case_service
from . import errors

router = APIRouter(prefix="/v1")


def _case_out(state: State, record: CaseRecord, files: list[str]) -> CaseOut:
    base = state.cases.base(record)
    return CaseOut(
        name=record.name, files=sorted(files), epoch=base.settings.epoch.date(),
        timezone=base.settings.timezone, sites=len(base.sites), vehicle_types=len(base.vehicle_types),
        lanes=len(base.lanes), created_at=record.created_at,
    )


@router.get("/cases", tags=["cases"], response_model=list[CaseOut], summary="Cases (any key)", responses=errors())
def list_cases(state: State, db: DB, who: Caller) -> list[CaseOut]:
    with db.reader() as session:
        return [_case_out(state, r, list(r.files)) for r in case_service.list_all(session)]


@router.post("/cases", tags=["cases"], status_code=201, response_model=CaseOut,
             summary="Register a base case (planners)", responses=errors(403, 409))
def create_case(body: CaseIn, state: State, who: Caller) -> CaseOut:
    allow(who)
    with state.db.write() as session:
        record = case_service.register(session, name=body.name, files=body.files)
    return _case_out(state, record, list(body.files))


def _key_out(record: ApiKey) -> KeyOut:
    return KeyOut(id=record.id, prefix=record.prefix, role=record.role, org=record.org, label=record.label,
                  created_at=record.created_at, revoked_at=record.revoked_at)


@router.post("/keys", tags=["keys"], status_code=201, response_model=KeyCreated,
             summary="Create an API key (planners); the key is shown once", responses=errors(403))
def create_key(body: KeyIn, state: State, who: Caller) -> KeyCreated:
    allow(who)
    with state.db.write() as session:
        record, token = auth.create_key(session, role=auth.Role(body.role), org=body.org, label=body.label)
        return KeyCreated(**_key_out(record).model_dump(), key=token)


@router.get("/keys", tags=["keys"], response_model=list[KeyOut], summary="API keys (planners)", responses=errors(403))
def list_keys(db: DB, who: Caller) -> list[KeyOut]:
    with db.reader() as session:
        allow(who)
        return [_key_out(r) for r in auth.list_keys(session)]


@router.delete("/keys/{key_id}", tags=["keys"], status_code=204, summary="Revoke an API key (planners)",
               responses=errors(403, 404))
def revoke_key(key_id: int, state: State, who: Caller) -> Response:
    allow(who)
    with state.db.write() as session:
        auth.revoke_key(session, key_id)
    state.forget_keys()
    return Response(status_code=204)
