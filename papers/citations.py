"""Citations of catalogue papers: BibTeX (written with bibtexparser 2) and CSL-JSON (Zotero).

The citation key is `<first author's family name><year><first title word>-<paper id>`, ASCII,
lower case: the same paper gets the same key in every export, and two papers never share one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import bibtexparser
from bibtexparser.model import Entry, Field

from papers.models import Paper, Proceedings, Venue

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))


def latex_escape(text: str) -> str:
    """Text as a BibTeX value: LaTeX's special characters escaped, so braces stay balanced
    and nothing is read as a command. Other characters stay UTF-8 (biber and Zotero read it)."""
    return _SPECIALS.sub(lambda match: _LATEX_SPECIALS[match.group(0)], " ".join(text.split()))


def _ascii_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def citation_key(paper: Paper) -> str:
    family = _ascii_word(paper.authors[0].split()[-1]) if paper.authors else ""
    words = [_ascii_word(word) for word in re.split(r"[\s:]+", paper.title)]
    first = next((word for word in words if word), "")
    return f"{family or 'anon'}{paper.year or ''}{first}-{paper.pk}"


def _published_in(paper: Paper) -> Proceedings | None:
    """The proceedings a paper appeared in; None for a preprint (on arXiv or nowhere yet)."""
    proceedings = paper.proceedings
    if proceedings is None or proceedings.venue.is_preprint:
        return None
    return proceedings


def _container(proceedings: Proceedings) -> str:
    """'<proceedings' or venue's full name> (SOSP 2025)', else 'SOSP 2025'."""
    venue, year = proceedings.venue, proceedings.year
    short = f"{venue.name} {year}" if year else venue.name
    full = proceedings.full_name or venue.full_name
    return f"{full} ({short})" if full else short


def _url(paper: Paper) -> str:
    if paper.doi:
        return paper.doi_url
    if paper.arxiv_id:
        return paper.arxiv_url
    return next(
        (link.url for link in paper.links.all() if link.url.startswith(("https://", "http://"))),
        "",
    )


def bibtex_entry(paper: Paper) -> Entry:
    """One paper as a BibTeX entry: @inproceedings (conference or workshop, booktitle),
    @article (journal) or @misc (a preprint: eprint and archivePrefix)."""
    fields: list[tuple[str, str]] = [("title", paper.title)]
    if paper.authors:
        fields.append(("author", " and ".join(paper.authors)))
    year = paper.year
    published = _published_in(paper)
    if published is None:
        kind = "misc"
        if paper.arxiv_id:
            fields.append(("howpublished", "arXiv preprint"))
    elif published.venue.kind == Venue.Kind.JOURNAL:
        kind = "article"
        fields.append(("journal", published.venue.full_name or published.venue.name))
    else:
        kind = "inproceedings"
        fields.append(("booktitle", _container(published)))
    if year:
        fields.append(("year", str(year)))
    if paper.doi:
        fields.append(("doi", paper.doi))
    url = _url(paper)
    if url:
        fields.append(("url", url))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
        if paper.arxiv_primary_category:
            fields.append(("primaryClass", paper.arxiv_primary_category))
    return Entry(
        kind,
        citation_key(paper),
        [
            Field(name, value if name in ("url", "doi") else latex_escape(value))
            for name, value in fields
        ],
    )


def bibtex(papers: Iterable[Paper]) -> str:
    library = bibtexparser.Library()
    for paper in papers:
        library.add(bibtex_entry(paper))
    return bibtexparser.write_string(library)


def csl_item(paper: Paper) -> dict:
    """One paper as CSL-JSON, the format Zotero and citeproc read."""
    item: dict = {
        "id": citation_key(paper),
        "title": paper.title,
        "author": [_csl_name(name) for name in paper.authors or []],
    }
    published = _published_in(paper)
    if published is None:
        item["type"] = "article"  # CSL's type for preprints
        if paper.arxiv_id:
            item["publisher"] = "arXiv"
    elif published.venue.kind == Venue.Kind.JOURNAL:
        item["type"] = "article-journal"
        item["container-title"] = published.venue.full_name or published.venue.name
    else:
        item["type"] = "paper-conference"
        item["container-title"] = _container(published)
        item["event-title"] = published.venue.name
    year = paper.year
    if year:
        item["issued"] = {"date-parts": [[year]]}
    if paper.doi:
        item["DOI"] = paper.doi
    url = _url(paper)
    if url:
        item["URL"] = url
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"
    if paper.abstract:
        item["abstract"] = paper.abstract
    return item


def _csl_name(name: str) -> dict:
    parts = name.split()
    if len(parts) < 2:
        return {"literal": name}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def csl_json(papers: Iterable[Paper]) -> list[dict]:
    return [csl_item(paper) for paper in papers]
