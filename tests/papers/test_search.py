"""Full-text search: ranking, slides, accents and case, Chinese, limits, the index's triggers.

These run on whichever database the suite runs on (SQLite by default, PostgreSQL in CI), so
both backends answer the same assertions; test_backend_is_the_databases_own checks which one
answered.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from papers.models import Paper, Venue
from papers.search.models import SearchDocument
from papers.search.text import MAX_QUERY_WORDS, QueryError, parse_query, snippet
from papers.selectors import catalogue
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/papers/"
API = "/api/papers.json"


def found(q: str, **filters) -> list[str]:
    return [
        hit.paper.title if hit.kind == "paper" else hit.title for hit in catalogue(q, **filters)
    ]


def test_a_title_match_ranks_before_a_notes_match(client):
    # The notes paper is created first, so only the rank can put the title paper ahead.
    factories.PaperFactory(title="A study of queues", notes="Mentions tempura once.")
    factories.PaperFactory(title="Tempura: a fast system")
    assert found("tempura") == ["Tempura: a fast system", "A study of queues"]
    html = client.get(LIST, {"q": "tempura"}).content.decode()
    assert html.index("Tempura: a fast system") < html.index("A study of queues")
    # The notes hit says where it matched, with the word marked.
    assert "In the notes:" in html and "<mark>tempura</mark>" in html


def test_every_field_is_searched():
    factories.PaperFactory(
        title="Plain",
        authors=["Grace Hopper"],
        affiliations="Quuxlab",
        system_name="Zorblax",
        abstract="We flurbify caches.",
        notes="Read with **frobnitz**.",
    )
    for word in ("hopper", "quuxlab", "zorblax", "flurbify", "frobnitz"):
        assert found(word) == ["Plain"], word


def test_accents_and_case_are_ignored():
    factories.PaperFactory(title="Über-fast Caches", authors=["Jörg Müller", "Zoë Ångström"])
    for query in ("uber", "ÜBER", "müller", "MULLER", "jorg", "angstrom", "zoe"):
        assert found(query) == ["Über-fast Caches"], query


def test_chinese_text_is_found_at_any_position():
    factories.PaperFactory(title="分布式系统的内存管理", notes="")
    factories.PaperFactory(title="Unrelated", notes="关于调度器的笔记")
    assert found("系统") == ["分布式系统的内存管理"]
    assert found("内存管理") == ["分布式系统的内存管理"]
    assert found("调度") == ["Unrelated"]
    assert found("系统 内存") == ["分布式系统的内存管理"]
    assert found("统的内x") == []


def test_every_word_must_match_and_the_last_is_a_prefix():
    factories.PaperFactory(title="Elastic serving of models")
    factories.PaperFactory(title="Elastic training")
    assert found("elastic serv") == ["Elastic serving of models"]
    assert sorted(found("elastic")) == ["Elastic serving of models", "Elastic training"]
    # Only the last word is a prefix.
    assert found("elast serving") == []


def test_a_slides_only_word_finds_its_talk_named_with_its_session(client):
    paper = factories.PaperFactory(title="Cache systems")
    session = factories.SessionFactory(term__name="2025 Fall")
    talk = factories.TalkFactory(session=session, paper=paper, position=2)
    talk.slides_text = "Backup slide: the quokka benchmark\nmore text"
    talk.save()
    [hit] = list(catalogue("quokka"))
    assert hit.kind == "slides" and hit.paper == paper
    assert hit.title == "Cache systems"
    assert hit.url == session.get_absolute_url()
    assert "Topic II" in hit.label and "2025 Fall" in hit.label
    assert str(session.date.year) in hit.label
    html = client.get(LIST, {"q": "quokka"}).content.decode()
    assert f'href="{session.get_absolute_url()}"' in html
    assert "<mark>quokka</mark>" in html and "Topic II" in html
    # Papers-only callers (the API, citations) leave talks out.
    assert client.get(API, {"q": "quokka"}).json()["count"] == 0
    # Removing the slides text removes the document; deleting the talk too.
    talk.slides_text = ""
    talk.save(update_fields=["slides_text", "updated_at"])
    assert found("quokka") == []
    talk.slides_text = "quokka again"
    talk.save()
    talk.delete()
    assert found("quokka") == []


def test_a_slides_label_follows_its_session():
    talk = factories.TalkFactory(slides_text="wombat slides")
    session = talk.session
    session.date = session.date.replace(year=2027)
    session.save()
    [hit] = list(catalogue("wombat"))
    assert "2027" in hit.label and hit.url == session.get_absolute_url()


def test_saves_that_leave_a_talks_document_as_it_is_keep_the_cached_results():
    from papers.search import catalogue_version

    talk = factories.TalkFactory(slides_text="numbat slides")
    version = catalogue_version.current()
    talk.video_url = "https://example.org/video"
    talk.save(update_fields=["video_url", "updated_at"])  # not part of the document
    talk.save()  # every field, none changed
    talk.session.save()  # the label and address stay the same
    assert catalogue_version.current() == version
    talk.title = "Numbats, revisited"
    talk.save()
    assert catalogue_version.current() > version
    [hit] = list(catalogue("numbat"))
    assert hit.title == "Numbats, revisited"


def test_the_index_follows_bulk_writes_and_deletes():
    proceedings = factories.ProceedingsFactory()
    Paper.objects.bulk_create(
        [Paper(title=f"Bulky {n}", proceedings=proceedings) for n in range(3)]
    )
    assert len(found("bulky")) == 3
    Paper.objects.filter(title="Bulky 1").update(notes="now with pangolins")
    assert found("pangolins") == ["Bulky 1"]
    Paper.objects.filter(title="Bulky 2").delete()
    assert sorted(found("bulky")) == ["Bulky 0", "Bulky 1"]
    assert SearchDocument.objects.filter(kind="paper").count() == 2


def test_a_cached_search_follows_the_catalogue(django_assert_num_queries):
    """A search's ranking is cached with the catalogue version: a change moves it."""
    factories.PaperFactory(title="Pangolin scales")
    assert found("pangolin") == ["Pangolin scales"]
    with django_assert_num_queries(3):  # documents, papers, links: no ranking
        assert found("pangolin") == ["Pangolin scales"]
    factories.PaperFactory(title="Pangolin scales again", notes="")
    assert found("pangolin") == ["Pangolin scales", "Pangolin scales again"]
    talk = factories.TalkFactory(slides_text="a slide about pangolins")
    assert [hit.kind for hit in catalogue("pangolin")] == ["paper", "paper", "slides"]
    talk.delete()
    assert len(found("pangolin")) == 2


def test_pages_past_the_cached_ranking_are_ranked_on_their_own(monkeypatch):
    from papers.search import selectors

    for number in range(7):
        factories.PaperFactory(title=f"Okapi {number}", notes="okapi " * number)
    everything = found("okapi")
    monkeypatch.setattr(selectors, "RANKED_CACHED", 3)
    listing = catalogue("okapi")
    assert listing.count() == 7
    assert [hit.paper.title for hit in listing[0:3]] == everything[0:3]
    assert [hit.paper.title for hit in listing[2:6]] == everything[2:6]
    assert [hit.paper.title for hit in listing[6:9]] == everything[6:]


def test_list_order_follows_a_venue_rename_and_a_year_change(client):
    old = factories.PaperFactory(
        title="Old one", proceedings__venue__name="AAA", proceedings__year=2020
    )
    factories.PaperFactory(title="New one", proceedings__venue__name="BBB", proceedings__year=2024)
    assert found("") == ["New one", "Old one"]
    proceedings = old.proceedings
    proceedings.year = 2026
    proceedings.save()
    assert found("") == ["Old one", "New one"]
    Venue.objects.filter(name="AAA").update(name="ZZZ")
    assert found("", venue="zzz") == ["Old one"]


def test_query_limits_and_nul_bytes(client):
    query = parse_query(" ".join(f"w{n}" for n in range(20)))
    assert len(query.words) == MAX_QUERY_WORDS and query.truncated
    assert parse_query("x" * 500).truncated
    with pytest.raises(QueryError):
        parse_query("a\x00b")
    assert client.get(LIST, {"q": "a\x00b"}).status_code == 400
    assert client.get(API, {"q": "a\x00b"}).status_code == 400
    assert client.get("/papers/export.bib", {"q": "a\x00b"}).status_code == 400
    html = client.get(LIST, {"q": " ".join(["cache"] * 13)}).content.decode()
    assert "Only the first 12 words" in html
    # Punctuation and FTS syntax are plain text, never operators.
    for crafted in ('"', "a OR b", "NEAR(a b)", "*", "a:*", "(", "-x", "'; DROP", "title:x"):
        assert client.get(LIST, {"q": crafted}).status_code == 200, crafted


def test_snippets_escape_the_text():
    query = parse_query("evil")
    excerpt = snippet('<script>alert("evil")</script> & more', query)
    assert "<script>" not in excerpt
    assert "&lt;script&gt;" in excerpt and "<mark>evil</mark>" in excerpt


def test_snippet_cuts_long_text_around_the_match():
    text = "filler " * 100 + "the needle is here " + "tail " * 100
    excerpt = snippet(text, parse_query("needle"))
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert "<mark>needle</mark>" in excerpt and len(re.sub("<[^>]+>", "", excerpt)) < 200


def test_backend_is_the_databases_own():
    factories.PaperFactory(title="Backend check")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM papers_search_fts")
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes"
                " WHERE indexname = 'papers_searchdocument_vector_gin'"
            )
            assert "gin" in cursor.fetchone()[0].lower()
    assert found("backend") == ["Backend check"]


@pytest.mark.services
def test_postgres_uses_the_weighted_tsvector(postgres):
    factories.PaperFactory(title="Vector title", notes="vector in the notes too")
    document = SearchDocument.objects.get(kind="paper")
    assert "'vector':1A" in document.vector.replace(",", " ") or "1A" in document.vector
    assert found("vector") == ["Vector title"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM papers_searchdocument "
            "WHERE vector @@ to_tsquery('simple', 'vector')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "papers_searchdocument_vector_gin" in plan


@pytest.mark.services
def test_postgres_search_text_has_the_tokens_of_python(postgres):
    """papers_search_text takes a shortcut for ASCII text (no unaccent, no CJK spacing): every
    ASCII character, between letters and at the ends, and text that takes the long way, must
    give the tokens of papers.search.text.tokens()."""
    from papers.search.text import tokens

    texts = [f"{chr(code)}Ab{chr(code)}9z{chr(code)}" for code in range(1, 128)]
    texts += [
        "GPU-Kernels: v2.0 (fast)\n\tdone_now",
        "Müller & Çelik: Ångström-scale café",
        "分布式系统 for LLM 推理",
        "",
        "   ",
    ]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT papers_search_text(%s)", [text])
            assert cursor.fetchone()[0].split() == tokens(text), repr(text)
        cursor.execute("SELECT papers_search_text(NULL)")
        assert cursor.fetchone()[0] == ""


def test_filter_choices_are_cached_until_the_catalogue_changes(client, django_assert_num_queries):
    from papers.selectors import filter_choices
    from tests.papers.lists import import_generated

    factories.PaperFactory(proceedings__venue__name="SOSP")
    assert filter_choices().venues == ["SOSP"]
    with django_assert_num_queries(0):
        filter_choices()
    factories.ProceedingsFactory(venue__name="OSDI", year=2024)  # a save moves the version
    assert filter_choices().venues == ["OSDI", "SOSP"]
    import_generated(3, venue="NSDI", year=2023)  # bulk writes: the importer moves it
    assert filter_choices().venues == ["NSDI", "OSDI", "SOSP"]
    assert "3 papers" in client.get(LIST, {"venue": "nsdi"}).content.decode()


# --- Bulk imports write the documents set-based -----------------------------------------------

BULK_LIST = """# BULKSYS 2031

## Papers

### Systems

* Storage
  * Zorblax: fast caches \\[[Paper](https://doi.org/10.5555/1)] \\[[arXiv](https://arxiv.org/abs/2402.00001)]
    * Quuxlab & Université de Montréal
    * **Zorblax**
    * Notes on frobnitz
  * 分布式系统的内存管理 \\[[Paper](https://doi.org/10.5555/2)]
    * 清华大学
    * 关于调度器的笔记
* Networks
  * Über-fast packets \\[[Paper](https://doi.org/10.5555/3)]
    * ETH

### Other

* Plain title without links
  * Somewhere
"""
WORDS = (
    "zorblax", "quuxlab", "montreal", "frobnitz", "系统", "调度", "清华", "uber", "packets",
    "eth", "plain", "somewhere", "hopper", "flurbify", "renamed", "garply",
)  # fmt: skip


def _index_snapshot() -> tuple:
    """Each paper document (by its paper's title, as ids differ between runs) and what every
    word finds: on SQLite that reads the FTS index, on PostgreSQL the stored tsvector."""
    titles = dict(Paper.objects.values_list("pk", "title"))
    columns = ("title", "authors", "body", "sort_year", "sort_venue", "sort_position", "vector")
    documents = sorted(
        (titles[row[0]], *row[1:])
        for row in SearchDocument.objects.filter(kind="paper").values_list("paper_id", *columns)
    )
    return documents, {word: found(word) for word in WORDS}


def _import_twice() -> tuple:
    from papers.catalogue_import import import_conference_list
    from papers.conference_list import parse

    # A preprint the list merges (an update that moves it into the proceedings).
    factories.PaperFactory(
        title="Zorblax: fast caches",
        proceedings=None,
        arxiv_id="2402.00001",
        authors=["Grace Hopper"],
        abstract="We flurbify caches.",
    )
    created = import_conference_list(parse(BULK_LIST))
    first = _index_snapshot()
    edited = BULK_LIST.replace("Über-fast packets", "Renamed packets").replace("ETH", "Garply")
    updated = import_conference_list(parse(edited))
    assert (created.papers_created, created.papers_merged, updated.papers_updated) == (3, 1, 1)
    return first, _index_snapshot()


def test_a_bulk_import_indexes_exactly_as_the_triggers_do(monkeypatch):
    """The importer defers the paper triggers and writes its documents in one statement; the
    index must be the one the triggers, row by row, would have written."""
    from contextlib import contextmanager

    from papers import catalogue_import
    from papers.models import Proceedings, Topic

    bulk = _import_twice()
    assert bulk[1][1]["renamed"] == ["Renamed packets"] and bulk[1][1]["uber"] == []
    assert bulk[0][1]["hopper"] == bulk[0][1]["flurbify"] == ["Zorblax: fast caches"]
    Paper.objects.all().delete()
    Proceedings.objects.all().delete()
    Venue.objects.all().delete()
    Topic.objects.all().delete()
    assert not SearchDocument.objects.exists()

    @contextmanager
    def row_by_row(created, updated, new_papers=None):
        yield

    monkeypatch.setattr(catalogue_import, "paper_documents_deferred", row_by_row)
    assert _import_twice() == bulk


def test_the_triggers_are_back_after_a_bulk_import_and_a_dry_run():
    from papers.catalogue_import import import_conference_list
    from papers.conference_list import parse

    summary = import_conference_list(parse(BULK_LIST), dry_run=True)
    assert summary.papers_created == 4 and not SearchDocument.objects.exists()
    import_conference_list(parse(BULK_LIST))
    factories.PaperFactory(title="Saved after the import")
    assert found("saved") == ["Saved after the import"]
    paper = Paper.objects.get(title="Plain title without links")
    paper.title = "Plain title edited by hand"
    paper.save()
    assert found("edited") == ["Plain title edited by hand"]


# --- Documents of new papers built by the client (PostgreSQL) -------------------------------


def _plain_texts() -> list[tuple[str, str, str]]:
    """Title, authors, body: the corners of plain text, then seeded random ASCII."""
    import random

    punctuation = "".join(chr(code) for code in range(1, 128) if not chr(code).isalnum())
    cycle = [f"w{index}" for index in range(65)]
    texts = [
        ("", "", ""),
        ("!!!", "", "\n\n\n"),
        ("Title only", "", ""),
        ("", "Ada Lovelace, Grace Hopper", ""),
        ("", "", "\nMIT & CMU\n\nNested detail."),
        ("GPU-Kernels: v2.0 (fast)", "A. B. Cee", "done_now; 1e5 0x1F 007 3.14"),
        ("repeat repeat repeat", "repeat", "repeat\trepeat"),
        ("a" * 2047, "", "x " + "b" * 2047 + " y"),  # the longest word kept
        ("many", "", "same " * 255),  # the most positions a word keeps
        ("positions", "", " ".join(cycle * 252)[: 16382 * 4]),
        (punctuation, punctuation, punctuation),
    ]
    rng = random.Random(10)
    alphabet = "abcXYZ019 -_.,:;'\"\\\t\n/()[]{}<>@#&*"
    for _ in range(300):
        texts.append(
            tuple(
                "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60))) for _ in range(3)
            )
        )
    return texts


@pytest.mark.services
def test_plain_vectors_are_the_databases_own(postgres):
    """For every text the client gives a vector for, it is the vector papers_search_vector
    computes, position and weight alike."""
    from papers.search.documents import plain_vector

    texts = _plain_texts()
    given = [(text, plain_vector(*text)) for text in texts]
    assert all(vector is not None for _, vector in given), "the corpus is all plain text"
    with connection.cursor() as cursor:
        for (title, authors, body), vector in given:
            cursor.execute(
                "SELECT %s::tsvector = papers_search_vector(%s, %s, %s, ''),"
                " papers_search_vector(%s, %s, %s, '')::text",
                [vector, title, authors, body, title, authors, body],
            )
            same, expected = cursor.fetchone()
            assert same, (title[:60], authors[:60], body[:60], vector[:200], expected[:200])


def test_plain_vector_leaves_what_it_cannot_be_sure_of_to_the_database():
    from papers.search.documents import plain_vector

    assert plain_vector("Zorblax", "", "Université") is None  # unaccent's work
    assert plain_vector("分布式系统", "", "") is None  # CJK spacing
    assert plain_vector("", "", "x " + "b" * 2048) is None  # dropped by to_tsvector
    assert plain_vector("", "", "same " * 256) is None  # more positions than a word keeps
    cycle = " ".join(f"w{index}" for index in range(100))
    assert plain_vector("", "", " ".join([cycle] * 164)) is None  # 16,400 positions
    assert plain_vector("", "", "word " * 20000) is None  # past the length it checks whole
    assert plain_vector("Fast caches", "Ada", "MIT\nCaches") == "fast:1A caches:2A,5C ada:3B mit:4C"


@pytest.mark.services
def test_a_new_papers_document_is_the_one_the_database_builds(postgres):
    """paper_document() says again what papers_paper_documents() says: the same columns for
    a paper with every field the document reads."""
    from django.forms.models import model_to_dict

    from papers.search.documents import DOCUMENT_COLUMNS, paper_document

    with_proceedings = factories.PaperFactory(
        title="Zorblax",
        authors=["Ada Lovelace", None, "Grace Hopper"],
        abstract="We flurbify.",
        affiliations="MIT",
        system_name="ZB",
        notes="Notes\nover lines",
        position=7,
        proceedings__year=2031,
        proceedings__venue__name="BULKSYS",
    )
    preprint = factories.PaperFactory(title="A preprint", proceedings=None, arxiv_id="2402.00009")
    bare = factories.PaperFactory(title="Nothing", proceedings=None, arxiv_id="")
    with connection.cursor() as cursor:
        for paper, year, venue in (
            (with_proceedings, 2031, "BULKSYS"),
            (preprint, None, None),
            (bare, None, None),
        ):
            cursor.execute(
                f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM papers_paper_documents(%s)",
                [[paper.pk]],
            )
            row = {f.attname: getattr(paper, f.attname) for f in Paper._meta.concrete_fields}
            assert model_to_dict(paper)  # the row above is every column, by attname
            assert cursor.fetchone() == paper_document(paper.pk, row, year=year, venue=venue)


@pytest.mark.services
def test_new_papers_whose_authors_are_not_names_get_the_databases_document(postgres):
    """What jsonb makes of numbers or booleans among the authors is the database's to say:
    the client leaves those documents to it."""
    from django.db import transaction

    from papers.search.documents import paper_document
    from papers.search.index import NewPapers, paper_documents_deferred

    odd = {"title": "Odd authors", "authors": [1, True, "Ada"], "position": 0}
    assert paper_document(1, odd, year=None, venue=None) is None
    created: set[int] = set()
    new_papers: list[NewPapers] = []
    with transaction.atomic(), paper_documents_deferred(created, set(), new_papers):
        paper = Paper.objects.create(title=odd["title"], authors=odd["authors"])
        created.add(paper.pk)
        new_papers.append(NewPapers(ids=[paper.pk], rows=[odd], year=None, venue=None))
    document = SearchDocument.objects.get(paper_id=paper.pk)
    assert (document.authors, "'true':4B" in document.vector) == ("1, true, Ada", True)


@pytest.mark.services
def test_a_bulk_import_leaves_its_index_entries_pending(
    postgres, django_capture_on_commit_callbacks
):
    """The vector index takes a bulk import's entries into its pending list, where searches
    find them at once; the merge is sent for after the commit."""
    from papers.search import index
    from tests.papers.lists import import_generated

    with connection.cursor() as cursor:
        # 64 kB (8 pages): a writer that kept to it would leave at most that much pending.
        cursor.execute("SET gin_pending_list_limit = 64")
    with django_capture_on_commit_callbacks() as callbacks:
        import_generated(1000)
    assert len(callbacks) == 1
    assert found("999") == ["Generated paper 999 about systems"]
    assert index.merge_pending_documents() > 16  # pages of pending entries taken in
    assert found("999") == ["Generated paper 999 about systems"]


@pytest.mark.services
def test_the_merge_task_takes_the_pending_entries_in(postgres, django_capture_on_commit_callbacks):
    from celery import current_app

    from papers.search import index
    from tests.papers.lists import import_generated

    with django_capture_on_commit_callbacks():
        import_generated(300)
    assert current_app.tasks[index.MERGE_TASK].apply().get() > 0  # what the worker runs
    assert index.merge_pending_documents() == 0
    assert found("299") == ["Generated paper 299 about systems"]


@pytest.mark.services
def test_an_import_commits_when_the_broker_refuses_the_merge(
    postgres, broker_down, django_capture_on_commit_callbacks, caplog
):
    from tests.papers.lists import import_generated

    with django_capture_on_commit_callbacks(execute=True):
        summary = import_generated(20)
    assert summary.papers_created == 20
    assert "wait for autovacuum" in caplog.text
    assert found("19") == ["Generated paper 19 about systems"]
