"""One request to arXiv at a time, at least `interval` seconds apart, across every process.

arXiv asks for no more than one request every three seconds and a single connection at a
time. Spacing the *starts* of requests is not enough: a request delayed on its way (a slow
connect, a busy server thread) arrives late, and the next one, sent on time, arrives right
behind it. So a limiter hands out a *slot*: a caller holds it for the whole request, and the
next slot opens `interval` after the previous request has finished. Since a request cannot be
answered before it arrived, arrivals at arXiv are then at least `interval` apart.

With Redis the slot is a lease key (so a worker that dies mid-request frees it when the lease
runs out) plus the time the next slot opens, both read and written by Lua scripts on the
Redis server's clock, so every worker on every host agrees. Without Redis (the embedded
default, where Celery runs tasks in-process) a lock in this process does the same.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

# A little on top of the interval, for the rounding of clocks and sleeps.
MARGIN_FRACTION = 0.02
MARGIN_MIN = 0.005
MARGIN_MAX = 0.1

REDIS_PREFIX = "readinggroup:arxiv"
HOLDER_KEY = f"{REDIS_PREFIX}:slot-holder"
NEXT_FREE_KEY = f"{REDIS_PREFIX}:next-free"

# KEYS: holder, next-free. ARGV: token, lease in ms.
# Returns 0 when the slot is now this caller's, -1 while another caller holds it, or else the
# microseconds until the next slot opens.
_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return -1
end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local next_free = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < next_free then
  return next_free - now
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 0
"""

# KEYS: holder, next-free. ARGV: token, spacing in microseconds.
# The next slot opens `spacing` after now, even if this caller's lease ran out meanwhile: its
# request was still sent.
_RELEASE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local spacing = tonumber(ARGV[2])
redis.call('SET', KEYS[2], string.format('%d', now + spacing), 'PX',
  math.ceil(spacing / 1000) + 60000)
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 1
"""


def spacing_for(interval: float) -> float:
    """The gap kept between one request's end and the next one's start."""
    if interval <= 0:
        return 0.0
    return interval + min(max(interval * MARGIN_FRACTION, MARGIN_MIN), MARGIN_MAX)


class RateLimiter(Protocol):
    interval: float

    def slot(self):
        """Context manager: entered when this caller may send, held while it does."""
        ...


class LocalRateLimiter:
    """Slots handed out by a lock in this process (its threads share them)."""

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

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Yields the seconds waited for the slot."""
        with self._lock:
            waited = max(0.0, self._next_free - self._clock())
            if waited:
                self._sleep(waited)
            try:
                yield waited
            finally:
                self._next_free = self._clock() + spacing_for(self.interval)


class RedisRateLimiter:
    """Slots shared through Redis by every worker and process that uses the same keys."""

    def __init__(
        self,
        client,
        interval: float,
        *,
        lease: float = 70.0,
        poll: float = 0.02,
        keys: tuple[str, str] = (HOLDER_KEY, NEXT_FREE_KEY),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.lease = lease
        self.poll = poll
        self.keys = list(keys)
        self._sleep = sleep
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    @contextmanager
    def slot(self) -> Iterator[float]:
        token = uuid.uuid4().hex
        lease_ms = max(1, round(self.lease * 1000))
        waited = 0.0
        while True:
            answer = int(self._acquire(keys=self.keys, args=[token, lease_ms]))
            if answer == 0:
                break
            # Busy: someone's request is in flight. Otherwise: wait for the next slot to open.
            delay = self.poll if answer < 0 else answer / 1_000_000
            self._sleep(delay)
            waited += delay
        try:
            yield waited
        finally:
            spacing_us = round(spacing_for(self.interval) * 1_000_000)
            self._release(keys=self.keys, args=[token, spacing_us])


# One local limiter per process: every client in the process must share its slots.
_local_limiter = LocalRateLimiter(0.0)
_redis_clients: dict[str, object] = {}
_redis_lock = threading.Lock()


def local_limiter(interval: float) -> LocalRateLimiter:
    _local_limiter.interval = interval
    return _local_limiter


def redis_limiter(url: str, interval: float, *, lease: float = 70.0) -> RedisRateLimiter:
    import redis

    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
            _redis_clients[url] = client
    return RedisRateLimiter(client, interval, lease=lease)


def limiter_from_settings() -> RateLimiter:
    from django.conf import settings

    if settings.REDIS_URL:
        # The lease outlives any one request (the timeout applies per read, so allow two).
        lease = 2 * settings.ARXIV_TIMEOUT + 10
        return redis_limiter(settings.REDIS_URL, settings.ARXIV_MIN_INTERVAL, lease=lease)
    return local_limiter(settings.ARXIV_MIN_INTERVAL)
