"""Settings come from the environment; production passes Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The test process's own settings (and its async-unsafe switch for Playwright) stay out.
SCRUBBED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "SECRET_KEY", "DEBUG"}
SCRUBBED |= {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_passes_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="reading.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_queues_tasks_on_the_filesystem_and_caches_in_memory(tmp_path):
    # Issue 11: the fetch runs in the background on the embedded default too (a worker beside
    # the web server on kombu's filesystem transport), no longer inside the request.
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = run_manage("shell", "-c", code, CELERY_DATA_DIR=str(tmp_path / "celery"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        "django.db.backends.sqlite3",
        "False",
        "filesystem://",
        "LocMemCache",
    ]
    assert (tmp_path / "celery" / "queue").is_dir()


def test_services_come_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somewhere",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == [
        "django.db.backends.postgresql",
        "somewhere",
        "False",
        "redis://127.0.0.1:6379/3",
        "django.core.cache.backends.redis.RedisCache",
    ]
