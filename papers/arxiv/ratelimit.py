"""Keep requests to arXiv at least `interval` seconds apart, across every process that asks.

Both limiters hand out *slots*: a caller atomically reserves the next free send time (at least
`interval` after the previous slot, and not in the past), then sleeps until its slot comes. A
reserved slot that goes unused only makes the gap larger, never smaller, so a worker that
dies between reserving and sending cannot cause a burst.

With Redis the next free time lives in one key that a Lua script reads and moves forward
atomically, using the Redis server's clock, so all workers on all hosts agree. Without Redis
(the embedded default, where Celery runs tasks in-process) a lock in this process does it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

# Room for the scheduling jitter between a slot starting and the request reaching the server
# (waking up, connecting): two requests of adjacent slots may each be late by a different
# amount, and the gap arXiv sees must still be the full interval.
MARGIN_FRACTION = 0.05
MARGIN_MIN = 0.01
MARGIN_MAX = 0.1

REDIS_KEY = "readinggroup:arxiv:next-request"

# KEYS[1]: the next free send time, in microseconds of the Redis server's clock.
# ARGV[1]: the spacing in microseconds. Returns how long the caller must wait, in microseconds.
_RESERVE_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local spacing = tonumber(ARGV[1])
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, next_free)
local expiry_ms = math.ceil((slot + spacing - now) / 1000) + 60000
redis.call('SET', KEYS[1], string.format('%d', slot + spacing), 'PX', expiry_ms)
return slot - now
"""


def spacing_for(interval: float) -> float:
    """The gap actually kept between slots: the interval plus a small margin."""
    if interval <= 0:
        return 0.0
    margin = min(max(interval * MARGIN_FRACTION, MARGIN_MIN), MARGIN_MAX)
    return interval + margin


class RateLimiter(Protocol):
    interval: float

    def wait(self) -> float:
        """Block until this caller may send one request; return the seconds slept."""
        ...


class LocalRateLimiter:
    """Slots handed out under a lock in this process (threads of one process share it)."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free = 0.0

    def reserve(self) -> float:
        """Reserve the next slot; return how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_free)
            self._next_free = slot + spacing_for(self.interval)
            return slot - now

    def wait(self) -> float:
        delay = self.reserve()
        if delay > 0:
            self._sleep(delay)
        return delay


class RedisRateLimiter:
    """Slots handed out by Redis, shared by every worker and process using the same key."""

    def __init__(
        self,
        client,
        interval: float,
        *,
        key: str = REDIS_KEY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.key = key
        self._sleep = sleep
        self._script = client.register_script(_RESERVE_SCRIPT)

    def reserve(self) -> float:
        spacing_us = round(spacing_for(self.interval) * 1_000_000)
        return int(self._script(keys=[self.key], args=[spacing_us])) / 1_000_000

    def wait(self) -> float:
        delay = self.reserve()
        if delay > 0:
            self._sleep(delay)
        return delay


# One local limiter per process: every client in the process must share its slots.
_local_limiter = LocalRateLimiter(0.0)
_redis_clients: dict[str, object] = {}
_redis_lock = threading.Lock()


def local_limiter(interval: float) -> LocalRateLimiter:
    _local_limiter.interval = interval
    return _local_limiter


def redis_limiter(url: str, interval: float) -> RedisRateLimiter:
    import redis

    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
            _redis_clients[url] = client
    return RedisRateLimiter(client, interval)


def limiter_from_settings() -> RateLimiter:
    from django.conf import settings

    if settings.REDIS_URL:
        return redis_limiter(settings.REDIS_URL, settings.ARXIV_MIN_INTERVAL)
    return local_limiter(settings.ARXIV_MIN_INTERVAL)
