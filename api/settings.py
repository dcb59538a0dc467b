"""The API's one settings object, read from the environment (``PLANNER_*``)
or given explicitly; bad values fail at start-up, not at the first request."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and the limits the API enforces."""

    model_config = SettingsConfigDict(env_prefix="PLANNER_", extra="forbid", frozen=True)

    data_dir: Path = Field(Path("planner-data"), description="Folder for the SQLite file and plan outputs.")
    database_url: str = Field("", description="SQLAlchemy URL; empty: SQLite file in data_dir.")
    database_schema: str = Field("", pattern=r"^[a-z_][a-z0-9_]{0,62}$|^$", description="PostgreSQL schema for the tables.")
    base_case: Path | None = Field(None, description="Case folder registered as the default case at start-up.")
    default_case: str = Field("default", min_length=1, max_length=64)
    max_body_bytes: int = Field(16 * 1024 * 1024, gt=0)
    max_rows_per_request: int = Field(20_000, gt=0)
    default_page_size: int = Field(100, gt=0)
    max_page_size: int = Field(1000, gt=0)
    read_threads: int = Field(-1, ge=-1, le=16, description="Threads of a server process serving the partners' and "
                              "dispatchers' record reads at once (0: on the event loop; -1: on the event loop with "
                              "SQLite, where a read of the local file costs less than the hand-over to a thread and "
                              "back, and 4 threads with PostgreSQL, where a read waits for the server). With "
                              "async_reads on PostgreSQL, no threads: the reads that build a body at once and their "
                              "connections (this many, 16 for -1, at least 1; 2 more at a burst).")
    async_reads: bool = Field(True, description="PostgreSQL: the partners' and dispatchers' record and manifest "
                              "reads run on the event loop on asynchronous connections (SQLAlchemy's asyncio "
                              "engine, psycopg), a query's wait for the server leaving the loop free, instead of "
                              "in read_threads threads, each hand-over to which and back waits for the GIL while "
                              "the loop is busy (False: in those threads). SQLite reads never use it.")
    request_threads: int = Field(16, ge=1, le=24, description="Threads of a server process running the other routes "
                                 "at once (FastAPI's pool; with read_threads within the 30 database connections "
                                 "a process holds, so no thread waits for one).")
    read_cache_mb: int = Field(64, ge=0, le=4096, description="Memory a server process may keep partners' and "
                               "dispatchers' read bodies in (api.readcache), served while their data is unchanged "
                               "(0: every read built anew).")
    plan_jobs_per_window: int = Field(5, gt=0, description="Plan jobs one key may start per window.")
    plan_job_window_s: int = Field(60, gt=0)
    workers: int = Field(1, ge=0, description="Plan jobs run at once (0: no worker, jobs stay queued).")
    job_poll_s: float = Field(0.5, gt=0)
    job_heartbeat_s: float = Field(5.0, gt=0)
    job_stale_after_s: float = Field(60.0, gt=0)
    job_max_attempts: int = Field(2, ge=1, description="Runs of a job interrupted by a restart before it fails.")
    plan_time_limit_s: int = Field(30, gt=0, le=3600)
    season_days: int = Field(366, ge=1, le=3660, description="Times of orders, lots and plans lie within this many "
                             "days of the case's epoch.")
    horizon_margin_days: int = Field(7, ge=0, le=366, description="A deadline (latest pickup) may be at most the "
                                     "case's horizon plus this many days after the order (the harvest).")
    plan_memory_mb: int = Field(4096, ge=64, description="Address space a plan job may add to the worker's (its "
                                "process is stopped past it and the job fails).")
    plan_grace_s: int = Field(120, ge=1, description="CPU seconds a plan job may use past its time limit before "
                              "it is stopped and fails (wall clock: four times limit plus grace).")
    worker_isolation: bool = Field(True, description="Run each plan job in a child process of the worker under the "
                                   "memory and time caps (False: in the worker's thread, uncapped; tests).")
    expected_workers: int = Field(-1, ge=-1, description="Worker processes /readyz waits for (-1: this process's "
                                  "own workers; planner serve sets 1).")
    webhook_max_attempts: int = Field(6, ge=1, le=20)
    webhook_backoff_s: float = Field(2.0, gt=0, description="First retry delay; doubled at every retry.")
    webhook_timeout_s: float = Field(5.0, gt=0)
    webhook_allow_private_targets: bool = Field(False, description="Accept webhook URLs whose host is, or resolves "
                                                "to, a private, loopback, link-local or otherwise non-public address "
                                                "(off: refused when set and again when delivered, against SSRF).")
    plan_function: str = Field("api.engine:run_plan_day", description="module:function that plans one day (see api.engine).")

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        if url and not url.startswith(("sqlite", "postgresql")):
            msg = f"database_url must be a sqlite or postgresql URL, got {url.split(':')[0]!r}"
            raise ValueError(msg)
        return url

    @field_validator("plan_function")
    @classmethod
    def _import_path(cls, value: str) -> str:
        module, _, name = value.partition(":")
        if not module or not name:
            msg = f"plan_function must look like 'module:function', got {value!r}"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _pages(self) -> Settings:
        if self.default_page_size > self.max_page_size:
            msg = f"default_page_size ({self.default_page_size}) exceeds max_page_size ({self.max_page_size})"
            raise ValueError(msg)
        if self.base_case is not None and not self.base_case.is_dir():
            msg = f"base_case {self.base_case} is not a folder"
            raise ValueError(msg)
        return self

    @property
    def reader_threads(self) -> int:
        """``read_threads`` with -1 resolved for this database."""
        if self.read_threads >= 0:
            return self.read_threads
        if self.url.startswith("sqlite"):
            return 0
        # Reads on the loop that find their body kept need no connection (api.deps.AppState.read_kept);
        # the others wait here for one query each: 4 at once answered p99 257 ms, 8 171-198 ms, 16 126 ms
        # (benchmarks/results/api_load.md, 3 December 2026).
        return 16 if self.uses_async_reads else 4

    @property
    def uses_async_reads(self) -> bool:
        """``async_reads`` for this database (PostgreSQL only)."""
        return self.async_reads and not self.url.startswith("sqlite")

    @property
    def url(self) -> str:
        """The database URL, defaulting to ``data_dir/planner.sqlite``."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'planner.sqlite').resolve()}"
