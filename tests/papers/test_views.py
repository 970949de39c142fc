"""The catalogue's public pages and /api/papers.json."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from papers.catalogue_import import import_conference_list
from papers.conference_list import parse
from papers.models import Paper, PaperLink, Topic
from tests.papers.lists import import_generated
from tests.papers.test_conference_list import SEED

pytestmark = pytest.mark.django_db

LIST = "/papers/"
API = "/api/papers.json"


@pytest.fixture
def sosp(db):
    import_conference_list(parse(SEED))
    return Paper.objects


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="paper-title"><a href="[^"]+">([^<]+)</a>', html)


def test_urls_are_where_the_other_apps_expect_them():
    assert reverse("papers:list") == "/papers/"
    assert reverse("papers:detail", kwargs={"pk": 7}) == "/papers/7/"
    assert reverse("papers:proceedings", kwargs={"venue": "sosp", "year": 2025}) == (
        "/papers/sosp/2025/"
    )
    assert reverse("papers:api-list") == "/api/papers.json"


def test_list_page_paginates_and_links_proceedings(client, sosp):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "29 papers" in html
    assert len(titles(response)) == 25
    assert 'href="/papers/sosp/2025/">SOSP 2025</a>' in html
    assert "?page=2" in html
    assert "HX-Request" in response["Vary"]
    second = client.get(LIST, {"page": 2})
    assert len(titles(second)) == 4
    assert titles(second)[-1] == "SAND: A New Programming Abstraction for Video-based Deep Learning"
    # Out-of-range and junk page numbers fall back to a real page.
    assert len(titles(client.get(LIST, {"page": 99}))) == 4
    assert len(titles(client.get(LIST, {"page": "x"}))) == 25


def test_list_works_without_javascript(client, sosp):
    html = client.get(LIST).content.decode()
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'action="/papers/"' in form
    for name in ("q", "venue", "year", "topic"):
        assert f'name="{name}"' in html
    assert '<button type="submit"' in html


def test_list_search_box_is_wired_for_htmx(client, sosp):
    html = client.get(LIST).content.decode()
    search = re.search(r'<input type="search"[^>]*>', html, flags=re.S).group(0)
    assert 'hx-get="/papers/"' in search
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", html, flags=re.S).group(0)
    assert 'hx-target="#results"' in form and 'hx-push-url="true"' in form
    assert 'hx-include="closest form"' in form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mycroft", ["Mycroft: Tracing Dependencies"]),  # title
        ("ByteRobust", ["Robust LLM Training Infrastructure"]),  # system name
        ("UPenn", ["Quilt:"]),  # affiliations
        ("inferlets", ["Pie:"]),  # notes
        ("gpu checkpoint", ["PhoenixOS:"]),  # every word, anywhere
        ("in context caching", ["IC-Cache:"]),  # punctuation-insensitive title
        ("nothing-like-this", []),
    ],
)
def test_search(client, sosp, query, expected):
    found = titles(client.get(LIST, {"q": query}))
    assert len(found) == len(expected), found
    for title, start in zip(found, expected, strict=True):
        assert title.startswith(start)


def test_search_finds_authors(client, sosp):
    Paper.objects.filter(title__startswith="Tempo").update(authors=["Ada Lovelace", "Alan Turing"])
    assert [t[:6] for t in titles(client.get(LIST, {"q": "lovelace"}))] == ["Tempo:"]


def test_search_finds_authors_with_accents(client, sosp):
    Paper.objects.filter(title__startswith="Tempo").update(authors=["Jörg Müller"])
    assert [t[:6] for t in titles(client.get(LIST, {"q": "müller"}))] == ["Tempo:"]
    assert [t[:6] for t in titles(client.get(LIST, {"q": "jörg"}))] == ["Tempo:"]


def test_filters(client, sosp):
    llm = Topic.objects.get(name="LLM", parent=None)
    inference = Topic.objects.get(name="LLM Inference")
    assert len(titles(client.get(LIST, {"topic": llm.pk, "page": 1}))) == 14
    assert len(titles(client.get(LIST, {"topic": inference.pk}))) == 5
    assert "29 papers" in client.get(LIST, {"venue": "sosp", "year": 2025}).content.decode()
    combined = client.get(LIST, {"venue": "SOSP", "topic": inference.pk, "q": "heterogeneous"})
    # Ranked: "Characterizing ... Heterogeneous ..." has the word in its title.
    assert [t[:6] for t in titles(combined)] == ["Charac", "Jenga:"]


def test_invalid_filters_are_reported_and_ignored(client, sosp):
    response = client.get(LIST, {"venue": "OSDI", "year": "abc", "topic": "999999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No venue called &#x27;OSDI&#x27; in the catalogue." in html
    assert html.count("Select a valid choice") == 2
    assert "29 papers" in html


def test_arxiv_venue_finds_preprints_without_proceedings(client, sosp):
    Paper.objects.create(title="A preprint", arxiv_id="2501.00001")
    Paper.objects.create(title="Neither venue nor arXiv id")
    assert titles(client.get(LIST, {"venue": "arxiv"})) == ["A preprint"]
    assert "arXiv" in client.get(LIST).content.decode()


def test_htmx_request_gets_only_the_results_fragment(client, sosp):
    response = client.get(LIST, {"q": "GPU"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and "<form" not in html
    assert "HX-Request" in response["Vary"]
    assert titles(response)
    # Pagination links in the fragment keep the search.
    fragment = client.get(LIST, {"q": "a"}, headers={"HX-Request": "true"}).content.decode()
    assert 'href="?q=a&amp;page=2"' in fragment


def test_htmx_history_restore_gets_the_whole_page(client, sosp):
    response = client.get(
        LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_proceedings_page_reads_like_the_list(client, sosp):
    response = client.get("/papers/sosp/2025/")
    assert response.status_code == 200
    html = response.content.decode()
    areas = re.findall(r'<section class="proceedings-area" id="area-\d+">\s*<h2>([^<]+)</h2>', html)
    assert areas == [
        "LLM", "MoE", "Distributed Training", "Deep Learning Compilation", "GPU", "RDMA", "CXL",
        "OS", "Resource Management", "Video",
    ]  # fmt: skip
    subtopics = re.findall(r'<h3 class="proceedings-subtopic">([^<]+)</h3>', html)
    assert subtopics[:3] == ["LLM Training", "LLM Inference", "LLM Applications"]
    assert len(subtopics) == 15
    assert html.count('class="listed-paper"') == 29
    assert "17.7% (= 65 / 368)" in html
    assert 'href="https://dl.acm.org/doi/proceedings/10.1145/3731569"' in html
    assert "<dt>MILP</dt><dd>Mixed Integer Linear Program</dd>" in html
    # Notes come as rendered markdown, nested bullets included.
    assert "<li>Recent models have heterogeneous embeddings with different sizes.</li>" in html
    # The relative "Personal Notes" link of the source is shown, not linked.
    assert 'href="jenga.md"' not in html and "Personal Notes" in html


def test_proceedings_urls(client, sosp):
    response = client.get("/papers/SOSP/2025/")
    assert response.status_code == 301 and response["Location"] == "/papers/sosp/2025/"
    assert client.get("/papers/sosp/2024/").status_code == 404
    assert client.get("/papers/osdi/2025/").status_code == 404


def test_paper_page(client, sosp):
    jenga = Paper.objects.get(arxiv_id="2503.18292")
    response = client.get(f"/papers/{jenga.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Jenga: Effective Memory Management for Serving LLM with Heterogeneity</h1>" in html
    assert "THU &amp; UChicago &amp; UC Berkeley" in html
    assert 'href="/papers/sosp/2025/">SOSP 2025</a>' in html
    llm = Topic.objects.get(name="LLM", parent=None)
    inference = Topic.objects.get(name="LLM Inference")
    assert f'<a href="/papers/?topic={llm.pk}">LLM</a>' in html
    assert f'<a href="/papers/?topic={inference.pk}">LLM Inference</a>' in html
    assert 'href="https://dl.acm.org/doi/10.1145/3731569.3764823"' in html
    assert 'href="https://arxiv.org/abs/2503.18292"' in html
    assert "jenga.md (a relative link in the source list)" in html
    assert "<li>Two challenges<ul>" in html.replace("\n", "")
    assert f'id="fetch-status-{jenga.pk}"' in html  # the arXiv status block is included


def test_paper_page_system_name(client, sosp):
    paper = Paper.objects.get(system_name="ByteRobust")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert '<strong class="system-name">ByteRobust</strong>' in html
    assert "HKU &amp; ByteDance Seed" in html


def test_paper_page_sanitises_notes_and_links(client, sosp):
    paper = Paper.objects.create(
        title="Hostile",
        notes="* <script>alert(1)</script> fine\n* [click](javascript:alert(2))\n"
        '* <img src=x onerror="alert(3)">',
    )
    PaperLink.objects.create(paper=paper, kind="code", url="javascript:alert(4)")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html.split('<div class="prose paper-notes">')[1].split("</div>")[0]
    assert 'href="javascript:' not in html
    assert "onerror" not in html
    assert "fine" in html


def test_paper_page_404(client, sosp):
    assert client.get("/papers/999999/").status_code == 404


def test_pages_are_read_only(client, sosp):
    assert client.post(LIST).status_code == 405
    assert client.post(API).status_code == 405


# --- JSON API -------------------------------------------------------------------------------


def test_api_results_and_pagination(client, sosp):
    data = client.get(API, {"page_size": 10}).json()
    assert data["count"] == 29
    assert data["previous"] is None
    assert data["next"] == "http://testserver/api/papers.json?page_size=10&page=2"
    assert len(data["results"]) == 10
    first = data["results"][0]
    paper = Paper.objects.get(system_name="ByteRobust")
    assert first == {
        "id": paper.pk,
        "url": f"http://testserver/papers/{paper.pk}/",
        "title": "Robust LLM Training Infrastructure at ByteDance",
        "venue": "SOSP",
        "year": 2025,
        "topics": [["LLM", "LLM Training"]],
        "authors": [],
        "affiliations": "HKU & ByteDance Seed",
        "system_name": "ByteRobust",
        "arxiv_id": "",
        "doi": "10.1145/3731569.3764838",
        "links": [{"kind": "paper", "url": "https://dl.acm.org/doi/10.1145/3731569.3764838"}],
        "presented": [],
    }
    last = client.get(data["next"].replace("page=2", "page=3")).json()
    assert len(last["results"]) == 9 and last["next"] is None
    assert last["previous"] == "http://testserver/api/papers.json?page_size=10&page=2"
    assert client.get(API).json()["count"] == 29


def test_api_filters(client, sosp):
    inference = Topic.objects.get(name="LLM Inference")
    data = client.get(API, {"topic": inference.pk}).json()
    assert data["count"] == 5
    assert all(r["topics"] == [["LLM", "LLM Inference"]] for r in data["results"])
    jenga = client.get(API, {"q": "jenga"}).json()["results"]
    assert [link["kind"] for link in jenga[0]["links"]] == ["notes", "paper", "arxiv"]
    assert jenga[0]["arxiv_id"] == "2503.18292"
    assert client.get(API, {"venue": "sosp", "year": 2025}).json()["count"] == 29
    assert client.get(API, {"venue": "osdi"}).json()["count"] == 0
    assert client.get(API, {"year": 2024}).json()["count"] == 0


def test_list_cards_link_each_topic_by_its_path(client, db):
    area = Topic.objects.create(name="Systems")
    zeta = Topic.objects.create(name="Zeta", parent=area)
    tiered = Topic.objects.create(
        name="Tiered", parent=Topic.objects.create(name="OS", parent=area)
    )
    paper = Paper.objects.create(title="Two topics")
    paper.topics.add(zeta, tiered)
    html = client.get(LIST).content.decode()
    links = re.findall(r'<a class="topic-path" href="/papers/\?topic=(\d+)">([^<]+)</a>', html)
    # By the topics' own names, as Topic orders them.
    assert links == [(str(tiered.pk), "Systems / OS / Tiered"), (str(zeta.pk), "Systems / Zeta")]


def test_api_topics_at_any_depth_and_after_an_unsignalled_write(client, db):
    """The API reads topic paths from the cached taxonomy: deep ones whole, and a topic the
    cache has not seen yet (a bulk write moves no catalogue version) still by its path."""
    area = Topic.objects.create(name="Systems")
    deep = Topic.objects.create(name="Caches", parent=Topic.objects.create(name="OS", parent=area))
    deeper = Topic.objects.create(name="Tiered", parent=deep)
    paper = Paper.objects.create(title="Deep topics")
    paper.topics.add(deeper)
    assert client.get(API).json()["results"][0]["topics"] == [["Systems", "OS", "Caches", "Tiered"]]
    [late] = Topic.objects.bulk_create([Topic(name="Late", parent=area)])
    Paper.topics.through.objects.bulk_create([Paper.topics.through(paper=paper, topic=late)])
    assert client.get(API).json()["results"][0]["topics"] == [
        ["Systems", "Late"],
        ["Systems", "OS", "Caches", "Tiered"],
    ]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"year": "abc"}, 400, "year must be a whole number, got 'abc'"),
        ({"topic": "x"}, 400, "topic must be a whole number, got 'x'"),
        ({"page": "0"}, 400, "page must be 1 or more, got 0"),
        ({"page": "9"}, 404, "page 9 does not exist; there are 1"),
    ],
)
def test_api_bad_parameters(client, sosp, params, status, message):
    response = client.get(API, params)
    assert response.status_code == status
    assert response.json() == {"error": message}


def test_api_on_an_empty_catalogue(client, db):
    assert client.get(API).json() == {"count": 0, "next": None, "previous": None, "results": []}


# --- Query counts ---------------------------------------------------------------------------

# /papers/ with the filter choices and the list's count in the cache: the page's documents
# (off the index, in list order), its papers, their topics and links, the dates they were
# presented (papers/presented.py).
LIST_QUERIES = 5
# A cold cache: the filter choices (proceedings with counts, arXiv-preprints check, topics)
# and the count, once per catalogue version.
COLD_QUERIES = 4
# A search new to this catalogue version ranks its best matches and counts them (one
# statement); the same search again, or its next pages, reads both from the cache.
SEARCH_QUERIES = 1
# A topic filter reads the taxonomy once per catalogue version to include the subtopics.
TOPIC_QUERIES = 1
# /api/papers.json: the same as the list page (its count cached after the first call).
API_QUERIES = 5
# A proceedings page: proceedings, papers, topics, links, acronyms.
PROCEEDINGS_QUERIES = 5


@pytest.mark.parametrize("size", [30, 1000])
def test_query_counts_do_not_grow_with_the_catalogue(client, db, size, django_assert_num_queries):
    import_generated(size)
    assert Paper.objects.count() == size
    topic = Topic.objects.get(name="Area A").pk
    with django_assert_num_queries(LIST_QUERIES + COLD_QUERIES):
        client.get(LIST)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert len(titles(response)) == 25
    with django_assert_num_queries(LIST_QUERIES + SEARCH_QUERIES + TOPIC_QUERIES):
        client.get(LIST, {"q": "systems", "topic": topic, "page": 2})
    with django_assert_num_queries(LIST_QUERIES + SEARCH_QUERIES):
        client.get(LIST, {"q": "systems"}, headers={"HX-Request": "true"})
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"q": "systems", "page": 2})
    assert len(titles(response)) == min(size - 25, 25)
    # A filter's count is cached too, from its second page on.
    with django_assert_num_queries(LIST_QUERIES + 1):
        client.get(LIST, {"topic": topic, "page": 3})
    with django_assert_num_queries(LIST_QUERIES):
        client.get(LIST, {"topic": topic, "page": 4})
    with django_assert_num_queries(API_QUERIES):
        data = client.get(API).json()
    assert data["count"] == size
    assert len(data["results"]) == min(size, 50)
    with django_assert_num_queries(API_QUERIES + SEARCH_QUERIES):
        client.get(API, {"topic": topic, "q": "paper", "page": 1, "page_size": 200})
    with django_assert_num_queries(PROCEEDINGS_QUERIES):
        response = client.get("/papers/bench/2030/")
    assert response.content.decode().count('class="listed-paper"') == size


def test_proceedings_page_keeps_the_list_order_when_papers_are_added_later(client, sosp):
    """A paper the schedule adds (no topic, position 0) does not split the list's areas."""
    proceedings = Paper.objects.first().proceedings
    Paper.objects.create(title="Spirit: added by the schedule", proceedings=proceedings)
    html = client.get("/papers/sosp/2025/").content.decode()
    areas = re.findall(r'<section class="proceedings-area" id="area-\d+">\s*<h2>([^<]+)</h2>', html)
    assert areas[0] == "LLM" and areas.count("LLM") == 1
    assert areas[-1] == "Other" and len(areas) == 11
    assert html.count('class="listed-paper"') == 30
