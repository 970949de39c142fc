"""SQLite, the embedded default, serves concurrent writers (issue 12).

Fifty members race for the lead of one talk, each on a connection of its own, against a real
SQLite file with the app's own settings: exactly one wins, the others get the "already leads"
message, and nobody gets "database is locked" (before WAL, the busy timeout and IMMEDIATE
transactions, several racers per round did).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.test_settings import ROOT, SCRUBBED, run_manage


def test_fifty_writers_racing_for_one_lead_get_one_lead_and_no_errors(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "CELERY_DATA_DIR": str(tmp_path / "celery"),
    }
    migrated = run_manage("migrate", "-v0", **env)
    assert migrated.returncode == 0, migrated.stderr
    environment = {k: v for k, v in os.environ.items() if k not in SCRUBBED} | env
    result = subprocess.run(
        [sys.executable, "tests/robustness/sqlite_race.py", "50", "4"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    rounds = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rounds) == 4
    for round_ in rounds:
        assert round_["crashed"] == 0, round_["errors"]
        assert (round_["won"], round_["lost"], round_["leads"]) == (1, 49, 1)


def test_sqlite_connections_use_wal_and_wait_for_the_write_lock(tmp_path):
    code = (
        "from django.db import connection as c; c.ensure_connection();"
        "cur = c.cursor(); cur.execute('PRAGMA journal_mode'); print(cur.fetchone()[0]);"
        "cur.execute('PRAGMA busy_timeout'); print(cur.fetchone()[0]);"
        "print(c.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        SQLITE_BUSY_TIMEOUT="7",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "7000", "IMMEDIATE"]
