"""Benchmark: catalogue search and listing at 100,000 papers, SQLite and PostgreSQL, one run.

    .venv/bin/python bench/search.py                              # SQLite only
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/search.py -n 20000 --repeat 50

Generates a conference list with bench/import_papers.py's generator, imports it into a fresh
database per backend (a scratch PostgreSQL database, dropped afterwards), then times requests
through Django's test client (the whole middleware stack, no network) and prints each URL's
p50 and p90 in milliseconds, and the p50 of a "cold" request: the first after a catalogue
change, when the filter choices, the list counts and the search's ranking (all cached with the
catalogue version) are computed afresh. Each backend runs in a child process of its own, so both are
measured by the same code in one run. The target (issue 15): p50 < 50 ms each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_papers import generate, scratch_postgres  # noqa: E402

# Words from the generator: "memory" is in about one title in five (and the same papers'
# notes); "system4242" names one paper; two common words together.
URLS = [
    ("/papers/?q=memory", "common word"),
    ("/papers/?q=system4242", "rare word"),
    ("/papers/?q=memory+cache", "two words"),
    ("/papers/", "unfiltered, page 1"),
    ("/papers/?page=2000", "unfiltered, page 2000"),
    ("/papers/?venue=BENCH&topic={topic}", "venue + topic filter"),
    ("/api/papers.json?q=memory", "API common word"),
    ("/api/papers.json?q=system4242", "API rare word"),
    ("/api/papers.json?q=memory+cache", "API two words"),
    ("/api/papers.json", "API unfiltered"),
]
# The URLs issue 15's target names (the page-2000 and filter rows are shown for information).
TARGETS = {
    "common word",
    "rare word",
    "two words",
    "unfiltered, page 1",
    "API common word",
    "API rare word",
    "API two words",
    "API unfiltered",
}


def child(url: str, papers: int, repeat: int) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)  # the embedded default: local-memory cache
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from papers.catalogue_import import import_conference_list
    from papers.conference_list import parse
    from papers.models import Topic
    from papers.search.catalogue_version import catalogue_changed

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    import_conference_list(parse(generate(papers)))
    imported = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    topic = Topic.objects.filter(parent__isnull=False).order_by("pk").first().pk
    client = Client(HTTP_HOST="127.0.0.1")
    results = {"vendor": connection.vendor, "import_s": imported, "urls": {}}
    for path, _ in URLS:
        path = path.format(topic=topic)
        timings = []
        for run in range(repeat + 3):
            began = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if run >= 3:  # the first three warm the caches (filter choices, counts)
                timings.append(elapsed)
        timings.sort()
        cold = []
        for _ in range(max(3, repeat // 5)):
            catalogue_changed()
            began = time.perf_counter()
            client.get(path)
            cold.append((time.perf_counter() - began) * 1000)
        results["urls"][path] = {
            "p50": statistics.median(timings),
            "p90": timings[int(len(timings) * 0.9) - 1],
            "cold": statistics.median(cold),
            "found": _count(response),
        }
    return results


def _count(response) -> int | None:
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["count"]
    return None


def run_child(url: str, papers: int, repeat: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", url, "-n", str(papers), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="a PostgreSQL server to bench against too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.papers, args.repeat)))
        return

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(run_child(f"sqlite:///{tmp}/bench.sqlite3", args.papers, args.repeat))
    if args.database_url:
        # scratch_postgres's drop() closes Django's connections: give it settings to read.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
        url, drop = scratch_postgres(args.database_url)
        try:
            runs.append(run_child(url, args.papers, args.repeat))
        finally:
            drop()

    print(f"{args.papers} papers, {args.repeat} requests per URL (after 3 warm-ups), ms")
    print("  import: " + ", ".join(f"{r['vendor']} {r['import_s']:.1f} s" for r in runs))
    header = f"  {'':24}" + "".join(f"{r['vendor']:>30}" for r in runs)
    print(header + "   (p50 / p90 / cold p50, target p50 < 50)")
    for index, (_, label) in enumerate(URLS):
        cells = []
        for run in runs:
            timing = list(run["urls"].values())[index]
            cells.append(f"{timing['p50']:8.1f} / {timing['p90']:6.1f} / {timing['cold']:6.1f}")
        mark = " " if label in TARGETS else "*"
        print(f" {mark}{label:24}" + "".join(f"{cell:>30}" for cell in cells))
    print("  (* not a target URL)")
    targeted = [
        list(r["urls"].values())[index]
        for r in runs
        for index, (_, label) in enumerate(URLS)
        if label in TARGETS
    ]
    worst = max(t["p50"] for t in targeted)
    worst_cold = max(t["cold"] for t in targeted)
    print(f"  worst target p50: {worst:.1f} ms -> {'meets' if worst < 50 else 'MISSES'} the target")
    print(f"  worst target cold p50 (first request after a catalogue change): {worst_cold:.1f} ms")
    print(f"  load average {os.getloadavg()[0]:.1f} (the machine may be shared)")


if __name__ == "__main__":
    main()
