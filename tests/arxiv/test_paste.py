"""Issue 11: an arXiv paste validates before anything is written, never blocks the request,
and a paper arXiv does not know stays out of the public catalogue until an organiser decides."""

from __future__ import annotations

import pytest
from django.urls import reverse

from papers.models import Paper
from readinggroup.celery import app as celery_app
from tests.factories import PaperFactory, ProceedingsFactory

Status = Paper.FetchStatus
ADD = "/papers/add-arxiv/"


@pytest.fixture
def not_eager():
    """Tasks go to the (in-memory) broker as in production: nothing runs them."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2409.3108", "five digits after the dot"),
        ("https://arxiv.org/abs/2409.3108v2", "five digits after the dot"),
        ("1412.03131", "four digits after the dot"),
        ("2413.03131", "13 is not a month"),
        ("0612.0001", "start in April 2007"),
        ("foo/0112017", "not an arXiv archive"),
        ("cs/011201", "seven digits"),
    ],
)
def test_a_malformed_id_is_refused_with_its_reason_and_changes_nothing(
    client, member, fake_arxiv, text, reason
):
    client.force_login(member)
    response = client.post(ADD, {"arxiv": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a valid arXiv id" in html and reason in html
    assert Paper.objects.count() == 0
    assert fake_arxiv.requests == []


@pytest.mark.django_db
def test_the_post_only_enqueues_when_tasks_are_not_eager(
    client, member, fake_arxiv, not_eager, django_capture_on_commit_callbacks
):
    fake_arxiv.add("2412.03131", title="LeanKV")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(ADD, {"arxiv": "2412.03131"})
    assert response.status_code == 302
    paper = Paper.objects.get()
    # Sent once the paper was committed, to a broker no worker reads here: nothing ran.
    assert len(callbacks) == 1
    assert paper.fetch_status == Status.QUEUED
    assert paper.title == "arXiv:2412.03131"
    assert fake_arxiv.requests == []


@pytest.mark.django_db
def test_with_arxiv_unreachable_the_post_answers_at_once(
    client, member, settings, fake_arxiv, not_eager, django_capture_on_commit_callbacks
):
    # arXiv hangs until the client's timeout, on every attempt: 3 x 2 s inside a request.
    settings.ARXIV_TIMEOUT = 2.0
    fake_arxiv.timeout_delay = 2.5
    fake_arxiv.fail_next("timeout", "timeout", "timeout")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {"arxiv": "2412.03131"})
    assert response.status_code == 302
    assert Paper.objects.get().fetch_status == Status.QUEUED
    # The request never reached arXiv (whose every attempt would have hung for 2.5 s): the
    # proof that it answers at once, without a timing that a busy machine could break.
    assert fake_arxiv.requests == []

    page = client.get(response["Location"])
    assert "Fetching metadata from arXiv" in page.content.decode()


# --- a paper arXiv does not know --------------------------------------------------------


@pytest.fixture
def missing_paper(client, member, fake_arxiv, django_capture_on_commit_callbacks) -> Paper:
    """A member pastes a well-formed id arXiv has no paper for (tasks run eagerly here)."""
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"arxiv": "2501.99999"})
    client.logout()
    paper = Paper.objects.get(arxiv_id="2501.99999")
    assert paper.fetch_status == Status.MISSING
    assert paper.fetch_error == "arXiv has no paper 2501.99999."
    return paper


def _public_views(client, paper: Paper) -> dict[str, object]:
    listing = client.get(reverse("papers:list")).content.decode()
    searched = client.get(reverse("papers:list"), {"q": "99999"}).content.decode()
    arxiv_filter = client.get(reverse("papers:list"), {"venue": "arxiv"}).content.decode()
    api = client.get(reverse("papers:api-list")).json()
    return {
        "list": paper.get_absolute_url() in listing,
        "search": paper.get_absolute_url() in searched,
        "venue": paper.get_absolute_url() in arxiv_filter,
        "api": [result["id"] for result in api["results"]] == [paper.pk],
        "page": client.get(paper.get_absolute_url()).status_code,
    }


@pytest.mark.django_db
def test_a_missing_paper_is_kept_out_of_the_public_catalogue(client, member, missing_paper):
    hidden = {"list": False, "search": False, "venue": False, "api": False, "page": 404}
    assert _public_views(client, missing_paper) == hidden
    client.force_login(member)
    assert client.get(missing_paper.get_absolute_url()).status_code == 404
    # The member who pasted it still sees why, on the status fragment.
    status = client.get(reverse("papers:arxiv_status", args=[missing_paper.pk]))
    assert "arXiv has no paper 2501.99999." in status.content.decode()


@pytest.mark.django_db
def test_an_organiser_sees_it_and_keeps_it_in_the_catalogue(client, organiser, missing_paper):
    client.force_login(organiser)
    page = client.get(missing_paper.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "kept out of the public catalogue" in html
    assert reverse("papers:keep_public", args=[missing_paper.pk]) in html

    response = client.post(reverse("papers:keep_public", args=[missing_paper.pk]))
    assert response.status_code == 302
    client.logout()
    shown = {"list": True, "search": True, "venue": True, "api": True, "page": 200}
    assert _public_views(client, missing_paper) == shown


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "member"])
def test_only_organisers_keep_a_missing_paper(client, request, missing_paper, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("papers:keep_public", args=[missing_paper.pk]))
    assert response.status_code == (403 if who else 302)
    missing_paper.refresh_from_db()
    assert not missing_paper.kept_public


@pytest.mark.django_db
def test_the_admin_action_keeps_missing_papers(client, organiser, missing_paper):
    client.force_login(organiser)
    response = client.post(
        reverse("admin:papers_paper_changelist"),
        {"action": "keep_public", "_selected_action": [missing_paper.pk]},
    )
    assert response.status_code == 302
    missing_paper.refresh_from_db()
    assert missing_paper.kept_public


@pytest.mark.django_db
def test_found_later_it_is_public_again(
    client, member, fake_arxiv, missing_paper, django_capture_on_commit_callbacks
):
    fake_arxiv.add("2501.99999", title="Announced a day late")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"arxiv": "2501.99999"})  # pasting again asks arXiv again
    missing_paper.refresh_from_db()
    assert (missing_paper.fetch_status, missing_paper.title) == (
        Status.FETCHED,
        "Announced a day late",
    )
    client.logout()
    assert client.get(missing_paper.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_proceedings_paper_with_a_wrong_arxiv_link_stays_listed(client):
    paper = PaperFactory(
        proceedings=ProceedingsFactory(),
        arxiv_id="2501.99999",
        fetch_status=Status.MISSING,
        fetch_error="arXiv has no paper 2501.99999.",
    )
    assert client.get(paper.get_absolute_url()).status_code == 200
    assert paper.get_absolute_url() in client.get(reverse("papers:list")).content.decode()
