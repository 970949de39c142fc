"""docker-compose.yml, Dockerfile and .env.example, read as files (no Docker engine runs here)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def command_text(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line.startswith("#"):
            line = line.lstrip("# ")
            if not re.match(r"^[A-Z_]+=", line):
                continue
        if "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_the_five_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")
    for name in ("postgres", "redis"):
        assert compose["services"][name]["healthcheck"]["test"]


def test_app_services_share_one_image_built_from_the_dockerfile(compose):
    images = set()
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["build"] in (".", {"context": "."})
        images.add(service["image"])
        assert service["env_file"] == ".env"
        assert service["restart"] == "unless-stopped"
    assert len(images) == 1
    assert (ROOT / "Dockerfile").exists()


def test_web_migrates_then_serves_with_gunicorn(compose):
    web = compose["services"]["web"]
    command = command_text(web)
    assert command.index("manage.py migrate --noinput") < command.index("gunicorn")
    assert "exec gunicorn readinggroup.wsgi:application --bind 0.0.0.0:8000" in command
    assert web["ports"] == ["${WEB_PORT:-8000}:8000"]
    for dependency in ("postgres", "redis"):
        assert web["depends_on"][dependency]["condition"] == "service_healthy"
    # The module gunicorn loads (not imported here: that would build the whole app).
    assert "application = get_wsgi_application()" in (ROOT / "readinggroup/wsgi.py").read_text()


def test_worker_and_beat_run_celery_for_the_project(compose):
    worker = shlex.split(command_text(compose["services"]["worker"]))
    beat = shlex.split(command_text(compose["services"]["beat"]))
    assert worker[:4] == ["celery", "-A", "readinggroup", "worker"]
    assert beat[:4] == ["celery", "-A", "readinggroup", "beat"]
    # Only web migrates; the others start after it and after their services are healthy.
    for name in ("worker", "beat"):
        service = compose["services"][name]
        assert "migrate" not in command_text(service)
        assert service["depends_on"]["web"]["condition"] == "service_started"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    from readinggroup.celery import app

    assert app.main == "readinggroup"


def test_environment_points_at_the_compose_services(compose):
    postgres = compose["services"]["postgres"]["environment"]
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        user, db = postgres["POSTGRES_USER"], postgres["POSTGRES_DB"]
        assert env["DATABASE_URL"].startswith(f"postgres://{user}:${{POSTGRES_PASSWORD")
        assert env["DATABASE_URL"].endswith(f"@postgres:5432/{db}")
    assert compose["services"]["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "media"}


def test_env_example_covers_what_compose_and_production_need(compose):
    example = env_example()
    raw = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", raw)) | set(re.findall(r"\$\$\{([A-Z_]+)", raw))
    assert used <= set(example), used - set(example)
    for required in ("SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"):
        assert example[required]
    # Every other key is one the settings actually read.
    settings_source = (ROOT / "readinggroup" / "settings.py").read_text()
    compose_only = {"POSTGRES_PASSWORD", "WEB_PORT", "WEB_CONCURRENCY"}
    for key in set(example) - compose_only:
        assert f'"{key}"' in settings_source, f"{key} is not read by readinggroup/settings.py"


def test_dockerfile_installs_collects_static_and_drops_root(dockerfile):
    assert re.search(r"^FROM python:3\.1[1-9]", dockerfile, re.MULTILINE)
    assert "COPY requirements/main.txt /tmp/requirements.txt" in dockerfile
    assert "pip install --require-hashes -r /tmp/requirements.txt" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert "EXPOSE 8000" in dockerfile
    assert "gunicorn" in dockerfile.split("CMD", 1)[1]


def test_whitenoise_serves_static_and_the_production_manifest_builds(settings, tmp_path):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("css/app.*.css"))
