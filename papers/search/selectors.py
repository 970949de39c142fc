"""Reading the search index: ranked search and the catalogue's list order, one shape for both.

`catalogue()` returns a `Listing`, a sequence the Paginator can count and slice. Its items are
`Hit`s: a paper (with its topics and links prefetched) or a talk whose slides matched. With a
query, the database ranks (SQLite: FTS5 bm25; PostgreSQL: ts_rank over the weighted tsvector);
without one, pages are read in list order off the index's sort columns. A page costs the same
queries at any catalogue size: the count (cached without a query), the page's documents, and
its papers with their topics and links.

Ranking is the one cost that grows with the matches (a common word matches a fifth of the
catalogue, and each match's rank is computed before the LIMIT), so a query's best
RANKED_CACHED document ids and its count are computed in one statement and cached with the
catalogue version: the next pages and the same search again read them from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from papers.models import Paper, PaperLink, Topic
from papers.presented import presented_q
from papers.search import catalogue_version
from papers.search.models import SearchDocument
from papers.search.text import Query, fts5_expression, snippet, tsquery_expression

LIST_ORDER = ("-sort_year", "sort_venue", "sort_position", "title", "paper_id")

# How many of a query's best matches are ranked once and cached (40 list pages, 5 API pages
# of 200); a page beyond them is ranked on its own.
RANKED_CACHED = 1000

# Where a paper matched, in the order a reader cares about; the first with a match is shown.
PAPER_FIELDS = [
    ("title", _("title")),
    ("system_name", _("system name")),
    ("authors", _("authors")),
    ("affiliations", _("affiliations")),
    ("abstract", _("abstract")),
    ("notes", _("notes")),
]


def with_details(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Prefetch what a paper listing shows: topics (with their area) and links."""
    return papers.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.select_related("parent__parent")),
        Prefetch("links", queryset=PaperLink.objects.order_by("position", "pk")),
    )


@dataclass
class Hit:
    kind: str  # SearchDocument.Kind
    paper: Paper | None
    # A slides hit: the talk's title, its session's address and "Topic I · date · term".
    title: str = ""
    url: str = ""
    label: str = ""
    where: str = ""  # the field that matched, for the reader ("notes", "slides")
    snippet: SafeString | None = None


@dataclass(frozen=True)
class Filters:
    """The catalogue's filters, already checked: `venue` is a venue's exact name (or "arXiv"),
    `topic_ids` a topic with its subtopics."""

    venue: str = ""
    year: int | None = None
    topic_ids: tuple[int, ...] = ()
    presented: bool | None = None  # presented before today (papers/presented.py), or not

    def __bool__(self) -> bool:
        return bool(
            self.venue or self.year is not None or self.topic_ids or self.presented is not None
        )

    def documents(self, documents: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
        if self.venue:
            documents = documents.filter(sort_venue=self.venue)
        if self.year is not None:
            documents = documents.filter(sort_year=self.year)
        if self.topic_ids:
            through = Paper.topics.through.objects.filter(topic_id__in=self.topic_ids)
            documents = documents.filter(paper_id__in=through.values("paper_id"))
        if self.presented is not None:
            shown = Paper.objects.filter(presented_q()).values("pk")
            if self.presented:
                documents = documents.filter(paper_id__in=shown)
            else:
                documents = documents.exclude(paper_id__in=shown)
        return documents

    def key(self) -> str:
        # "Presented" moves with the schedule and the date: such counts are not cached.
        return f"{self.venue}|{self.year}|{','.join(map(str, self.topic_ids))}"

    @property
    def cacheable(self) -> bool:
        return self.presented is None


class _PaperPk(TypedDict):
    pk: int


def _hidden_papers() -> QuerySet[Paper, _PaperPk]:
    """Ids of the papers Paper.objects.public() leaves out (the same condition, kept small)."""
    return (
        Paper.objects.exclude(
            pk__in=Paper.objects.public()
            .filter(fetch_status=Paper.FetchStatus.MISSING)
            .values("pk")
        )
        .filter(fetch_status=Paper.FetchStatus.MISSING)
        .values("pk")
    )


def _papers_by_id(ids: list[int]) -> dict[int, Paper]:
    if not ids:
        return {}

    # Links only: a list's topics come as labels (papers.selectors.attach_topics), which
    # builds no Topic objects, three per topic with their parents.
    papers = (
        Paper.objects.public()
        .select_related("proceedings__venue")
        .prefetch_related(Prefetch("links", queryset=PaperLink.objects.order_by("position", "pk")))
    )
    papers = papers.filter(pk__in=ids)
    return {paper.pk: paper for paper in papers}


class Listing(Sequence):
    """The catalogue in list order (no query) or by relevance (a query), filtered."""

    def __init__(self, query: Query, filters: Filters, papers_only: bool = False) -> None:
        self.query = query
        self.filters = filters
        self.papers_only = papers_only or bool(filters)
        self._count: int | None = None
        self._ranked: tuple[list[int], int] | None = None

    def _documents(self) -> QuerySet[SearchDocument]:
        # Papers the public catalogue hides (Paper.objects.public()) are few: leave them out.
        documents = SearchDocument.objects.exclude(paper_id__in=_hidden_papers())
        if self.papers_only:
            documents = documents.filter(kind=SearchDocument.Kind.PAPER)
        return self.filters.documents(documents)

    # Not Sequence.count(value): Django's Paginator calls `count()` with no argument for the
    # number of items (it checks the signature), so this one takes none.
    def count(self) -> int:  # type: ignore[override]
        if self._count is None:
            if not self.query:
                # The list's counts change only with the catalogue: cache them on its version.
                documents = self._documents().filter(kind=SearchDocument.Kind.PAPER)
                if self.filters.cacheable:
                    self._count = catalogue_version.cached(
                        f"count:{self.filters.key()}", documents.count
                    )
                else:
                    self._count = documents.count()
            else:
                self._count = self._best()[1]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        if not self.query:
            return self._list_page(start, stop)
        ids = self._ranked_ids(start, stop)
        documents = SearchDocument.objects.filter(id__in=ids).values_list(
            "id", "kind", "paper_id", "title", "slides", "label", "url"
        )
        by_id = {row[0]: row[1:] for row in documents}
        return self._hits([by_id[pk] for pk in ids if pk in by_id])

    def paper_ids(self, start: int, stop: int) -> list[int]:
        """The ids of the papers from `start` to `stop`, in order, without building the papers
        (the JSON API reads values); talks whose slides matched are left out."""
        if not self.query:
            return self._list_ids(start, stop)
        ids = self._ranked_ids(start, stop)
        documents = SearchDocument.objects.filter(id__in=ids, kind=SearchDocument.Kind.PAPER)
        paper_of: dict[int, int] = {
            pk: paper_id
            for pk, paper_id in documents.values_list("id", "paper_id")
            if paper_id is not None
        }
        return [paper_of[pk] for pk in ids if pk in paper_of]

    # --- No query: list order, straight off an index --------------------------------------

    def _list_ids(self, start: int, stop: int) -> list[int]:
        ids = (
            self._documents()
            .filter(kind=SearchDocument.Kind.PAPER)
            .order_by(*LIST_ORDER)
            .values_list("paper_id", flat=True)[start:stop]
        )
        return [pk for pk in ids if pk is not None]

    def _list_page(self, start: int, stop: int) -> list[Hit]:
        ids = self._list_ids(start, stop)
        papers = _papers_by_id(ids)
        return [Hit(kind="paper", paper=papers[pk]) for pk in ids if pk in papers]

    # --- A query: ranked --------------------------------------------------------------------

    def _best(self) -> tuple[list[int], int]:
        """The best RANKED_CACHED matches' document ids, best first, and the number of all
        matches, cached with the catalogue version (not for the "presented" filter, which
        moves with the schedule and the date)."""
        if self._ranked is None:
            if self.filters.cacheable:
                search = repr((self.query.words, self.filters.key(), self.papers_only))
                digest = hashlib.sha256(search.encode()).hexdigest()[:32]
                self._ranked = catalogue_version.cached(
                    f"search:{digest}", lambda: self._rank(0, RANKED_CACHED)
                )
            else:
                self._ranked = self._rank(0, RANKED_CACHED)
        return self._ranked

    def _ranked_ids(self, start: int, stop: int) -> list[int]:
        if stop <= RANKED_CACHED:
            return self._best()[0][start:stop]
        return self._rank(start, stop - start)[0]

    def _rank(self, offset: int, limit: int) -> tuple[list[int], int]:
        """Document ids `offset` to `offset + limit` by relevance, and the number of all
        matches (one statement: the ranking reads every match anyway; 0 past the end)."""
        if connection.vendor == "postgresql":
            rows = list(
                self._documents()
                .filter(vector=self._tsquery())
                .annotate(
                    rank=SearchRank(F("vector"), self._tsquery()),
                    total=Window(Count("id")),
                )
                .order_by("-rank", "id")
                .values_list("id", "total")[offset : offset + limit]
            )
        else:
            where, params = self._sqlite_where()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid, count(*) OVER () FROM papers_search_fts"
                    f" WHERE {where} ORDER BY rank, rowid LIMIT %s OFFSET %s",
                    [*params, limit, offset],
                )
                rows = cursor.fetchall()
        return [pk for pk, _ in rows], rows[0][1] if rows else 0

    def _tsquery(self) -> SearchQuery:
        # "raw": the expression is built from letter-and-digit tokens only (text.py), with the
        # prefix match on the last word that websearch syntax cannot say.
        return SearchQuery(tsquery_expression(self.query), search_type="raw", config="simple")

    def _sqlite_where(self) -> tuple[str, list]:
        """The FTS table's WHERE: the match, and the documents the filters allow by rowid
        (the FTS table ranks on its own; only the page's rows are read from the documents)."""
        where, params = ["papers_search_fts MATCH %s"], [fts5_expression(self.query)]
        if self.filters:
            # The filters as the ORM writes them, as a subquery of document ids.
            sql, filter_params = (
                self._documents().filter(kind=SearchDocument.Kind.PAPER).values("id")
            ).query.sql_with_params()
            where.append(f"papers_search_fts.rowid IN ({sql})")
            params += filter_params
        else:
            # Talks and hidden papers are few: leaving them out is cheaper than listing the rest.
            left_out = SearchDocument.objects.filter(paper_id__in=_hidden_papers())
            if self.papers_only:
                left_out = left_out | SearchDocument.objects.filter(kind=SearchDocument.Kind.SLIDES)
            sql, left_params = left_out.values("id").query.sql_with_params()
            where.append(f"papers_search_fts.rowid NOT IN ({sql})")
            params += left_params
        return " AND ".join(where), params

    # --- Both -----------------------------------------------------------------------------

    def _hits(self, rows: list[tuple]) -> list[Hit]:
        papers = _papers_by_id([paper_id for _, paper_id, *_ in rows if paper_id])
        hits = []
        for kind, paper_id, title, slides, label, url in rows:
            paper = papers.get(paper_id) if paper_id else None
            if kind == SearchDocument.Kind.PAPER:
                if paper is not None:
                    hits.append(self._paper_hit(paper))
                continue
            hits.append(
                Hit(
                    kind=kind,
                    paper=paper,
                    title=title,
                    url=url,
                    label=label,
                    where=str(_("slides")),
                    snippet=snippet(slides, self.query) or snippet(title, self.query),
                )
            )
        return hits

    def _paper_hit(self, paper: Paper) -> Hit:
        for name, label in PAPER_FIELDS:
            value = getattr(paper, name)
            text = ", ".join(value) if isinstance(value, list) else value
            found = snippet(text, self.query)
            if found is not None:
                if name == "title":
                    continue  # the title is on the card already; say where else it matched
                return Hit(kind="paper", paper=paper, where=str(label), snippet=found)
        return Hit(kind="paper", paper=paper)
