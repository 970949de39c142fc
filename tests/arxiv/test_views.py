"""Add-from-arXiv page, status fragment and re-fetch: every view x anonymous/member/organiser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from papers.models import Paper
from tests.factories import PaperFactory

Status = Paper.FetchStatus
ADD = "/papers/add-arxiv/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/papers/add-arxiv/"}


def arxiv_paper(arxiv_id="2412.03131", **fields) -> Paper:
    fields.setdefault("title", f"arXiv:{arxiv_id}")
    return PaperFactory(arxiv_id=arxiv_id, proceedings=None, **fields)


def test_urls():
    assert reverse("papers:add_arxiv") == ADD
    assert reverse("papers:arxiv_status", args=[7]) == "/papers/7/arxiv-status/"
    assert reverse("papers:arxiv_refetch", args=[7]) == "/papers/7/arxiv-refetch/"


# --- the add page ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_add_page_anonymous_goes_to_login(client, method):
    response = getattr(client, method)(ADD, {"arxiv": "2412.03131"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Paper.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "organiser"])
def test_add_page_form_for_members_and_organisers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(ADD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Add paper from arXiv" in html
    assert 'name="arxiv"' in html and "csrfmiddlewaretoken" in html


@pytest.mark.django_db
def test_paste_a_link_creates_the_paper_and_shows_it_polling(
    client, member, fake_arxiv, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(ADD, {"arxiv": " https://arxiv.org/abs/2412.03131v2 "})
    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.title, paper.fetch_status) == (
        "2412.03131",
        "arXiv:2412.03131",
        Status.QUEUED,
    )
    assert len(callbacks) == 1  # the fetch goes out once the transaction commits
    assert response.status_code == 302
    assert response["Location"] == f"{ADD}?paper={paper.pk}"

    html = client.get(response["Location"]).content.decode()
    assert "arXiv:2412.03131" in html
    assert f'hx-get="/papers/{paper.pk}/arxiv-status/?title=1"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Queued" in html


@pytest.mark.django_db
def test_pasting_a_known_paper_finds_it(client, member, fake_arxiv):
    paper = arxiv_paper(title="LeanKV", fetch_status=Status.FETCHED, arxiv_version=1)
    client.force_login(member)
    response = client.post(ADD, {"arxiv": "arXiv:2412.03131"})
    assert response["Location"] == f"{ADD}?paper={paper.pk}"
    assert Paper.objects.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "LeanKV" in html
    assert "hx-trigger" not in html  # fetched already: nothing to poll


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "not an id", "https://example.org/abs/2412.03131"])
def test_bad_input_is_explained_and_changes_nothing(client, member, text):
    client.force_login(member)
    response = client.post(ADD, {"arxiv": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "arXiv id" in html
    assert Paper.objects.count() == 0


# --- the status fragment ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "member", "organiser"])
def test_status_fragment_polls_only_while_queued(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    paper = arxiv_paper(fetch_status=Status.QUEUED)
    url = reverse("papers:arxiv_status", args=[paper.pk])

    html = client.get(url, **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{url}"' in html
    assert "Re-fetch" not in html  # nothing to re-do while a fetch is on its way

    Paper.objects.filter(pk=paper.pk).update(fetch_status=Status.FETCHED, title="LeanKV")
    response = client.get(f"{url}?title=1", **HTMX)
    html = response.content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "LeanKV" in html and "Fetched" in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert ("Re-fetch from arXiv" in html) == (who == "organiser")


@pytest.mark.django_db
def test_status_fragment_shows_the_failure(client):
    paper = arxiv_paper(
        fetch_status=Status.FAILED, fetch_error="arXiv has no paper 2412.03131.", fetch_attempts=3
    )
    response = client.get(reverse("papers:arxiv_status", args=[paper.pk]), **HTMX)
    html = response.content.decode()
    assert "arXiv has no paper 2412.03131." in html
    assert "3 failed attempts in a row" in html
    assert "hx-trigger" not in html
    # On the paper page the finished fetch reloads the page around it once.
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_status_fragment_of_a_missing_paper_is_404(client):
    assert client.get(reverse("papers:arxiv_status", args=[999])).status_code == 404


# --- re-fetch --------------------------------------------------------------------------


@pytest.mark.django_db
def test_refetch_anonymous_goes_to_login_and_member_is_refused(client, member):
    paper = arxiv_paper(fetch_status=Status.FAILED)
    url = reverse("papers:arxiv_refetch", args=[paper.pk])

    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(member)
    assert client.post(url).status_code == 403
    paper.refresh_from_db()
    assert paper.fetch_status == Status.FAILED


@pytest.mark.django_db
def test_refetch_is_post_only(client, organiser):
    client.force_login(organiser)
    paper = arxiv_paper()
    assert client.get(reverse("papers:arxiv_refetch", args=[paper.pk])).status_code == 405


@pytest.mark.django_db
def test_refetch_by_organiser_without_js(
    client, organiser, fake_arxiv, django_capture_on_commit_callbacks
):
    fake_arxiv.add("2412.03131", title="LeanKV, fetched")
    paper = arxiv_paper(fetch_status=Status.FAILED, fetch_error="arXiv was down")
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("papers:arxiv_refetch", args=[paper.pk]), {"next": "https://evil.example/"}
        )
    assert response.status_code == 302
    assert response["Location"] == paper.get_absolute_url()  # foreign next is ignored
    paper.refresh_from_db()
    assert (paper.fetch_status, paper.title, paper.fetch_error) == (
        Status.FETCHED,
        "LeanKV, fetched",
        "",
    )


@pytest.mark.django_db
def test_refetch_by_organiser_with_htmx_answers_the_fragment(
    client, organiser, fake_arxiv, django_capture_on_commit_callbacks
):
    paper = arxiv_paper(fetch_status=Status.FETCHED)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("papers:arxiv_refetch", args=[paper.pk]), {"title": "1"}, **HTMX
        )
    assert len(callbacks) == 1
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="fetch-status-{paper.pk}"' in html
    assert 'hx-trigger="every 2s"' in html  # queued: the fragment now polls
    assert "HX-Request" in response["Vary"]
    assert "HX-Refresh" not in response


@pytest.mark.django_db
def test_refetch_of_a_paper_without_arxiv_id(client, organiser):
    paper = PaperFactory(title="A conference paper")
    client.force_login(organiser)
    response = client.post(reverse("papers:arxiv_refetch", args=[paper.pk]), follow=True)
    assert "This paper has no arXiv id to fetch." in response.content.decode()
    paper.refresh_from_db()
    assert paper.fetch_status == Status.NEVER


# --- the paper page (the catalogue's) includes the status ------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "member", "organiser"])
def test_paper_page_shows_status_and_refetch_for_organisers(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    paper = arxiv_paper(fetch_status=Status.FAILED, fetch_error="arXiv API gave no answer")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert f'id="fetch-status-{paper.pk}"' in html
    assert "arXiv API gave no answer" in html
    has_button = f'action="/papers/{paper.pk}/arxiv-refetch/"' in html
    assert has_button == (who == "organiser")


# --- the admin action ------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_action_fetches_the_selected_papers(
    client, organiser, fake_arxiv, django_capture_on_commit_callbacks
):
    fake_arxiv.add("2412.03131", title="LeanKV, from arXiv")
    organiser.is_staff = True
    organiser.save()
    with_id = arxiv_paper(fetch_status=Status.FAILED)
    without = PaperFactory(title="A conference paper")
    client.force_login(organiser)
    changelist = reverse("admin:papers_paper_changelist")
    assert "Fetch arXiv metadata" in client.get(changelist).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "fetch_arxiv_metadata", "_selected_action": [with_id.pk, without.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "Queued 1 paper for an arXiv metadata fetch. 1 without an arXiv id left out." in html
    with_id.refresh_from_db()
    assert (with_id.fetch_status, with_id.title) == (Status.FETCHED, "LeanKV, from arXiv")
    without.refresh_from_db()
    assert without.fetch_status == Status.NEVER
