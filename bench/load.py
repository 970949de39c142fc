"""Load test: members signing up and withdrawing beside anonymous readers, and lead races.

    .venv/bin/python bench/load.py                       # SQLite (a scratch file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/load.py
        # SQLite, then PostgreSQL: in a scratch database made beside NAME and dropped after
        # (NAME itself is never touched)

For each database: migrate, seed (a term of upcoming talks, 20 + 50 member accounts with
signed-in sessions), serve the app with gunicorn (2 sync workers, DEBUG off) on 127.0.0.1 and
run, bounded in time and count:

* mixed: `--members` members each signing up as lead of one of 5 talks and withdrawing, over
  and over, for `--seconds`, beside `--readers` anonymous readers of `/`;
* race: `--rounds` rounds of `--racers` members POSTing a lead sign-up for one talk at once.

Prints per database and phase: requests, errors (5xx or no answer), p50 and p99 latency, and
for the race the leads per talk (must be exactly 1). Everything runs against 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
MAX_REQUESTS = 50_000  # a hard stop whatever the timing

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from import_papers import scratch_postgres  # noqa: E402

# --- seeding: runs inside Django (this file with --seed) -------------------------------------


def seed(members: int, racers: int, rounds: int) -> None:
    import datetime

    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from sessions.models import Person, Session, Talk, Term

    call_command("flush", interactive=False, verbosity=0)
    today = timezone.localdate()
    term = Term.objects.create(
        name="Load", slug="load", start_date=today, end_date=today + datetime.timedelta(days=90)
    )

    def talk(days: int) -> int:
        session = Session.objects.create(term=term, date=today + datetime.timedelta(days=days))
        return Talk.objects.create(session=session, position=1, title=f"Talk in {days} days").pk

    User = get_user_model()
    password = "!"  # unusable: these accounts only ever come in through the planted sessions

    def signed_in(name: str) -> str:
        user = User.objects.create(username=name, password=password)
        Person.objects.create(user=user, name=name.title())
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    out = {
        "mixed_talks": [talk(7 + i) for i in range(5)],
        "race_talks": [talk(14 + i) for i in range(rounds)],
        "members": [signed_in(f"member{i}") for i in range(members)],
        "racers": [signed_in(f"racer{i}") for i in range(racers)],
    }
    print(json.dumps(out))


def leads(talk_ids: list[int]) -> None:
    import django

    django.setup()
    from sessions.models import Presenter

    counts = {t: Presenter.objects.filter(talk_id=t, role="lead").count() for t in talk_ids}
    print(json.dumps(counts))


# --- the client ---------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[tuple[int, float]]] = {}
        self.failures: dict[str, list[str]] = {}

    def add(self, phase: str, status: int, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.samples.setdefault(phase, []).append((status, seconds))
            if status >= 500 or status == 0:
                self.failures.setdefault(phase, []).append(detail or str(status))

    def total(self) -> int:
        return sum(len(v) for v in self.samples.values())


def request(
    port: int, method: str, path: str, session: str = "", body: str = ""
) -> tuple[int, str]:
    token = "a" * 32
    headers = {"Host": "127.0.0.1"}
    if session:
        headers["Cookie"] = f"sessionid={session}; csrftoken={token}"
    if method == "POST":
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": token,
            "HX-Request": "true",
        }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, text
    finally:
        conn.close()


def timed(rec: Recorder, phase: str, port: int, method: str, path: str, **kw) -> int:
    started = time.monotonic()
    try:
        status, text = request(port, method, path, **kw)
        detail = text[:200] if status >= 500 else ""
    except OSError as exc:
        status, detail = 0, repr(exc)
    rec.add(phase, status, time.monotonic() - started, detail)
    return status


def mixed(port: int, seeded: dict, seconds: float, readers: int, rec: Recorder) -> None:
    deadline = time.monotonic() + seconds
    talks = seeded["mixed_talks"]

    def member(index: int, session: str) -> None:
        talk = talks[index % len(talks)]
        while time.monotonic() < deadline and rec.total() < MAX_REQUESTS:
            timed(
                rec,
                "mixed: sign-up/withdraw",
                port,
                "POST",
                f"/talks/{talk}/signup/",
                session=session,
                body="role=lead",
            )
            timed(
                rec,
                "mixed: sign-up/withdraw",
                port,
                "POST",
                f"/talks/{talk}/withdraw/",
                session=session,
            )

    def reader() -> None:
        while time.monotonic() < deadline and rec.total() < MAX_REQUESTS:
            timed(rec, "mixed: anonymous GET /", port, "GET", "/")

    threads = [
        threading.Thread(target=member, args=(i, s)) for i, s in enumerate(seeded["members"])
    ]
    threads += [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)


def race(port: int, seeded: dict, rec: Recorder) -> None:
    for talk in seeded["race_talks"]:
        barrier = threading.Barrier(len(seeded["racers"]))

        def racer(session: str, talk: int = talk, barrier: threading.Barrier = barrier) -> None:
            barrier.wait(timeout=60)
            timed(
                rec,
                f"race: {len(seeded['racers'])} x lead sign-up",
                port,
                "POST",
                f"/talks/{talk}/signup/",
                session=session,
                body="role=lead",
            )

        threads = [threading.Thread(target=racer, args=(s,)) for s in seeded["racers"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)


# --- one database -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def run(label: str, database_url: str, args: argparse.Namespace, scratch: Path) -> list[tuple]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ENV"}}
    env |= {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_DATA_DIR": str(scratch / "celery"),
        "MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_SETTINGS_MODULE": "readinggroup.settings",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "manage.py", "migrate", "-v0")
    racers = args.racers
    seeded = json.loads(
        manage(
            env, __file__, "--seed", str(args.members), str(racers), str(args.rounds)
        ).splitlines()[-1]
    )
    port = free_port()
    log = open(scratch / f"gunicorn-{label}.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [
            GUNICORN,
            "readinggroup.wsgi",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=log,
    )
    try:
        for _ in range(200):
            try:
                if request(port, "GET", "/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit(f"gunicorn did not answer; see {scratch}/gunicorn-{label}.log")
        rec = Recorder()
        mixed(port, seeded, args.seconds, args.readers, rec)
        race(port, seeded, rec)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    lead_counts = json.loads(manage(env, __file__, "--leads", *map(str, seeded["race_talks"])))
    rows = []
    for phase, samples in rec.samples.items():
        times = sorted(s for _, s in samples)
        errors = sum(1 for status, _ in samples if status >= 500 or status == 0)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        rows.append((label, phase, len(samples), errors, statistics.median(times), p99))
        for detail in rec.failures.get(phase, [])[:3]:
            print(f"  {label} {phase}: {detail!r}")
    rows.append((label, "race: leads per talk", list(lead_counts.values())))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--racers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    args.seconds = min(args.seconds, 120)
    args.members, args.racers = min(args.members, 100), min(args.racers, 100)
    args.rounds = min(args.rounds, 20)

    targets = []
    if args.only in (None, "sqlite"):
        targets.append(("sqlite", None))
    postgres = os.environ.get("DATABASE_URL", "")
    if args.only in (None, "postgresql"):
        if postgres.startswith("postgres"):
            targets.append(("postgresql", postgres))
        else:
            print("PostgreSQL skipped: set DATABASE_URL=postgres://... (a scratch db is made)")
    rows = []
    for label, url in targets:
        with tempfile.TemporaryDirectory(prefix=f"load-{label}-") as tmp:
            scratch = Path(tmp)
            if url is None:
                rows += run(label, f"sqlite:///{scratch / 'load.sqlite3'}", args, scratch)
                continue
            # drop() closes Django's connections: give it settings to read.
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
            url, drop = scratch_postgres(url)
            try:
                rows += run(label, url, args, scratch)
            finally:
                drop()
    print(
        f"\n{'database':<11} {'phase':<28} {'requests':>8} {'errors':>6}"
        f" {'p50 ms':>7} {'p99 ms':>7}"
    )
    for row in rows:
        if len(row) == 3:
            print(f"{row[0]:<11} {row[1]:<28} {row[2]}")
        else:
            label, phase, count, errors, p50, p99 = row
            print(
                f"{label:<11} {phase:<28} {count:>8} {errors:>6}"
                f" {p50 * 1000:>7.0f} {p99 * 1000:>7.0f}"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--seed":
        seed(*map(int, sys.argv[2:5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--leads":
        leads(list(map(int, sys.argv[2:])))
    else:
        main()
