"""BibTeX and CSL-JSON: what the library parses back, with the fields a citation needs."""

from __future__ import annotations

import bibtexparser
import pytest

from papers.citations import bibtex, citation_key
from papers.models import Venue
from tests import factories

pytestmark = pytest.mark.django_db


def parse(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {
        entry.key: {"type": entry.entry_type, **{f.key: f.value for f in entry.fields}}
        for entry in library.entries
    }


@pytest.fixture
def conference_paper(db):
    return factories.PaperFactory(
        title="Tempo: {fast} & 100% cheap_caches",
        authors=["Jörg Müller", "Ada Lovelace"],
        proceedings__venue__name="SOSP",
        proceedings__venue__full_name="ACM Symposium on Operating Systems Principles",
        proceedings__year=2025,
        doi="10.1145/3731569.3764800",
        arxiv_id="2501.01234",
    )


@pytest.fixture
def preprint(db):
    return factories.PaperFactory(
        title="A preprint", authors=["Alan Turing"], proceedings=None, arxiv_id="2502.00002"
    )


def test_a_conference_paper_parses_back_with_its_fields(client, conference_paper):
    response = client.get(f"/papers/{conference_paper.pk}.bib")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    entries = parse(response.content.decode())
    key = f"muller2025tempo-{conference_paper.pk}"
    assert list(entries) == [key] == [citation_key(conference_paper)]
    entry = entries[key]
    assert entry["type"] == "inproceedings"
    assert entry["title"] == r"Tempo: \{fast\} \& 100\% cheap\_caches"
    assert entry["author"] == "Jörg Müller and Ada Lovelace"
    assert entry["booktitle"] == "ACM Symposium on Operating Systems Principles (SOSP 2025)"
    assert entry["year"] == "2025"
    assert entry["doi"] == "10.1145/3731569.3764800"
    assert entry["url"] == "https://doi.org/10.1145/3731569.3764800"
    assert entry["eprint"] == "2501.01234" and entry["archivePrefix"] == "arXiv"


def test_a_preprint_is_misc_with_its_eprint(preprint):
    [entry] = parse(bibtex([preprint])).values()
    assert entry["type"] == "misc"
    assert entry["eprint"] == "2502.00002" and entry["archivePrefix"] == "arXiv"
    assert entry["url"] == "https://arxiv.org/abs/2502.00002"
    assert "booktitle" not in entry


def test_a_journal_paper_is_an_article(db):
    paper = factories.PaperFactory(
        proceedings__venue__name="TOCS", proceedings__venue__kind=Venue.Kind.JOURNAL
    )
    [entry] = parse(bibtex([paper])).values()
    assert entry["type"] == "article" and entry["journal"] == "TOCS"


def test_export_takes_the_catalogue_query_string(client, conference_paper, preprint):
    entries = parse(client.get("/papers/export.bib", {"venue": "sosp"}).content.decode())
    assert [e["title"] for e in entries.values()] == [r"Tempo: \{fast\} \& 100\% cheap\_caches"]
    entries = parse(client.get("/papers/export.bib", {"q": "preprint"}).content.decode())
    assert [e["title"] for e in entries.values()] == ["A preprint"]
    assert len(parse(client.get("/papers/export.bib").content.decode())) == 2
    # The catalogue links to the export of what it shows.
    html = client.get("/papers/", {"q": "preprint", "page": 1}).content.decode()
    assert 'href="/papers/export.bib?q=preprint"' in html


def test_csl_json(client, conference_paper, preprint):
    [item] = client.get(f"/papers/{conference_paper.pk}.csl.json").json()
    assert item["type"] == "paper-conference"
    assert item["author"][0] == {"family": "Müller", "given": "Jörg"}
    assert item["issued"] == {"date-parts": [[2025]]}
    assert item["DOI"] == "10.1145/3731569.3764800"
    items = client.get("/papers/export.csl.json", {"venue": "arxiv"}).json()
    assert [i["title"] for i in items] == ["A preprint"] and items[0]["type"] == "article"


def test_a_terms_presented_papers(client, conference_paper, preprint):
    session = factories.SessionFactory()
    factories.TalkFactory(session=session, paper=conference_paper, position=1)
    factories.TalkFactory(session=session, paper=preprint, position=2)
    factories.TalkFactory(session=factories.SessionFactory(term=session.term), paper=None)
    term = session.term
    entries = parse(client.get(f"/terms/{term.slug}/papers.bib").content.decode())
    assert list(entries) == [citation_key(conference_paper), citation_key(preprint)]
    items = client.get(f"/terms/{term.slug}/papers.csl.json").json()
    assert len(items) == 2
    html = client.get(term.get_absolute_url()).content.decode()
    assert f'href="/terms/{term.slug}/papers.bib"' in html
    assert client.get("/terms/no-such-term/papers.bib").status_code == 404


def test_paper_page_links_its_citation(client, conference_paper):
    html = client.get(conference_paper.get_absolute_url()).content.decode()
    assert f'href="/papers/{conference_paper.pk}.bib"' in html
    assert f'href="/papers/{conference_paper.pk}.csl.json"' in html
