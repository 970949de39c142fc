"""A fetch the broker cannot take: the paper says so, the request answers, the refresh re-sends.

Issue 12: with Redis down "Add from arXiv" answered 500 after 19 s and left the paper "queued"
for ever (adding it again did nothing, the refresh skipped it for an hour).
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from papers import services
from papers.arxiv import sync
from papers.models import Paper
from readinggroup.celery import app as celery_app
from tests.broker import use_broker
from tests.factories import PaperFactory

Status = Paper.FetchStatus
ADD = "/papers/add-arxiv/"


def arxiv_paper(arxiv_id="2412.03131", **fields) -> Paper:
    fields.setdefault("title", f"arXiv:{arxiv_id}")
    return PaperFactory(arxiv_id=arxiv_id, proceedings=None, **fields)


@pytest.mark.django_db(transaction=True)
def test_add_from_arxiv_with_the_broker_down_answers_at_once_and_says_why(
    client, member, broker_down
):
    client.force_login(member)
    started = time.monotonic()
    response = client.post(ADD, {"arxiv": "2412.03131"})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the request waited {elapsed:.1f} s for the broker"

    paper = Paper.objects.get()
    assert paper.fetch_status == Status.UNQUEUED
    assert "could not be queued" in paper.fetch_error
    html = client.get(response["Location"]).content.decode()
    assert "Waiting for the task queue" in html
    assert "could not be queued" in html
    assert 'hx-trigger="every 2s"' not in html  # nothing to poll for

    # The periodic refresh picks it up at its next run, not an hour later.
    assert list(sync.papers_due_for_refresh().values_list("pk", flat=True)) == [paper.pk]


@pytest.mark.django_db(transaction=True)
def test_adding_it_again_once_the_broker_is_back_queues_it(client, member, broker_down):
    client.force_login(member)
    client.post(ADD, {"arxiv": "2412.03131"})
    assert Paper.objects.get().fetch_status == Status.UNQUEUED

    use_broker("memory://")
    client.post(ADD, {"arxiv": "2412.03131"})
    paper = Paper.objects.get()
    assert paper.fetch_status == Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_the_refresh_with_the_broker_down_leaves_papers_due(broker_down):
    paper = arxiv_paper()
    assert services.queue_refresh() == [paper.pk]
    paper.refresh_from_db()
    assert paper.fetch_status == Status.UNQUEUED
    assert list(sync.papers_due_for_refresh().values_list("pk", flat=True)) == [paper.pk]


@pytest.mark.django_db(transaction=True)
def test_organiser_refetch_with_the_broker_down_warns(client, organiser, broker_down):
    paper = arxiv_paper(fetch_status=Status.FETCHED, fetched_at=timezone.now())
    client.force_login(organiser)
    response = client.post(f"/papers/{paper.pk}/arxiv-refetch/", follow=True)
    assert response.status_code == 200
    assert "could not be queued" in response.content.decode()
    paper.refresh_from_db()
    assert paper.fetch_status == Status.UNQUEUED
    assert paper.fetched_at is not None  # when arXiv last answered is kept


@pytest.mark.django_db
def test_a_lost_task_is_sent_again_after_minutes(client, member):
    now = timezone.now()
    paper = arxiv_paper(fetch_status=Status.QUEUED)
    Paper.objects.filter(pk=paper.pk).update(updated_at=now - datetime.timedelta(minutes=5))
    assert not sync.papers_due_for_refresh(now).exists()
    Paper.objects.filter(pk=paper.pk).update(updated_at=now - datetime.timedelta(minutes=11))
    assert list(sync.papers_due_for_refresh(now).values_list("pk", flat=True)) == [paper.pk]
    # A member pasting the same id meanwhile sends it again too.
    client.force_login(member)
    celery_app.conf.task_always_eager = False
    try:
        client.post(ADD, {"arxiv": paper.arxiv_id})
    finally:
        celery_app.conf.task_always_eager = True
    paper.refresh_from_db()
    assert paper.updated_at > now - datetime.timedelta(minutes=1)


def test_tasks_ack_late_and_come_back_when_a_worker_dies(settings):
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_publish_retry_policy["max_retries"] <= 1
    assert conf.broker_connection_timeout <= 5
    assert float(settings.CELERY_BEAT_SCHEDULE["refresh-arxiv-metadata"]["schedule"]) <= 600


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_real_redis_the_task_waits_in_the_queue(redis_url, client, member):
    import redis

    previous_url = celery_app.conf.broker_url
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    use_broker(redis_url)
    server = redis.Redis.from_url(redis_url)
    server.delete("celery")
    try:
        client.force_login(member)
        client.post(ADD, {"arxiv": "2412.03131"})
        assert Paper.objects.get().fetch_status == Status.QUEUED
        assert server.llen("celery") == 1  # the broker holds it until a worker takes it
    finally:
        server.delete("celery")
        use_broker(previous_url)
        celery_app.conf.task_always_eager = previous_eager
