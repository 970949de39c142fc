"""The planner's pages and JSON: what they show, what they change, pinned query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from papers.models import Paper
from planner import nominations, swaps
from planner.models import Nomination, SwapRequest, Unavailability, Vote
from sessions.models import Presenter
from tests import factories
from tests.planner.conftest import arxiv, lead, member_person, session, sosp, topic

NEXT = datetime.date(2025, 10, 7)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def ann(db):
    person = member_person("ann", "Ann")
    return person


@pytest.fixture
def ann_client(client, ann):
    client.force_login(ann.user)
    return client


@pytest.fixture
def organiser_client(client, organiser):
    member_person(organiser.username)
    client.force_login(organiser)
    return client


@pytest.fixture
def taxonomy(db):
    llm = topic("LLM")
    return {"llm": llm, "inference": topic("LLM Inference", llm), "gpu": topic("GPU")}


# --- the queue ----------------------------------------------------------------------------


def test_queue_lists_by_votes_with_venue_topics_and_presented(client, ann, taxonomy):
    bob = member_person("bob", "Bob")
    jenga = sosp("Jenga", [taxonomy["inference"]])
    kimi = arxiv("Kimi Linear")
    nominations.nominate(kimi, ann, "linear attention")
    nominations.vote(nominations.nominate(jenga, ann)[0], bob)
    old = factories.SessionFactory(date=datetime.date(2024, 5, 7))
    factories.TalkFactory(session=old, paper=jenga)
    page = client.get(reverse("planner:queue")).content.decode()
    assert page.index("Jenga") < page.index("Kimi Linear")
    assert "SOSP&#x27;25" in page or "SOSP'25" in page
    assert "LLM \u203a LLM Inference" in page
    assert "presented 7 May 2024" in page
    assert "“linear attention”" in page
    assert "Sign in" in page and "Vote" not in page.split("Open queue")[1]


def test_nominate_from_the_catalogue_and_by_arxiv_link(ann_client, ann):
    paper = sosp("Jenga")
    response = ann_client.post(reverse("planner:nominate"), {"paper": paper.pk, "reason": "hi"})
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.paper, nomination.nominated_by, nomination.reason) == (paper, ann, "hi")
    assert Vote.objects.filter(nomination=nomination, person=ann).exists()
    known = arxiv("Known", arxiv_id="2503.18292")
    ann_client.post(reverse("planner:nominate"), {"arxiv": "arXiv:2503.18292"})
    assert Nomination.objects.filter(paper=known).exists()


def test_a_bad_arxiv_id_is_refused_with_a_message_and_nothing_changes(ann_client):
    response = ann_client.post(reverse("planner:nominate"), {"arxiv": "2409.3108x"}, headers=HTMX)
    assert "not an arXiv id" in response.content.decode()
    assert not Nomination.objects.exists() and not Paper.objects.exists()


def test_vote_and_withdraw_in_place(ann_client, ann):
    bob = member_person("bob")
    nomination, _ = nominations.nominate(sosp("Jenga"), bob)
    url = reverse("planner:vote", args=[nomination.pk])
    response = ann_client.post(url, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert html.lstrip().startswith(f'<li class="card queue-row" id="nomination-{nomination.pk}"')
    assert "Withdraw vote" in html and "<strong>2</strong>" in html
    ann_client.post(url, {"withdraw": "1"}, headers=HTMX)
    assert Vote.objects.filter(nomination=nomination).count() == 1
    # Without JavaScript: a redirect back to the queue.
    response = ann_client.post(url)
    assert response.status_code == 302 and Vote.objects.count() == 2


def test_organiser_schedules_a_nomination_in_one_click(organiser_client, ann):
    term = factories.TermFactory()
    talk = session(term, NEXT).talks.get(position=1)
    nomination, _ = nominations.nominate(sosp("Jenga"), ann)
    page = organiser_client.get(reverse("planner:queue")).content.decode()
    assert f'<option value="{talk.pk}">7 Oct · Topic I</option>' in page
    organiser_client.post(reverse("planner:schedule", args=[nomination.pk]), {"talk": talk.pk})
    talk.refresh_from_db()
    assert talk.paper == nomination.paper
    page = organiser_client.get(reverse("planner:queue")).content.decode()
    assert "Nothing in the queue yet" in page and "scheduled 7 Oct 2025" in page


def test_queue_page_query_count_is_constant(ann_client, ann, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            paper = sosp(f"p{Paper.objects.count()}", [factories.TopicFactory()])
            nominations.nominate(paper, member_person(f"u{Paper.objects.count()}"))

    grow(2)
    with django_assert_num_queries(8) as small:
        ann_client.get(reverse("planner:queue"))
    grow(10)
    with django_assert_num_queries(len(small.captured_queries)):
        ann_client.get(reverse("planner:queue"))


# --- My talks: availability and swaps -------------------------------------------------------


def test_availability_toggles_in_place(ann_client, ann):
    s = session(factories.TermFactory(), NEXT)
    page = ann_client.get(reverse("schedule:me"), follow=True).content.decode()
    assert f'id="availability-{s.pk}"' in page and "coming" in page
    url = reverse("planner:availability", args=[s.pk])
    html = ann_client.post(url, {"available": "0"}, headers=HTMX).content.decode()
    assert "away" in html and "I can come after all" in html
    assert Unavailability.objects.filter(person=ann, session=s).exists()
    ann_client.post(url, {"available": "1"})
    assert not Unavailability.objects.exists()


def test_swap_request_accept_and_the_dashboard_shows_it(client, ann, organiser):
    bob = member_person("bob", "Bob")
    talk = session(factories.TermFactory(), NEXT).talks.first()
    row = lead(talk, ann)
    client.force_login(ann.user)
    page = client.get(reverse("schedule:me"), follow=True).content.decode()
    assert "Hand a talk to someone else" in page
    client.post(reverse("planner:swap_request", args=[row.pk]), {"to": bob.pk})
    swap = SwapRequest.objects.get()
    client.force_login(bob.user)
    page = client.get(reverse("schedule:me"), follow=True).content.decode()
    assert "Ann asks you to take their place as lead of Topic I" in page
    client.post(reverse("planner:swap_answer", args=[swap.pk, "accept"]))
    assert Presenter.objects.get(pk=row.pk).person == bob
    client.force_login(organiser)
    page = client.get(reverse("schedule:organiser_term", args=[talk.session.term.slug]))
    assert "Ann → Bob (lead) — <strong>Accepted</strong>" in page.content.decode()


def test_someone_else_cannot_answer_or_ask(client, ann):
    bob, cat = member_person("bob"), member_person("cat")
    talk = session(factories.TermFactory(), NEXT).talks.first()
    swap = swaps.request_swap(lead(talk, ann), bob)
    client.force_login(cat.user)
    assert client.post(reverse("planner:swap_answer", args=[swap.pk, "accept"])).status_code == 403
    assert client.post(reverse("planner:swap_request", args=[swap.presenter_id])).status_code == 403
    client.force_login(bob.user)
    response = client.post(reverse("planner:swap_answer", args=[swap.pk, "nonsense"]))
    assert response.status_code == 302
    assert SwapRequest.objects.get().status == "pending"


# --- the dashboard and the JSON --------------------------------------------------------------


def pool(taxonomy, n):
    for i in range(n):
        sosp(f"Conf {i} {Paper.objects.count()}", [taxonomy["inference"]])
        arxiv(f"Preprint {i} {Paper.objects.count()}", [taxonomy["inference"]])


def test_dashboard_suggests_pairs_and_leads_and_one_click_applies(organiser_client, taxonomy):
    term = factories.TermFactory()
    s = session(term, NEXT)
    member_person("ann", "Ann")
    jenga = sosp("Jenga", [taxonomy["inference"]])
    kimi = arxiv("Kimi Linear", [taxonomy["inference"]])
    page = organiser_client.get(reverse("schedule:organiser_term", args=[term.slug]))
    html = page.content.decode()
    assert "Suggestions for Tue 7 Oct 2025" in html
    assert "both LLM \u203a LLM Inference" in html
    assert "Who could lead Topic I" in html and "Ann" in html
    response = organiser_client.post(
        reverse("planner:apply_pair", args=[s.pk]), {"conference": jenga.pk, "arxiv": kimi.pk}
    )
    assert response.status_code == 302
    assert [t.paper for t in s.talks.order_by("position")] == [jenga, kimi]


@pytest.mark.parametrize("size", [1, 6])
def test_dashboard_with_suggestions_query_count_is_constant(
    organiser_client, taxonomy, size, django_assert_num_queries
):
    term = factories.TermFactory()
    for week in range(size):
        session(term, NEXT + datetime.timedelta(weeks=week))
    for i in range(size):
        member_person(f"m{i}")
    pool(taxonomy, size)
    arxiv("untopiced LLM inference preprint")
    # 31: the dashboard's page counts and the term's pending sign-ups (sessions/paging.py).
    with django_assert_num_queries(31):
        response = organiser_client.get(reverse("schedule:organiser_term", args=[term.slug]))
    assert "Suggestions for" in response.content.decode()


def test_pairs_json_shape_permissions_and_errors(client, organiser, ann, taxonomy):
    term = factories.TermFactory()
    session(term, NEXT)
    jenga = sosp("Jenga", [taxonomy["inference"]])
    kimi = arxiv("Kimi Linear", [taxonomy["inference"]])
    url = reverse("planner:api_pairs")
    assert client.get(url, {"session": "2025-10-07"}).status_code == 403
    client.force_login(ann.user)
    response = client.get(url, {"session": "2025-10-07"})
    assert response.status_code == 403 and "error" in response.json()
    client.force_login(organiser)
    data = client.get(url, {"session": "2025-10-07"}).json()
    assert data == {
        "session": "2025-10-07",
        "pairs": [
            {
                "conference": {"id": jenga.pk, "title": "Jenga", "venue": "SOSP", "year": 2025},
                "arxiv": {"id": kimi.pk, "title": "Kimi Linear", "venue": "arXiv", "year": 2025},
                "shared_topics": [["LLM", "LLM Inference"]],
                "score": data["pairs"][0]["score"],
                "reasons": ["both LLM \u203a LLM Inference"],
            }
        ],
    }
    assert data["pairs"][0]["score"] > 0
    assert client.get(url, {"session": "tomorrow"}).status_code == 400
    assert client.get(url, {"session": "2030-01-01"}).status_code == 404


def test_presenters_json_shape_and_permissions(client, organiser, ann):
    talk = session(factories.TermFactory(), NEXT).talks.first()
    url = reverse("planner:api_presenters")
    client.force_login(ann.user)
    assert client.get(url, {"talk": talk.pk}).status_code == 403
    client.force_login(organiser)
    data = client.get(url, {"talk": talk.pk}).json()
    assert data["talk"] == talk.pk
    assert {
        "person_id": ann.pk,
        "name": "Ann",
        "leads_this_term": 0,
        "supports_this_term": 0,
        "last_presented": None,
        "available": True,
    } in data["people"]
    assert client.get(url, {"talk": "x"}).status_code == 400
    assert client.get(url, {"talk": "999999"}).status_code == 404


@pytest.mark.parametrize("size", [1, 8])
def test_json_query_counts_are_constant(
    client, organiser, taxonomy, size, django_assert_num_queries
):
    term = factories.TermFactory()
    talk = session(term, NEXT).talks.first()
    pool(taxonomy, size)
    arxiv("untopiced LLM inference preprint")
    for i in range(size):
        person = member_person(f"p{i}")
        lead(
            session(term, datetime.date(2025, 9, 1) + datetime.timedelta(days=i)).talks.first(),
            person,
        )
    client.force_login(organiser)
    with django_assert_num_queries(19):
        client.get(reverse("planner:api_pairs"), {"session": NEXT.isoformat()})
    with django_assert_num_queries(8):
        client.get(reverse("planner:api_presenters"), {"talk": talk.pk})


# --- topics, related work, presented ------------------------------------------------------


def test_organiser_accepts_or_changes_suggested_topics(organiser_client, taxonomy):
    sosp("Paged KV cache for LLM inference", [taxonomy["inference"]])
    bare = arxiv("KV cache eviction for LLM inference")
    page = organiser_client.get(bare.get_absolute_url()).content.decode()
    assert "Suggested topics" in page and "Accept LLM \u203a LLM Inference" in page
    review = organiser_client.get(reverse("planner:topics")).content.decode()
    assert "KV cache eviction" in review
    organiser_client.post(
        reverse("planner:paper_topics", args=[bare.pk]), {"topic": taxonomy["inference"].pk}
    )
    assert list(bare.topics.all()) == [taxonomy["inference"]]
    organiser_client.post(
        reverse("planner:paper_topics", args=[bare.pk]), {"topic": taxonomy["gpu"].pk}
    )
    assert list(bare.topics.all()) == [taxonomy["gpu"]]
    response = organiser_client.post(
        reverse("planner:paper_topics", args=[bare.pk]), {"topic": "999999"}
    )
    assert response.status_code == 302 and list(bare.topics.all()) == [taxonomy["gpu"]]


def test_members_do_not_see_topic_suggestions_but_see_related_and_nominate(client, ann, taxonomy):
    sosp("Paged KV cache for LLM inference", [taxonomy["inference"]], year=2024)
    bare = arxiv("KV cache eviction for LLM inference")
    client.force_login(ann.user)
    page = client.get(bare.get_absolute_url()).content.decode()
    assert "Suggested topics" not in page
    assert "Related in the catalogue" in page and "Paged KV cache for LLM inference" in page
    assert f"/queue/?paper={bare.pk}" in page


def test_lead_page_lists_related_work_as_markdown(client, ann, taxonomy):
    mine = sosp("Paged KV cache for LLM serving", [taxonomy["inference"]])
    other = sosp("Prefix caching for LLM serving", [taxonomy["inference"]], year=2024)
    talk = session(factories.TermFactory(), NEXT).talks.first()
    talk.paper = mine
    talk.save()
    lead(talk, ann)
    client.force_login(ann.user)
    page = client.get(reverse("schedule:talk_edit", args=[talk.pk])).content.decode()
    assert (
        f"- [Prefix caching for LLM serving](http://testserver/papers/{other.pk}/) (SOSP&#x27;24)"
        in page
    )


def test_lead_picker_warns_before_a_presented_paper(client, ann):
    done = sosp("Jenga")
    factories.TalkFactory(
        session=factories.SessionFactory(date=datetime.date(2025, 5, 6)), paper=done
    )
    talk = session(factories.TermFactory(), NEXT).talks.first()
    lead(talk, ann)
    client.force_login(ann.user)
    url = reverse("schedule:talk_paper", args=[talk.pk])
    response = client.post(url, {"paper": done.pk}, follow=True)
    html = response.content.decode()
    assert "was already presented (2025-05-06)" in html and "Choose anyway" in html
    talk.refresh_from_db()
    assert talk.paper is None
    client.post(url, {"paper": done.pk, "confirm": "1"})
    talk.refresh_from_db()
    assert talk.paper == done


def test_catalogue_shows_and_filters_presented(client, db):
    done, fresh = sosp("Jenga"), sosp("Fresh")
    factories.TalkFactory(
        session=factories.SessionFactory(date=datetime.date(2025, 5, 6)), paper=done
    )
    page = client.get(reverse("papers:list")).content.decode()
    assert "presented 6 May 2025" in page
    yes = client.get(reverse("papers:list"), {"presented": "yes"}).content.decode()
    no = client.get(reverse("papers:list"), {"presented": "no"}).content.decode()
    assert "Jenga" in yes and "Fresh" not in yes
    assert "Fresh" in no and "Jenga" not in no
    data = client.get(reverse("papers:api-list")).json()
    by_title = {r["title"]: r["presented"] for r in data["results"]}
    assert by_title == {"Jenga": ["2025-05-06"], "Fresh": []}
    assert client.get(reverse("papers:api-list"), {"presented": "yes"}).json()["count"] == 1
    assert client.get(reverse("papers:api-list"), {"presented": "maybe"}).status_code == 400
    assert fresh


def test_topic_review_query_count_is_constant(
    organiser_client, taxonomy, django_assert_num_queries
):
    sosp("Paged KV cache for LLM inference", [taxonomy["inference"]])
    arxiv("KV cache eviction one")
    with django_assert_num_queries(10) as small:
        organiser_client.get(reverse("planner:topics"))
    for i in range(8):
        arxiv(f"KV cache eviction {i} for LLM inference")
    with django_assert_num_queries(len(small.captured_queries)):
        page = organiser_client.get(reverse("planner:topics")).content.decode()
    assert page.count("Accept LLM \u203a LLM Inference") == 9


@pytest.mark.parametrize(
    "query", ["paper=²", "paper=99999999999999999999", "q=%00", "paper=%00", "q=" + "x" * 201]
)
def test_the_public_queue_answers_odd_parameters_without_a_server_error(client, db, query):
    # "²".isdigit() is true, yet no id; a NUL is refused by PostgreSQL's text.
    response = client.get(f"{reverse('planner:queue')}?{query}")
    assert response.status_code in (200, 400)
    if query == "paper=²":
        assert response.status_code == 200  # an id that is none preselects nothing


@pytest.mark.parametrize("raw", ["²", "-1", "99999999999999999999"])
def test_forms_with_an_id_that_is_none_change_nothing(ann_client, ann, raw):
    before = Nomination.objects.count()
    response = ann_client.post(reverse("planner:nominate"), {"paper": raw})
    assert response.status_code in (200, 302, 400)
    assert Nomination.objects.count() == before


def test_presenters_json_refuses_an_id_that_is_none(client, organiser):
    client.force_login(organiser)
    response = client.get(reverse("planner:api_presenters") + "?talk=²")
    assert response.status_code == 400
