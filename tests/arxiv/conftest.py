from __future__ import annotations

import pytest

from readinggroup.celery import app as celery_app
from tests.arxiv.fake_server import FakeArxiv

# Small enough to keep the tests quick, large enough that spacing is measurable.
INTERVAL = 0.05


@pytest.fixture
def fake_arxiv(settings):
    """A fake arXiv API on 127.0.0.1; the settings point the client at it."""
    with FakeArxiv(style="new", timeout_delay=0.6) as fake:
        settings.ARXIV_API_URL = fake.url
        settings.ARXIV_MIN_INTERVAL = INTERVAL
        settings.ARXIV_TIMEOUT = 0.3
        settings.ARXIV_MAX_ATTEMPTS = 3
        settings.ARXIV_RETRY_BASE = 0.02
        settings.ARXIV_RETRY_MAX = 0.1
        settings.ARXIV_USER_AGENT = "readinggroup-tests/1.0 (mailto:tests@example.org)"
        yield fake


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Run tasks in-process even when REDIS_URL is set (CI), except in the service tests."""
    if request.node.get_closest_marker("services"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
