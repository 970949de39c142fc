"""Real `celery worker` processes for the `services` tests: started on a queue of their own,
against the test database, and stopped (killed if they hang) when the test ends."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from readinggroup.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database as a DATABASE_URL, for a worker process to reach the same rows."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@contextlib.contextmanager
def running_workers(
    queue: str,
    names: list[str],
    env: dict[str, str],
    logs: Path,
    ready_within: float = 30,
    pool: str = "solo",
) -> Iterator[list[Path]]:
    """One worker per name (solo pool, or `pool="prefork"` with one child: task time limits
    need a pool that can interrupt its child), reading only `queue`; yields their log files
    once every one answers a ping. The test fails with the logs' tails if one dies or stays
    silent."""
    processes, log_files = [], []
    for name in names:
        log = logs / f"{name.split('@')[0]}.log"
        log_files.append(log)
        command = [str(Path(sys.executable).parent / "celery"), "-A", "readinggroup", "worker"]
        command += [f"--pool={pool}", "--concurrency=1"]
        command += ["--loglevel=info", "--without-gossip", "--without-mingle"]
        command += ["-Q", queue, "-n", name]
        processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
        )
    try:
        deadline = time.monotonic() + ready_within
        while len(celery_app.control.ping(destination=names, timeout=0.5)) < len(names):
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                output = "\n".join(log.read_text(errors="replace")[-3000:] for log in log_files)
                pytest.fail(f"Celery workers did not come up:\n{output}")
        yield log_files
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
