"""Issue 11 on the lead's talk page: the paper picker refuses a malformed arXiv id (the
catalogue's grammar, papers/identifiers.py) before anything is written, and a well-formed
paste answers at once with the fetch only queued."""

from __future__ import annotations

import pytest
from django.urls import reverse

from papers.arxiv.client import ArxivClient
from papers.models import Paper
from readinggroup.celery import app as celery_app
from sessions import signups
from tests import factories
from tests.members.conftest import person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, member, upcoming_talk):
    signups.assign_presenter(upcoming_talk, person_of(member, "Lena Lead"), "lead")
    client.force_login(member)
    return client


def _pick(lead_client, talk, text: str):
    return lead_client.post(
        reverse("schedule:talk_paper", kwargs={"pk": talk.pk}), {"arxiv": text}, follow=True
    )


def test_a_malformed_id_is_refused_and_the_talk_keeps_its_paper(lead_client, upcoming_talk):
    upcoming_talk.paper = factories.PaperFactory(title="The paper chosen before")
    upcoming_talk.save()
    papers_before = Paper.objects.count()

    response = _pick(lead_client, upcoming_talk, "2409.3108")

    html = response.content.decode()
    assert "“2409.3108” is not a valid arXiv id" in html
    assert "five digits after the dot" in html
    upcoming_talk.refresh_from_db()
    assert upcoming_talk.paper.title == "The paper chosen before"
    assert Paper.objects.count() == papers_before
    assert not Paper.objects.filter(arxiv_id="2409.3108").exists()


def test_a_well_formed_id_answers_at_once_with_the_fetch_queued(
    lead_client, upcoming_talk, django_capture_on_commit_callbacks, monkeypatch
):
    def no_arxiv_in_the_request(*args, **kwargs):
        raise AssertionError("the request talked to arXiv")

    # Every arXiv request goes through the client's _query: the request must not reach it.
    monkeypatch.setattr(ArxivClient, "_query", no_arxiv_in_the_request)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # as on every real setup: a worker fetches
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = _pick(lead_client, upcoming_talk, "https://arxiv.org/abs/2412.03131")
    finally:
        celery_app.conf.task_always_eager = previous
    # One fetch sent on commit (beside other on-commit work such as the schedule's cache bump).
    assert sum("fetch_arxiv_metadata" in repr(callback) for callback in callbacks) == 1
    assert "The paper of this talk is now “arXiv:2412.03131”" in response.content.decode()
    upcoming_talk.refresh_from_db()
    assert upcoming_talk.paper.fetch_status == Paper.FetchStatus.QUEUED
