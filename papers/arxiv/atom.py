"""Parse the Atom feed the arXiv API answers with. Pure: bytes in, dataclasses out.

Elements are matched by namespace, never by prefix, so both shapes of the feed parse alike:
the newer one declares its namespaces once on the root and writes https URLs, the older one
declares them on every element and writes http. A namespace URI is compared without its scheme
because arXiv has written both http:// and https:// forms of its own schema URI.

defusedxml refuses entity declarations and external references, so a hostile or broken
response cannot expand into gigabytes or read local files.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from papers.identifiers import collapse_whitespace

ATOM_NS = "www.w3.org/2005/Atom"
ARXIV_NS = "arxiv.org/schemas/atom"
OPENSEARCH_NS = "a9.com/-/spec/opensearch/1.1/"

# An entry id is https://arxiv.org/abs/2412.03131v2 or http://arxiv.org/abs/cs/0112017v1.
_ENTRY_ID = re.compile(r"/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")


class FeedError(Exception):
    """The body is not a usable Atom feed (truncated, malformed, or not XML at all)."""


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One paper as arXiv describes its latest (or asked-for) version."""

    arxiv_id: str  # without version: 2412.03131, cs/0112017
    version: int | None
    title: str
    summary: str
    authors: tuple[Author, ...]
    published: datetime.datetime | None  # v1
    updated: datetime.datetime | None  # this version
    primary_category: str
    categories: tuple[str, ...]
    doi: str
    journal_ref: str
    comment: str
    abs_url: str
    pdf_url: str

    @property
    def author_names(self) -> list[str]:
        return [author.name for author in self.authors]

    @property
    def affiliations(self) -> list[str]:
        """Every affiliation named, first mention first."""
        seen: dict[str, None] = {}
        for author in self.authors:
            for affiliation in author.affiliations:
                seen.setdefault(affiliation, None)
        return list(seen)


@dataclass(frozen=True)
class ErrorEntry:
    """arXiv's way of saying a query was wrong: HTTP 200 and an entry titled "Error"."""

    id: str  # https://arxiv.org/api/errors#incorrect_id_format_for_2409.3108
    message: str  # incorrect id format for 2409.3108


@dataclass
class Feed:
    entries: list[Entry] = field(default_factory=list)
    errors: list[ErrorEntry] = field(default_factory=list)
    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None


def _split(tag: str) -> tuple[str, str]:
    """'{https://arxiv.org/schemas/atom}doi' -> ('arxiv.org/schemas/atom', 'doi')."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        uri = uri.removeprefix("https://").removeprefix("http://")
        return uri, local
    return "", tag


def _children(element: Element, ns: str, name: str) -> list[Element]:
    return [child for child in element if _split(child.tag) == (ns, name)]


def _child(element: Element, ns: str, name: str) -> Element | None:
    for child in element:
        if _split(child.tag) == (ns, name):
            return child
    return None


def _text(element: Element, ns: str, name: str) -> str:
    child = _child(element, ns, name)
    if child is None:
        return ""
    return collapse_whitespace("".join(child.itertext()))


def _int(element: Element, ns: str, name: str) -> int | None:
    text = _text(element, ns, name)
    try:
        return int(text)
    except ValueError:
        return None


def _datetime(text: str) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def split_entry_id(entry_id: str) -> tuple[str, int | None] | None:
    """'https://arxiv.org/abs/2412.03131v2' -> ('2412.03131', 2)."""
    match = _ENTRY_ID.search(entry_id.strip())
    if match is None:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def is_error_id(entry_id: str) -> bool:
    return "/api/errors" in entry_id


def _parse_entry(element: Element) -> Entry | ErrorEntry | None:
    entry_id = _text(element, ATOM_NS, "id")
    if is_error_id(entry_id):
        message = _text(element, ATOM_NS, "summary") or entry_id
        return ErrorEntry(id=entry_id, message=message)
    parts = split_entry_id(entry_id)
    if parts is None:
        return None
    arxiv_id, version = parts

    authors = []
    for author in _children(element, ATOM_NS, "author"):
        name = _text(author, ATOM_NS, "name")
        if not name:
            continue
        affiliations = tuple(
            text
            for text in (
                collapse_whitespace("".join(a.itertext()))
                for a in _children(author, ARXIV_NS, "affiliation")
            )
            if text
        )
        authors.append(Author(name=name, affiliations=affiliations))

    abs_url = pdf_url = ""
    for link in _children(element, ATOM_NS, "link"):
        rel = link.get("rel", "alternate")
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = pdf_url or link.get("href", "")
        elif rel == "alternate":
            abs_url = abs_url or link.get("href", "")

    primary = _child(element, ARXIV_NS, "primary_category")
    terms = (category.get("term", "") for category in _children(element, ATOM_NS, "category"))
    categories = tuple(term for term in terms if term)
    return Entry(
        arxiv_id=arxiv_id,
        version=version,
        title=_text(element, ATOM_NS, "title"),
        summary=_text(element, ATOM_NS, "summary"),
        authors=tuple(authors),
        published=_datetime(_text(element, ATOM_NS, "published")),
        updated=_datetime(_text(element, ATOM_NS, "updated")),
        primary_category=primary.get("term", "") if primary is not None else "",
        categories=categories,
        doi=_text(element, ARXIV_NS, "doi"),
        journal_ref=_text(element, ARXIV_NS, "journal_ref"),
        comment=_text(element, ARXIV_NS, "comment"),
        abs_url=abs_url,
        pdf_url=pdf_url,
    )


def parse_feed(body: bytes | str) -> Feed:
    """Parse an arXiv API response body. Raises FeedError when it is not a complete feed."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not body.strip():
        raise FeedError("empty response body")
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        raise FeedError(f"not a well-formed Atom feed ({exc})") from exc
    if _split(root.tag) != (ATOM_NS, "feed"):
        raise FeedError(f"expected an Atom <feed>, got <{_split(root.tag)[1]}>")

    # Only <entry> children are papers: the feed's own <id>, <title> and <link> (the query
    # itself) sit beside them and are skipped by construction.
    feed = Feed(
        total_results=_int(root, OPENSEARCH_NS, "totalResults"),
        start_index=_int(root, OPENSEARCH_NS, "startIndex"),
        items_per_page=_int(root, OPENSEARCH_NS, "itemsPerPage"),
    )
    for element in _children(root, ATOM_NS, "entry"):
        parsed = _parse_entry(element)
        if isinstance(parsed, ErrorEntry):
            feed.errors.append(parsed)
        elif parsed is not None:
            feed.entries.append(parsed)
    return feed
