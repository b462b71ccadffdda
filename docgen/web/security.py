"""Sign-in sessions, CSRF tokens, failed-login throttling and the verification page's rate
limit: in the memory of the one `docgen serve` process (a restart signs everyone out)."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

SESSION_COOKIE = "docgen_session"
ANON_COOKIE = "docgen_anon"  # carries the sign-in form's CSRF token before a session exists


def token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class WebSession:
    token: str
    user: str
    role: str
    csrf: str
    last_seen: float
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, message) shown once


class Sessions:
    """Signed-in users by their cookie's token; a session idle longer than `idle` seconds
    is gone."""

    def __init__(self, idle: float) -> None:
        self.idle = idle
        self._items: dict[str, WebSession] = {}
        self._lock = threading.Lock()

    def create(self, user: str, role: str) -> WebSession:
        session = WebSession(token(), user, role, token(), time.monotonic())
        with self._lock:
            self._items[session.token] = session
        return session

    def get(self, key: str | None) -> WebSession | None:
        if not key:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._items.get(key)
            if session is None:
                return None
            if now - session.last_seen > self.idle:
                del self._items[key]
                return None
            session.last_seen = now
            return session

    def drop(self, key: str | None) -> None:
        with self._lock:
            self._items.pop(key or "", None)


class Throttle:
    """Failed sign-ins per key (a name, an address): each failure slows the next answer a
    little more; `attempts` failures within `lockout` seconds refuse the key until they age
    out."""

    def __init__(self, attempts: int, lockout: float) -> None:
        self.attempts = attempts
        self.lockout = lockout
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.lockout:
            times.popleft()
        return times

    def retry_after(self, keys: list[str]) -> float:
        """Seconds until these keys may try again (0: they may now)."""
        now = time.monotonic()
        with self._lock:
            waits = [
                self.lockout - (now - times[0])
                for key in keys
                if len(times := self._recent(key, now)) >= self.attempts
            ]
        return max(waits, default=0.0)

    def delay(self, keys: list[str]) -> float:
        """How long to hold the answer to the next attempt: 0.25 s per recent failure, at most 2 s."""
        now = time.monotonic()
        with self._lock:
            count = max((len(self._recent(key, now)) for key in keys), default=0)
        return min(2.0, 0.25 * count)

    def fail(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def clear(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class RateLimit:
    """At most `limit` requests per key in any `window` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count one request; 0 when allowed, else the seconds to wait (Retry-After)."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.001, self.window - (now - hits[0]))
            hits.append(now)
            if len(self._hits) > 100_000:  # addresses seen once long ago: forget them
                for old in [k for k, v in self._hits.items() if not v or now - v[-1] >= self.window]:
                    del self._hits[old]
            return 0.0
