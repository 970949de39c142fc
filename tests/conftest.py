"""Shared fixtures: users by role, a Playwright browser, and the service checks.

Tests that need Chromium, PostgreSQL, Redis or a Celery worker skip when the piece is absent,
unless REQUIRE_BROWSER=1 / REQUIRE_SERVICES=1 (CI sets both), where a missing piece fails.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FIXTURES = Path(__file__).parent / "fixtures"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

# "Now" for every test that reads today: a Thursday morning (UTC) in a term, far from midnight.
# Mark a module or test `pytest.mark.time_machine(FROZEN_NOW)` (time-machine's marker: the clock
# starts there and ticks), so that what it expects is computed on the same day the app sees,
# whatever day the suite runs. tests/schedule/test_any_day.py walks the pages through a week.
# Browser tests run on the real clock: Chromium drops cookies that expire before its own now.
FROZEN_NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


def missing(flag: str, reason: str) -> None:
    """Skip for a developer; fail in CI, where `flag` says the piece must be there."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason}, and {flag}=1 says it must be there", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per password; the tests are about rules, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_real_arxiv(settings):
    # No test may reach the real arXiv: a closed local port refuses at once. The arXiv tests
    # point ARXIV_API_URL at their fake server.
    settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"


@pytest.fixture(autouse=True, scope="session")
def broker_in_memory():
    """No test depends on a worker: without REDIS_URL a task sent (not run eagerly) waits in
    memory instead of in the filesystem queue `make run`'s worker reads. Tests that need a task
    to run turn on task_always_eager (tests/arxiv does for all of its tests)."""
    if os.environ.get("REDIS_URL"):
        yield
        return
    from readinggroup.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "memory://"
    yield
    app.conf.broker_url = previous


@pytest.fixture(autouse=True)
def empty_cache():
    # Each test rolls its database back, which no cache version sees: cached catalogue
    # choices and counts (keyed on the catalogue's version) must not leak into the next test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    # A request through LocaleMiddleware leaves its language active in the thread: a test that
    # browsed in Chinese must not make the next test's services speak Chinese.
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def member(db):
    return factories.UserFactory(username="member")


@pytest.fixture
def other_member(db):
    return factories.UserFactory(username="other")


@pytest.fixture
def organiser(db):
    return factories.OrganiserFactory(username="organiser")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing("REQUIRE_SERVICES", "REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing("REQUIRE_SERVICES", f"Redis at {url} is not reachable ({exc})")
    return url


@pytest.fixture
def postgres(db) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("REQUIRE_SERVICES", "needs PostgreSQL (set DATABASE_URL=postgres://...)")


# --- Browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        missing("REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("REQUIRE_BROWSER", "the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    # The assertions' wait too (5 s by default): on a busy CI machine a search-as-you-type
    # answer can take longer than that to land.
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(live_server, settings):
    """Sign a browser context in as `user` by planting a real session cookie."""
    from django.test import Client

    def sign_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture
def screenshot():
    """Save a full-page PNG under screenshots/ so a person can look at the page."""

    def take(page, name: str) -> Path:
        from playwright.sync_api import Error as PlaywrightError

        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError:
            # Chromium sometimes cannot capture a full page on a loaded machine ("Unable to
            # capture screenshot"); the visible part is still worth keeping, and a second
            # failure is real.
            page.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def cache_down(settings):
    """The shared cache is a Redis nobody listens on: every cache call is a refused
    connection."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }


@pytest.fixture
def broker_down():
    """A broker that refuses every connection; tasks are not run eagerly."""
    from readinggroup.celery import app
    from tests.broker import CLOSED_BROKER, use_broker

    previous_url = app.conf.broker_url
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    use_broker(CLOSED_BROKER)
    yield
    use_broker(previous_url)
    app.conf.task_always_eager = previous_eager
