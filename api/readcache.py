"""Partner reads kept in memory by a server process, and their ETags.

During a peak every partner polls the same few pages (the first page of its
orders, its manifest lines of the day's plan): each is built once and then
served from here while the data it was made from is unchanged.

- An entry is keyed by what was asked *as seen by the caller* (the
  organisation whose records it holds, the page, the filters), never by the
  key alone: one organisation's body cannot answer another's request.
- An entry carries the version it was made at: the ``read_versions`` row of
  the (table, case, organisation), which the database's own triggers change
  in the transaction of every write, whichever process or code made it
  (migration 0005). A read first reads that version, then looks here, so a
  write committed before the request began is always seen; in any server
  process. (The version is read before the records, so an entry is never
  older than its version.)
- A succeeded plan's manifest lines are written once, with the job's
  ``succeeded`` (api.jobs), and never change: their entries have version 0.

Bodies also carry a strong ETag (a digest of the bytes), so a partner that
sends ``If-None-Match`` gets ``304 Not Modified`` without the body.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class JsonBody:
    """A JSON body and its strong ETag (quoted, as sent)."""

    content: bytes
    etag: str

    @classmethod
    def of(cls, content: bytes) -> JsonBody:
        return cls(content, '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"')

    @classmethod
    def json(cls, value: Any) -> JsonBody:
        """``value`` as JSON (orjson; aware datetimes in UTC as ``...Z``, as pydantic writes them)."""
        return cls.of(orjson.dumps(value, option=orjson.OPT_UTC_Z))

    def matches(self, if_none_match: str | None) -> bool:
        """``If-None-Match`` names this body (weak comparison, RFC 9110 13.1.2)."""
        if not if_none_match:
            return False
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or self.etag in tags


class ReadCache:
    """Least recently used bodies up to ``max_bytes`` (0: nothing kept)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[int, JsonBody]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, version: int) -> JsonBody | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: Hashable, version: int, body: JsonBody) -> JsonBody:
        content = body.content
        if len(content) > self.max_bytes // 4:
            return body
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None and old[0] > version:  # a newer one came meanwhile
                self._entries[key] = old
                return body
            self._bytes += len(content) - (len(old[1].content) if old else 0)
            self._entries[key] = (version, body)
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped.content)
        return body
