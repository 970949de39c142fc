"""Benchmark: the public schedule pages against a static file of the same size.

    .venv/bin/python bench/schedule_page.py            # 20 terms x 16 sessions, wrk -c10 -d5s
    .venv/bin/python bench/schedule_page.py --terms 320  # 5,120 sessions

Builds a scratch SQLite database with `--terms` terms of `--sessions` sessions (two talks each,
a lead and two supporters, slides and video links), serves the app with gunicorn (2 sync
workers, DEBUG off, WhiteNoise for static files) and measures with wrk (or, without wrk, a
small threaded Python client) for `/`, the current term's page and /api/schedule.json:

* the page itself, as an anonymous repeat visitor without a cached copy (200 from the cache);
* the page with If-None-Match (a browser's repeat visit: 304);
* a static file of exactly the same size, served by the same gunicorn through WhiteNoise.

Targets (issue 15): cached page >= 0.8 x the static file's requests/second, a 304 >= 1.0 x.
The figures are ratios, so the machine's noise mostly cancels out. It also reports the cold
render of every public page (cache cleared before every request, in-process, median), target
under 100 ms at 5,120 sessions.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "Efficient", "Scalable", "Distributed", "Memory", "Cache", "Kernel", "Scheduling", "Serving",
    "Training", "Inference", "Storage", "Network", "Verification", "Compiler", "Runtime",
    "Elastic", "Adaptive", "Secure", "Fast", "Reliable", "Heterogeneous", "Disaggregated",
]  # fmt: skip
NAMES = [
    "Ada Lovelace", "Alan Turing", "Grace Hopper", "Barbara Liskov", "Leslie Lamport",
    "Butler Lampson", "Frances Allen", "Ken Thompson", "Dennis Ritchie", "Radia Perlman",
    "Edsger Dijkstra", "John Ousterhout", "Mendel Rosenblum", "Eric Brewer", "Jeff Dean",
    "Sanjay Ghemawat", "Ion Stoica", "Matei Zaharia", "Robbert van Renesse", "Fred Schneider",
]  # fmt: skip

BENCH_SETTINGS = """
from readinggroup.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STATIC_ROOT = {static_root!r}
"""


def build(terms: int, sessions: int) -> None:
    """Fill the scratch database: the last term runs today, the others before it."""
    import random

    from django.utils import timezone

    from papers.models import Paper, Proceedings, Venue
    from sessions.models import Person, Presenter, Session, Talk, Term

    rng = random.Random(2025)
    sosp = Venue.objects.create(name="SOSP")
    arxiv = Venue.objects.create(name="arXiv", kind=Venue.Kind.PREPRINT)
    proceedings = {
        "sosp": Proceedings.objects.create(venue=sosp, year=2025),
        "arxiv": Proceedings.objects.create(venue=arxiv, year=2025),
    }
    people = Person.objects.bulk_create(
        Person(name=name, affiliation=rng.choice(["", "", "MIT", "THU", "ETH"])) for name in NAMES
    )
    today = timezone.localdate()
    weeks_before = sessions // 2
    first = today - datetime.timedelta(weeks=weeks_before + (terms - 1) * (sessions + 4))
    term_rows, session_rows = [], []
    for t in range(terms):
        start = first + datetime.timedelta(weeks=t * (sessions + 4))
        term_rows.append(
            Term(
                name=f"Term {t + 1}",
                slug=f"term-{t + 1}",
                start_date=start,
                end_date=start + datetime.timedelta(weeks=sessions - 1),
                requirements="- One SOSP/OSDI paper and one arXiv paper per session.\n"
                "- 1 lead + N supporters; at least 45 minutes.",
            )
        )
    term_rows = Term.objects.bulk_create(term_rows)
    for term in term_rows:
        for k in range(sessions):
            session_rows.append(
                Session(
                    term=term,
                    date=term.start_date + datetime.timedelta(weeks=k),
                    start_time=datetime.time(19, 0),
                    place="Room 101",
                )
            )
    session_rows = Session.objects.bulk_create(session_rows)
    papers, talks = [], []
    for index in range(len(session_rows)):
        for position, kind in ((1, "sosp"), (2, "arxiv")):
            title = " ".join(rng.sample(WORDS, 3))
            papers.append(
                Paper(
                    title=f"Sys{index}{position}: {title} for Large Language Model Serving",
                    normalized_title=f"sys{index}{position} {title.lower()}",
                    proceedings=proceedings[kind],
                    arxiv_id=f"25{index % 12 + 1:02d}.{index * 2 + position:05d}",
                )
            )
    papers = Paper.objects.bulk_create(papers)
    for index, session in enumerate(session_rows):
        for position in (1, 2):
            talks.append(
                Talk(
                    session=session,
                    position=position,
                    paper=papers[index * 2 + position - 1],
                    venue_label="SOSP'25" if position == 1 else "arXiv",
                    slides_url=f"https://example.org/slides/{index}-{position}.pdf",
                    video_url=f"https://www.bilibili.com/video/BV{index:06d}?t=1.{position}",
                )
            )
    talks = Talk.objects.bulk_create(talks)
    presenters = []
    for talk in talks:
        for rank, person in enumerate(rng.sample(people, 3)):
            presenters.append(
                Presenter(
                    talk=talk, person=person, role="lead" if rank == 0 else "support", position=rank
                )
            )
    Presenter.objects.bulk_create(presenters)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:  # 304 arrives as an "error"
        return error.code, b"", dict(error.headers)


def run_wrk(url: str, duration: int, headers: dict | None = None) -> tuple[float, float]:
    """Requests per second and median latency (ms) from wrk -c10 -t2."""
    command = ["wrk", "-c10", "-t2", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", output)
    value, unit = float(median.group(1)), median.group(2)
    median_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{output}")
    return rps, median_ms


def run_python(url: str, duration: int, headers: dict | None = None) -> tuple[float, float]:
    """Without wrk: 10 threads in a closed loop, like wrk -c10."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker() -> None:
        local = []
        while time.monotonic() < stop:
            began = time.perf_counter()
            fetch(url, headers)
            local.append(time.perf_counter() - began)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(rps for rps, _ in samples),
        statistics.median(ms for _, ms in samples),
    )


def cold_render_ms(paths: list[str], samples: int = 10, budget: float = 5.0) -> dict[str, float]:
    """Median time to render each page with the cache cleared first (in-process): `samples`
    runs, fewer (at least three) for a page slow enough to spend `budget` seconds."""
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    result = {}
    for path in paths:
        times: list[float] = []
        began_page = time.perf_counter()
        while len(times) < samples and (
            len(times) < 3 or time.perf_counter() - began_page < budget
        ):
            cache.clear()
            began = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, (path, response.status_code)
        result[path] = statistics.median(times) * 1000
    return result


def public_pages() -> list[str]:
    """Every public page of the schedule, for the current (last) term."""
    from sessions.models import Session, Term

    term = Term.objects.order_by("-start_date").first()
    session = Session.objects.filter(term=term).order_by("date").first()
    return [
        "/",
        f"/terms/{term.slug}/",
        f"/sessions/{session.date.isoformat()}/",
        "/api/schedule.json",
        f"/api/schedule.json?term={term.slug}",
        "/feed/",
        f"/terms/{term.slug}/schedule.ics",
        f"/terms/{term.slug}/README.md",
        "/schedule.ics",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="page, 304 and static runs alternate this many times; medians are reported",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="schedule-bench-"))
    static_root = scratch / "static"
    (static_root / "bench").mkdir(parents=True)
    (scratch / "bench_settings.py").write_text(
        BENCH_SETTINGS.format(static_root=str(static_root)), encoding="utf-8"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(scratch), str(ROOT)]),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # the embedded default: local-memory cache per worker
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL")})
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(scratch))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    build(args.terms, args.sessions)
    print(
        f"Built {args.terms} terms x {args.sessions} sessions "
        f"in {time.perf_counter() - began:.1f} s ({scratch})"
    )
    pages_to_render = public_pages()
    cold = cold_render_ms(pages_to_render)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "readinggroup.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(base + "/api/schedule.json")
        pages = {
            "/": "home.html",
            pages_to_render[1]: "term.html",
            "/api/schedule.json": "schedule.json",
        }
        sizes, etags = {}, {}
        for path, static_name in pages.items():
            status, body, headers = fetch(base + path)
            assert status == 200, (path, status)
            sizes[path], etags[path] = len(body), headers["ETag"]
            (static_root / "bench" / static_name).write_bytes(b"x" * len(body))
        # WhiteNoise indexes STATIC_ROOT at start-up: restart so it sees the files.
        server.terminate()
        server.wait(timeout=10)
        server = subprocess.Popen(server.args, cwd=ROOT, env=env)
        wait_for(base + "/static/bench/home.html")

        measure = run_wrk if shutil.which("wrk") else run_python
        tool = "wrk -c10 -t2" if measure is run_wrk else "python, 10 threads"
        print(
            f"gunicorn {args.workers} sync workers; {tool}; {args.duration} s per run, "
            f"median of {args.rounds} rounds; load average {os.getloadavg()[0]:.1f}\n"
        )
        rows = []
        for path, static_name in pages.items():
            static_url = f"{base}/static/bench/{static_name}"
            for url in (base + path, static_url):  # warm every worker's cache
                for _ in range(20):
                    fetch(url)
            status, _, _ = fetch(base + path, {"If-None-Match": etags[path]})
            assert status == 304, (path, status)
            # Alternate the runs so that a busy neighbour on the machine slows all three alike.
            runs: dict[str, list[tuple[float, float]]] = {"page": [], "304": [], "static": []}
            for _ in range(args.rounds):
                runs["page"].append(measure(base + path, args.duration))
                runs["304"].append(
                    measure(base + path, args.duration, {"If-None-Match": etags[path]})
                )
                runs["static"].append(measure(static_url, args.duration))
            page, not_modified, static = (_median(runs[k]) for k in ("page", "304", "static"))
            rows.append((path, sizes[path], page, not_modified, static))

        header = (
            f"{'page':<22}{'bytes':>9}{'page r/s':>10}{'304 r/s':>10}{'static r/s':>12}"
            f"{'page/static':>13}{'304/static':>12}{'p50 page / static':>22}"
        )
        print(header)
        for path, size, page, not_modified, static in rows:
            print(
                f"{path:<22}{size:>9}{page[0]:>10.0f}{not_modified[0]:>10.0f}{static[0]:>12.0f}"
                f"{page[0] / static[0]:>13.2f}{not_modified[0] / static[0]:>12.2f}"
                f"{f'{page[1]:.2f} / {static[1]:.2f} ms':>22}"
            )
        sessions_count = args.terms * args.sessions
        print(f"\nCold render at {sessions_count} sessions (cache cleared each time, median):")
        for path, ms in cold.items():
            print(f"  {path:<40}{ms:>9.1f} ms  {'ok' if ms < 100 else 'OVER 100 ms'}")
        worst_page = min(page[0] / static[0] for _, _, page, _, static in rows)
        worst_304 = min(nm[0] / static[0] for _, _, _, nm, static in rows)
        worst_cold = max(cold.values())
        print(
            f"\nTargets: cached page >= 0.8 x static: worst {worst_page:.2f} "
            f"({'meets' if worst_page >= 0.8 else 'MISSES'}); "
            f"304 >= 1.0 x static: worst {worst_304:.2f} "
            f"({'meets' if worst_304 >= 1.0 else 'MISSES'}); "
            f"cold render < 100 ms: worst {worst_cold:.0f} ms "
            f"({'meets' if worst_cold < 100 else 'MISSES'})"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
