"""The Redis limiter keeps the spacing across processes (no Celery, no database needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from papers.arxiv.ratelimit import HOLDER_KEY, NEXT_FREE_KEY, RedisRateLimiter, spacing_for
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
    redis.Redis.from_url(redis_url).delete(HOLDER_KEY, NEXT_FREE_KEY)
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
def test_redis_slot_is_exclusive_spaced_and_leased(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.delete(HOLDER_KEY, NEXT_FREE_KEY)
    slept: list[float] = []
    first = RedisRateLimiter(client, 2.0, lease=5.0, sleep=slept.append)

    with first.slot() as waited:
        assert waited == 0
        assert 0 < client.pttl(HOLDER_KEY) <= 5000
        # Held: another caller is told to wait (-1), however long ago the last slot opened.
        token = "someone-else"
        assert int(first._acquire(keys=first.keys, args=[token, 1000])) == -1
    assert not client.exists(HOLDER_KEY)
    # Released: the next slot opens one spacing after the release, on Redis's clock.
    wait_us = int(first._acquire(keys=first.keys, args=["next", 1000]))
    assert wait_us == pytest.approx(spacing_for(2.0) * 1_000_000, rel=0.02)
    assert 60_000 < client.pttl(NEXT_FREE_KEY) <= 60_000 + 2100

    # A holder that died is freed by its lease running out.
    client.delete(NEXT_FREE_KEY)
    client.set(HOLDER_KEY, "dead-worker", px=50)
    quick = RedisRateLimiter(client, 0.0, poll=0.01)
    with quick.slot() as waited:
        assert 0 < waited < 1.0
    client.delete(HOLDER_KEY, NEXT_FREE_KEY)
