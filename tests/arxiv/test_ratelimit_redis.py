"""The Redis limiter keeps the spacing across processes (no Celery, no database needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from papers.arxiv.ratelimit import REDIS_KEY, RedisRateLimiter, spacing_for
from tests.arxiv.fake_server import FakeArxiv

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 0.1

SCRIPT = """
import sys
from papers.arxiv.client import ArxivClient
from papers.arxiv.ratelimit import redis_limiter
url, api, ids = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
client = ArxivClient(api_url=api, limiter=redis_limiter(url, float(sys.argv[4])), batch_size=1)
outcomes = client.fetch(ids)
assert all(o.status == "fetched" for o in outcomes.values()), outcomes
"""


@pytest.mark.services
def test_three_processes_share_one_spacing(redis_url):
    redis.Redis.from_url(redis_url).delete(REDIS_KEY)
    ids = [f"2501.{n:05d}" for n in range(1, 19)]
    with FakeArxiv() as fake:
        fake.add_generated(ids)
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, redis_url, fake.url, ",".join(ids[i::3]), "0.1"],
                cwd=ROOT,
            )
            for i in range(3)
        ]
        assert [p.wait(timeout=60) for p in processes] == [0, 0, 0]

    assert sorted(fake.asked_ids()) == ids
    assert min(fake.gaps()) >= INTERVAL
    # Close to the spacing, not far above it: the processes really did interleave.
    assert fake.times[-1] - fake.times[0] < 17 * spacing_for(INTERVAL) + 1.0


@pytest.mark.services
def test_redis_slots_use_the_server_clock_and_expire(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.delete(REDIS_KEY)
    limiter = RedisRateLimiter(client, 2.0, sleep=lambda seconds: None)

    assert limiter.reserve() == 0
    second = limiter.reserve()
    third = limiter.reserve()
    assert second == pytest.approx(spacing_for(2.0), abs=0.05)
    assert third == pytest.approx(2 * spacing_for(2.0), abs=0.05)
    # The key outlives the reserved slots, and then goes away by itself.
    ttl = client.pttl(REDIS_KEY)
    assert 3 * spacing_for(2.0) * 1000 < ttl <= 3 * spacing_for(2.0) * 1000 + 61_000
    client.delete(REDIS_KEY)
