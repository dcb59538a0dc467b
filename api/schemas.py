"""Request and response bodies, separate from the domain model. Order and lot
rows carry the same fields as the case files' orders.csv and lots.csv and are
validated by the same readers (planner.io), so a row is judged the same way
whether it comes from a file, a JSON body or a CSV upload."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

Scalar = str | float | int | bool | None
T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str = Field(examples=["invalid_rows"])
    message: str = Field(examples=["2 row(s) have problems; nothing was stored"])
    problems: list[str] = Field(default_factory=list, examples=[["orders row 3, kg: must be > 0, got -3"]])


class ErrorBody(BaseModel):
    error: ErrorDetail


def _row(**fields: tuple[str, object]) -> dict[str, Any]:
    return {name: (Scalar, Field(None, description=doc, examples=[ex])) for name, (doc, ex) in fields.items()}


class OrderRow(BaseModel):
    """One customer order, the columns of orders.csv."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "LS-000123", "channel": "livestream", "market": "domestic", "product": "lychee",
        "kg": 5, "boxes": 1, "ordered": "2025-06-12T09:00", "deadline": "2025-06-13T20:00",
        "min_shelf_life_days": 5, "value": 300000, "partner": "viettel-post", "city": "Hanoi",
        "country": "VN", "region": "Dong Da", "lat": 21.01438, "lon": 105.83156, "hub": "hub-hanoi",
        "priority": "standard",
    }]})
    id: Scalar = Field(None, description="The caller's order id (1-128 letters, digits, '.', '_', '~', '-'; "
                       "starting with a letter or digit); a retry with the same id never duplicates.")
    channel: Scalar = Field(None, description="livestream or b2b")
    market: Scalar = Field(None, description="A market of the case (domestic, US, AU, JP, ...)")
    product: Scalar = Field(None, description="A product of the case, e.g. lychee")
    grade: Scalar = Field(None, description="Grade (default A)")
    kg: Scalar = Field(None, description="Kilograms, > 0")
    boxes: Scalar = Field(None, description="Boxes, >= 0")
    ordered: Scalar = Field(None, description="ISO 8601 datetime (case time zone if naive) or HH:MM; within 366 "
                            "days of the case's epoch (settings: season_days)")
    deadline: Scalar = Field(None, description="Delivery deadline, after ordered and at most the case's horizon "
                             "plus 7 days (settings: horizon_margin_days) after it")
    min_shelf_life_days: Scalar = Field(None, description="Shelf life left at delivery, days")
    value: Scalar = Field(None, description="Order value in the case currency")
    partner: Scalar = Field(None, description="Logistics partner of the last leg, if known")
    city: Scalar = None
    country: Scalar = Field(None, description="ISO 3166 alpha-2")
    region: Scalar = Field(None, description="State or province (market rules)")
    lat: Scalar = None
    lon: Scalar = None
    hub: Scalar = Field(None, description="Hub site of the case the freight lanes reach")
    priority: Scalar = Field(None, description="standard (default), export or contract: when supply is short, "
                             "orders of a higher priority are served first (contract, then export); the others "
                             "are unassigned with reason supply_to_higher_priority")


class LotRow(BaseModel):
    """One harvest declaration, the columns of lots.csv."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "L1", "farm": "farm-0033", "product": "lychee", "grade": "A", "kg": 150, "boxes": 15,
        "ready": "2025-06-12T04:00", "latest_pickup": "2025-06-12T10:00", "service_min": 5,
        "certifications": "VietGAP", "packing_houses": "", "value": 9000000,
    }]})
    id: Scalar = Field(None, description="The caller's lot id (1-128 letters, digits, '.', '_', '~', '-'; "
                       "starting with a letter or digit); a retry with the same id never duplicates.")
    farm: Scalar = Field(None, description="A farm or collection point of the case")
    product: Scalar = None
    grade: Scalar = None
    kg: Scalar = Field(None, description="Kilograms, > 0")
    boxes: Scalar = None
    ready: Scalar = Field(None, description="Harvest time, ISO 8601 or HH:MM; within 366 days of the case's epoch")
    latest_pickup: Scalar = Field(None, description="End of the pickup window: at or after ready, at most the "
                                  "case's horizon plus 7 days after it")
    service_min: Scalar = Field(None, description="Loading time, minutes")
    certifications: Scalar = Field(None, description="';'-separated, e.g. VietGAP;growing-area-code")
    packing_houses: Scalar = Field(None, description="';'-separated packing houses allowed (empty: any)")
    value: Scalar = None


ORDER_FIELDS = tuple(OrderRow.model_fields)
LOT_FIELDS = tuple(LotRow.model_fields)


class OrdersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    orders: list[OrderRow] = Field(min_length=1)


class LotsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lots: list[LotRow] = Field(min_length=1)


class IngestResult(BaseModel):
    """What a bulk ingest stored: every row was valid, so all were applied."""

    case: str
    received: int = Field(examples=[1000])
    created: int = Field(examples=[990])
    updated: int = Field(examples=[0])
    unchanged: int = Field(examples=[10], description="Rows already stored with the same content (retries).")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last.")


class OrderOut(BaseModel):
    id: str
    org: str
    case: str
    channel: str
    market: str
    product: str
    partner: str
    kg: float
    ordered: dt.datetime
    deadline: dt.datetime
    fields: dict[str, str] = Field(description="The row as stored")
    created_at: dt.datetime
    updated_at: dt.datetime


class LotOut(BaseModel):
    id: str
    org: str
    case: str
    farm: str
    product: str
    kg: float
    ready: dt.datetime
    latest_pickup: dt.datetime
    fields: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime


class CaseIn(BaseModel):
    """A base case: its files by name (settings.toml, products.toml,
    markets.toml, lanes.toml, sites.csv or sites.geojson, fleet.csv)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$", examples=["luc-ngan-2025"])
    files: dict[str, str]


class CaseOut(BaseModel):
    name: str
    files: list[str]
    epoch: dt.date
    timezone: str
    sites: int
    vehicle_types: int
    lanes: int
    created_at: dt.datetime


def _date_text(value: object) -> object:
    if not isinstance(value, str | dt.date):
        raise ValueError("must be a date as text, YYYY-MM-DD")
    return value


def _whole_number(value: object) -> object:
    """JSON numbers that are whole (``5`` or ``5.0``, as JSON Schema's integer), not text or booleans."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class PlanIn(BaseModel):
    """A plan for one date of a case (re-plans: ``POST /v1/plans/{id}/replan``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"date": "2025-06-12", "time_limit_s": 10, "seed": 0},
    ]})
    case: str | None = Field(None, max_length=64, description="Case name (default: the server's default case)")
    date: Annotated[dt.date, BeforeValidator(_date_text)] | None = Field(
        None, description="Planning day, YYYY-MM-DD, within 366 days of the case's epoch (settings: season_days; "
                          "default: the case's first day)")
    time_limit_s: WholeNumber | None = Field(None, ge=1, le=3600)
    seed: WholeNumber = Field(0, ge=0, le=2**31 - 1)


class JobOut(BaseModel):
    id: str
    case: str
    date: dt.date | None
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str
    error: str = Field(description="Why it failed, for people (stable for a given cause; details in the server log)")
    error_code: str = Field("", description="Why it failed, for programs: invalid_case, infeasible, "
                            "travel_times_unavailable, solver_failed, memory_limit, time_limit, killed, worker_lost, "
                            "internal_error (empty unless failed)")
    peak_memory_mb: float | None = Field(None, description="Peak memory of the job's process (MB)")
    attempts: int
    cancel_requested: bool
    replan_of: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["dispatcher", "partner", "planner"]
    org: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$", examples=["viettel-post"])
    label: str = Field("", max_length=200)


class KeyOut(BaseModel):
    id: int
    prefix: str
    role: str
    org: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class KeyCreated(KeyOut):
    key: str = Field(description="The key itself; shown once, stored only as a digest")


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    database: str
    workers: int
    queued_jobs: int


class StopOut(BaseModel):
    site: str
    kind: Literal["start", "pickup", "delivery", "end"]
    lat: float
    lon: float
    arrival: dt.datetime
    departure: dt.datetime
    waiting_s: int
    load_kg: float
    lot_ids: list[str] = Field(description="Lots picked up or delivered here (a dispatcher sees its own only)")
    service_after: dt.datetime | None = Field(None, description="A planned wait: service here starts at the later of "
                                              "arrival and this time (a free intake slot, an opening); null: on "
                                              "arrival")


class RouteOut(BaseModel):
    """A pickup route as in plan.json (planner/assembly/plan.schema.json)."""

    vehicle_id: str
    vehicle_type: str
    temperature: str
    profile: str
    distance_m: int
    duration_s: int
    cost: float
    stops: list[StopOut]


class UnitOut(BaseModel):
    index: int
    kg: float
    boxes: int
    fill: float


class ManifestLineOut(BaseModel):
    order_id: str = Field(description="The id the ordering organisation gave")
    order_org: str = Field(description="The organisation that sent the order")
    kg: float
    boxes: int
    unit: int
    supply_id: str = ""
    shelf_life_left_days: float


class TreatmentOut(BaseModel):
    facility: str
    treatment: str
    start: dt.datetime
    end: dt.datetime
    order_ids: list[str] = Field(default_factory=list, description="the orders this step treats, as the manifest's "
                                 "order_id (empty in plans written before 4 December 2026)")
    order_orgs: list[str] = Field(default_factory=list, description="the organisation of each of order_ids, as the "
                                  "manifest's order_org")


class ShipmentOut(BaseModel):
    """A consolidated shipment as in plan.json, for the partner carrying it."""

    id: str
    lane_id: str
    mode: str
    partner: str
    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    temperature_c: float
    units: list[UnitOut]
    manifest: list[ManifestLineOut]
    treatments: list[TreatmentOut]
    cost: float


class ManifestRowOut(BaseModel):
    """One manifest line with its shipment: what the CSV manifest holds."""

    shipment_id: str
    lane_id: str
    mode: str
    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    temperature_c: float
    unit: int
    order_id: str
    order_org: str
    kg: float
    boxes: int
    shelf_life_left_days: float


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]


class KpisOut(BaseModel):
    plan: str
    kpis: dict[str, Any] = Field(description="orders_served, kg_unserved, cost_per_kg, co2e_kg, ... (plan.json summary)")


class CheckOut(BaseModel):
    """The result of checking an edited plan against its case: times, loads,
    freshness and costs recomputed."""

    valid: bool
    violations: list[str] = Field(examples=[["route moto#1: arrives at ph-chu after it closes"]])
    notes: list[str] = Field(default_factory=list)
    totals: dict[str, float] = Field(default_factory=dict)


class ReplanIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"dispatched": ["moto#1"],
                                                                                "unavailable": ["moto#2"]}]})
    dispatched: list[str] = Field(default_factory=list, max_length=1000,
                                  description="Vehicle ids already on the road: their routes, as last accepted, stay")
    unavailable: list[str] = Field(default_factory=list, max_length=1000,
                                   description="Vehicle ids broken or otherwise out: they take nothing new (one also "
                                               "dispatched keeps only its stops done before `now`)")
    now: AwareDatetime | None = Field(None, description="Time of the re-plan: stops of dispatched routes that started "
                                                      "before it are done, nothing new starts before it")
    time_limit_s: WholeNumber | None = Field(None, ge=1, le=3600)
    seed: WholeNumber = Field(0, ge=0, le=2**31 - 1)


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"url": "https://partner.example/planner-events"}]})
    url: str = Field(max_length=2000, pattern=r"^https?://[^\s/?#@\\]+([/?#][^\s\\]*)?$",
                     description="http(s) URL that receives POSTed events: no credentials (`user:password@`); "
                                 "its host must be public (not a private, loopback or link-local address, when "
                                 "named nor when resolved) unless the server allows private targets")
    rotate_secret: bool = Field(False, description="Make a new signing secret (it is shown once, in the answer)")

    @field_validator("url", mode="before")
    @classmethod
    def _plain_http_url(cls, value: object) -> object:
        """Clear reasons for the URLs the pattern refuses (it runs after this)."""
        if not isinstance(value, str):
            return value
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in ("http", "https"):
            raise ValueError(f"must be an http:// or https:// URL, got scheme {scheme if sep else value[:20]!r}")
        if "\\" in value or any(c.isspace() or not c.isprintable() for c in value):
            raise ValueError("must not contain spaces, control characters or backslashes")
        authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
        if "@" in authority:
            raise ValueError("must not carry credentials (user:password@host); the signature authenticates us")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (raises for a bad port)
        except ValueError as exc:
            raise ValueError(f"is not a valid URL ({exc})") from None
        if not parts.hostname:
            raise ValueError("must name a host")
        return value


class WebhookOut(BaseModel):
    org: str
    url: str
    secret: str | None = Field(None, description="The signing secret: shown once, when made (creation or rotation). "
                                                 "Each delivery carries `X-Planner-Signature: sha256=<hex>`, the "
                                                 "HMAC-SHA256 of the body under it")
    created_at: dt.datetime
    updated_at: dt.datetime


class DeliveryOut(BaseModel):
    id: int
    event: Literal["plan.ready", "plan.changed"]
    plan_id: str
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    next_attempt_at: dt.datetime | None = Field(description="When it is tried again (pending only)")
    body: dict[str, Any] = Field(description="The event as sent")
