"""Benchmark: fetch N papers' arXiv metadata from the fake arXiv, batched vs one request each.

    .venv/bin/python bench/arxiv_fetch.py                    # 500 papers, 0.05 s spacing
    .venv/bin/python bench/arxiv_fetch.py -n 1000 --interval 0.02
    .venv/bin/python bench/arxiv_fetch.py --redis redis://127.0.0.1:6379/5   # Redis limiter

Runs the real client (papers/arxiv/client.py) and limiter against the fake server of the tests
(tests/arxiv/fake_server.py) on 127.0.0.1, so no request leaves the machine. The spacing is
scaled down to keep the run short; the report also says what arXiv's real rule of one request
every 3 s implies for the same number of requests. The target (DESIGN.md): N ids in
ceil(N / 100) requests, never two requests closer than the interval.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from papers.arxiv.client import ArxivClient  # noqa: E402
from papers.arxiv.ratelimit import LocalRateLimiter, redis_limiter, spacing_for  # noqa: E402
from tests.arxiv.fake_server import FakeArxiv  # noqa: E402

REAL_INTERVAL = 3.0


def run(fake: FakeArxiv, ids: list[str], batch_size: int, interval: float, redis_url: str):
    fake.reset()
    limiter = redis_limiter(redis_url, interval) if redis_url else LocalRateLimiter(interval)
    client = ArxivClient(
        api_url=fake.url, limiter=limiter, batch_size=batch_size, user_agent="readinggroup-bench"
    )
    started = time.perf_counter()
    outcomes = client.fetch(ids)
    elapsed = time.perf_counter() - started
    fetched = sum(1 for outcome in outcomes.values() if outcome.status == "fetched")
    gaps = fake.gaps()
    return {
        "requests": len(fake.requests),
        "seconds": elapsed,
        "fetched": fetched,
        "min_gap": min(gaps) if gaps else float("nan"),
    }


def at_real_interval(requests: int) -> float:
    """The least wall time arXiv's rule allows for this many requests (the first is free)."""
    return max(0, requests - 1) * spacing_for(REAL_INTERVAL)


def human(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--papers", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.05, help="spacing used in the run")
    parser.add_argument("--redis", default="", help="use the Redis limiter at this URL")
    args = parser.parse_args()

    ids = [f"25{n // 99999 + 1:02d}.{n % 99999 + 1:05d}" for n in range(args.papers)]
    with FakeArxiv() as fake:
        fake.add_generated(ids)
        batched = run(fake, ids, args.batch_size, args.interval, args.redis)
        single = run(fake, ids, 1, args.interval, args.redis)

    expected = math.ceil(args.papers / args.batch_size)
    print(
        f"arXiv fetch of {args.papers} papers against the fake arXiv on 127.0.0.1; "
        f"spacing {args.interval:g} s (+ margin: {spacing_for(args.interval):.3f} s), "
        f"limiter: {'Redis' if args.redis else 'in-process'}"
    )
    header = (
        f"{'':<22}{'requests':>9}{'fetched':>9}{'wall time':>11}{'min gap':>10}{'least at 3 s':>16}"
    )
    print(header)
    for name, result in (("batched (100 per req)", batched), ("one request per paper", single)):
        print(
            f"{name:<22}{result['requests']:>9}{result['fetched']:>9}"
            f"{result['seconds']:>10.2f}s{result['min_gap']:>9.3f}s"
            f"{human(at_real_interval(result['requests'])):>16}"
        )
    print(
        f"batched: {batched['requests']} requests (ceil(N/{args.batch_size}) = {expected}); "
        f"{single['requests'] / batched['requests']:.0f}x fewer requests, "
        f"{single['seconds'] / batched['seconds']:.0f}x less wall time than one per paper"
    )
    if batched["requests"] != expected or batched["fetched"] != args.papers:
        sys.exit("unexpected: the batched run did not fetch every paper in ceil(N/batch) requests")
    if min(batched["min_gap"], single["min_gap"]) < args.interval:
        sys.exit("unexpected: two requests came closer than the interval")


if __name__ == "__main__":
    main()
