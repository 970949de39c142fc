"""The database never makes a request hang (issue 12): connect and statement timeouts."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.test_settings import run_manage


@pytest.fixture
def silent_server():
    """A local address that accepts connections and never says a word (bounded: 60 s)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(60)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    for conn in accepted:
        conn.close()


def test_a_postgresql_address_that_never_answers_fails_within_the_connect_timeout(
    silent_server, tmp_path
):
    code = (
        "import time; from django.db import connection; t = time.monotonic()\n"
        "try:\n    connection.ensure_connection()\n"
        "except Exception as exc:\n    print(type(exc).__name__, round(time.monotonic() - t, 1))"
    )
    started = time.monotonic()
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DATABASE_URL=f"postgres://nobody@127.0.0.1:{silent_server}/nothing",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        DB_CONNECT_TIMEOUT="2",
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    name, seconds = result.stdout.split()
    assert name == "OperationalError"
    assert 1.5 <= float(seconds) < 6, seconds  # the timeout, not libpq's "wait forever"
    assert elapsed < 20


@pytest.mark.services
def test_postgresql_connections_carry_the_statement_timeout(postgres, settings):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{int(settings.DB_STATEMENT_TIMEOUT)}s"
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
