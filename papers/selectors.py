"""Read-side queries of the catalogue: search, filters, a proceedings laid out like its list.

Every function returns querysets or plain data fetched with a fixed number of queries, so the
pages and the API that use them keep the same query count at any size of catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext

from papers.catalogue_import import UNFILED_AREA, outline
from papers.identifiers import normalize_title
from papers.models import Paper, Proceedings, Topic
from papers.search import catalogue_version

# with_details lives with the search listing (which needs it) and is re-exported here.
from papers.search.selectors import Filters, Hit, Listing, with_details
from papers.search.text import Query, parse_query
from papers.venues import PREPRINT_VENUE, is_preprint

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

__all__ = ["Hit", "Listing", "Query", "catalogue", "parse_query"]


def search_papers(
    q: str = "", venue: str = "", year: int | None = None, topic: Topic | int | None = None
) -> QuerySet[Paper]:
    """Public papers matching a query and filters, newest proceedings first, in list order.

    `q`: every word must appear in the title, authors, affiliations, system name or notes.
    `venue`: a venue name, any case ("sosp"); "arxiv" also finds preprints without proceedings.
    `topic`: a Topic or its id; papers of its subtopics count too.
    """
    papers = Paper.objects.public().select_related("proceedings__venue")
    for word in (q or "").split():
        match = (
            Q(title__icontains=word)
            | Q(authors__icontains=word)
            | Q(affiliations__icontains=word)
            | Q(system_name__icontains=word)
            | Q(notes__icontains=word)
        )
        # SQLite keeps JSON with non-ASCII letters escaped ("M\u00fcller"): look for that too.
        escaped = json.dumps(word)[1:-1]
        if escaped != word:
            match |= Q(authors__icontains=escaped)
        # Punctuation-insensitive on titles: "in-context" finds "In context".
        normalized = normalize_title(word)
        if normalized:
            match |= Q(normalized_title__contains=normalized)
        papers = papers.filter(match)
    venue = (venue or "").strip()
    if venue:
        by_venue = Q(proceedings__venue__name__iexact=venue)
        if is_preprint(venue):
            by_venue |= Q(proceedings__isnull=True) & ~Q(arxiv_id="")
        papers = papers.filter(by_venue)
    if year is not None:
        papers = papers.filter(proceedings__year=year)
    if topic is not None:
        topic_ids = topic_and_descendants(topic.pk if isinstance(topic, Topic) else int(topic))
        # A subquery rather than a join, so a paper in two matching topics is listed once.
        through = Paper.topics.through.objects.filter(topic_id__in=topic_ids)
        papers = papers.filter(pk__in=through.values("paper_id"))
    return papers.order_by(
        F("proceedings__year").desc(nulls_last=True),
        "proceedings__venue__name",
        "position",
        "title",
        "pk",
    )


def catalogue(
    query: Query | str = "",
    venue: str = "",
    year: int | None = None,
    topic: Topic | int | None = None,
    presented: bool | None = None,
    papers_only: bool = False,
) -> Listing:
    """The catalogue page's results: ranked by relevance with a query (papers and talks whose
    slides matched; `papers_only` leaves the talks out), else in list order (`search_papers`'
    order). `venue` any case; an unknown venue matches nothing. Raises text.QueryError for a
    query that cannot be searched (a NUL byte)."""
    if isinstance(query, str):
        query = parse_query(query)
    venue = (venue or "").strip()
    if venue:
        known = {name.lower(): name for name in filter_choices().venues}
        venue = known.get(venue.lower(), venue)
    filters = Filters(
        venue=venue,
        year=year,
        topic_ids=topic_ids(topic) if topic is not None else (),
        presented=presented,
    )
    return Listing(query, filters, papers_only=papers_only)


def topic_ids(topic: Topic | int) -> tuple[int, ...]:
    """A topic and its subtopics, cached with the catalogue (the taxonomy changes rarely)."""
    topic_id = topic.pk if isinstance(topic, Topic) else int(topic)
    return catalogue_version.cached(
        f"topic-ids:{topic_id}", lambda: tuple(topic_and_descendants(topic_id))
    )


def topic_and_descendants(topic_id: int) -> list[int]:
    """The topic's id and those of every topic below it (one query over the taxonomy)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [topic_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def paper_detail(pk: int, *, include_hidden: bool = False) -> Paper | None:
    """One paper with what its page shows; None when it is not public (unless include_hidden)."""
    papers = Paper.objects.all() if include_hidden else Paper.objects.public()
    return with_details(papers.select_related("proceedings__venue")).filter(pk=pk).first()


class PaperCount(TypedDict):
    paper_count: int


@dataclass
class FilterChoices:
    venues: list[str]
    years: list[int]
    topics: list[tuple[int, str]]  # (id, "Area / Subtopic"), areas first then their children
    proceedings: list[WithAnnotations[Proceedings, PaperCount]]
    # Each topic's names from its area down (Topic.path), for lists built from values.
    topic_paths: dict[int, list[str]]


def filter_choices() -> FilterChoices:
    """What the catalogue's filters offer, cached until the catalogue changes (three queries,
    whatever the catalogue holds, when it is not in the cache)."""
    return catalogue_version.cached("filter-choices", _filter_choices)


def _filter_choices() -> FilterChoices:
    proceedings = list(
        Proceedings.objects.select_related("venue")
        .annotate(paper_count=Count("papers"))
        .order_by("-year", "venue__name")
    )
    venues = sorted({p.venue.name for p in proceedings}, key=str.lower)
    preprints = Paper.objects.public().filter(proceedings__isnull=True).exclude(arxiv_id="")
    if not any(is_preprint(name) for name in venues) and preprints.exists():
        venues.append(PREPRINT_VENUE)
    years = sorted({p.year for p in proceedings}, reverse=True)
    paths = topic_paths()
    return FilterChoices(
        venues=venues,
        years=years,
        topics=[(pk, " / ".join(path)) for pk, path in paths],
        proceedings=proceedings,
        topic_paths=dict(paths),
    )


def attach_topics(papers: Iterable[Paper]) -> None:
    """Set `paper.topic_links`, [(topic id, "Area / Subtopic")] by the topics' names, on each
    paper: one query of (paper, topic) pairs, the labels from the cached filter choices."""
    papers = list(papers)
    paths = filter_choices().topic_paths
    by_paper: dict[int, list[int]] = {paper.pk: [] for paper in papers}
    pairs = Paper.topics.through.objects.filter(paper_id__in=by_paper)
    for paper_id, topic_id in pairs.values_list("paper_id", "topic_id"):
        if topic_id not in paths:  # a topic added without the catalogue version moving
            paths = dict(topic_paths())
        by_paper[paper_id].append(topic_id)
    for paper in papers:
        ids = sorted(by_paper[paper.pk], key=lambda pk: (paths[pk][-1], pk))  # Topic's order
        paper.topic_links = [(pk, " / ".join(paths[pk])) for pk in ids]


def topic_choices() -> list[tuple[int, str]]:
    """Every topic as (id, path label), each area followed by its subtopics, by name."""
    return [(pk, " / ".join(path)) for pk, path in topic_paths()]


def topic_paths() -> list[tuple[int, list[str]]]:
    """Every topic as (id, names from its area down), in topic_choices' order (one query)."""
    topics = list(Topic.objects.all())
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    paths: list[tuple[int, list[str]]] = []

    def walk(parent_id: int | None, above: list[str]) -> None:
        for topic in sorted(children.get(parent_id, []), key=lambda t: t.name.lower()):
            path = [*above, topic.name]
            paths.append((topic.pk, path))
            walk(topic.pk, path)

    walk(None, [])
    return paths


def get_proceedings(venue: str, year: int) -> Proceedings | None:
    return (
        Proceedings.objects.select_related("venue")
        .filter(venue__name__iexact=venue, year=year)
        .first()
    )


def proceedings_outline(proceedings: Proceedings) -> list[tuple[str, list[tuple[str, list]]]]:
    """The proceedings' papers grouped as its list has them: [(area, [(subtopic, papers)])]."""
    papers = Paper.objects.filter(proceedings=proceedings).order_by("position", "title", "pk")
    # The area of papers without a topic is the list file's "Other"; the page says it in the
    # viewer's language.
    return [
        (gettext("Other") if area == UNFILED_AREA else area, sections)
        for area, sections in outline(with_details(papers))
    ]
