"""Related work: catalogue papers from the three years up to a paper, closest first.

The group's format asks each lead for a review of related work from the past three years.
Candidates are the papers of those years (the paper's own year and the three before it);
each is scored by the BM25 similarity of its text to the paper's (planner/bm25.py) plus a
bonus per shared topic and a smaller one per shared area, so a paper on the same subtopic
with similar words comes first. A fixed number of queries at any catalogue size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from papers.models import Paper, Topic
from papers.search.catalogue_version import cached
from planner.bm25 import BM25, tokenize
from planner.topics import paper_text

YEARS = 3
LIMIT = 10
CANDIDATES = 2000  # newest first: bounds the in-memory index on a huge catalogue
SHARED_TOPIC, SHARED_AREA = 4.0, 1.0


@dataclass(frozen=True)
class Related:
    paper: Paper
    score: float
    shared_topics: tuple[str, ...]

    @property
    def link(self) -> str:
        """The link a slide reader can open: arXiv, else DOI, else '' (the catalogue page)."""
        return self.paper.arxiv_url or self.paper.doi_url


def _area(topic: Topic, topics: dict[int, Topic]) -> int:
    while topic.parent_id is not None:
        topic = topics[topic.parent_id]
    return topic.pk


def related_papers(paper: Paper, limit: int = LIMIT) -> list[Related]:
    year = paper.year or timezone.localdate().year
    in_window = Q(proceedings__year__range=(year - YEARS, year)) | Q(
        proceedings__isnull=True, arxiv_published__year__range=(year - YEARS, year)
    )
    candidates = list(
        Paper.objects.public()
        .filter(in_window)
        .exclude(pk=paper.pk)
        .select_related("proceedings__venue")
        .order_by("-proceedings__year", "-arxiv_published", "-pk")[:CANDIDATES]
    )
    if not candidates:
        return []
    topics = {t.pk: t for t in Topic.objects.select_related("parent__parent")}
    by_paper: dict[int, set[int]] = defaultdict(set)
    for paper_id, topic_id in Paper.topics.through.objects.filter(
        paper_id__in=[paper.pk, *(c.pk for c in candidates)]
    ).values_list("paper_id", "topic_id"):
        by_paper[paper_id].add(topic_id)
    mine = by_paper[paper.pk]
    my_areas = {_area(topics[t], topics) for t in mine}
    index = BM25([tokenize(paper_text(c)) for c in candidates])
    scores = index.scores(tokenize(paper_text(paper)))
    found = []
    for candidate, text_score in zip(candidates, scores, strict=True):
        theirs = by_paper[candidate.pk]
        shared = mine & theirs
        areas = my_areas & {_area(topics[t], topics) for t in theirs}
        score = text_score + SHARED_TOPIC * len(shared) + SHARED_AREA * len(areas)
        if score > 0:
            names = tuple(sorted(" / ".join(topics[t].path) for t in shared))
            found.append(Related(candidate, round(score, 2), names))
    found.sort(key=lambda r: (-r.score, r.paper.pk))
    return found[:limit]


def cached_related_papers(paper: Paper) -> list[Related]:
    """related_papers(paper) until the catalogue changes: a paper's page is public, and on a
    100,000-paper catalogue ranking its candidates took 0.7 s a view."""
    return cached(f"related:{paper.pk}", lambda: related_papers(paper))


def as_markdown(related: list[Related], site_url: str = "") -> str:
    """A markdown list for the lead's slides: "- [Title](link) (SOSP'24)", best first."""
    lines = []
    for item in related:
        url = item.link or f"{site_url}{item.paper.get_absolute_url()}"
        label = item.paper.venue_label
        title = item.paper.title.replace("[", "\\[").replace("]", "\\]")
        lines.append(f"- [{title}]({url})" + (f" ({label})" if label else ""))
    return "\n".join(lines)
