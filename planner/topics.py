"""Topic suggestions for papers without topics (most arXiv papers), from their text.

Each paper with topics is a document (title, system name, abstract, notes). A paper to label
is a BM25 query against them (planner/bm25.py): its nearest labelled papers vote for their
topics with their scores. Areas are ranked first (an area's score is its papers' votes), then
the subtopics inside them, so the first suggestion names the most likely area and, where the
neighbours agree, its subtopic. `bench/topic_suggestions.py` measures how often the first
suggestion's area is the true one, hiding each labelled paper's topics in turn.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from papers.models import Acronym, Paper, Topic
from planner.bm25 import BM25, tokenize
from readinggroup.params import parse_id

NEIGHBOURS = 7  # labelled papers that vote; fewer is noisier, more lets big areas win
# A topic's own name in the paper's text ("RDMA", "Video", "MoE") is evidence too: the
# taxonomy is known even where no other paper carries the topic yet. Weighted against votes.
NAME_WEIGHT = 1.0
TEXT_FIELDS = ("title", "system_name", "abstract", "notes")
# The labelled papers indexed, newest first: indexing all of a 100,000-paper catalogue took
# 3.3 s and 430 MB per request; the neighbours that vote are nearly always among recent papers.
INDEXED_PAPERS = 5000


def paper_text(paper: Paper) -> str:
    """What a paper says about itself: title, system name, abstract (once fetched), notes."""
    return "\n".join(getattr(paper, name) or "" for name in TEXT_FIELDS)


@dataclass(frozen=True)
class TopicSuggestion:
    topic: Topic
    score: float
    because: tuple[int, ...] = ()  # ids of the labelled papers that voted for it, best first

    @property
    def path(self) -> list[str]:
        return self.topic.path


@dataclass
class TopicSuggester:
    """The labelled catalogue indexed once; `suggest` answers without further queries."""

    paper_ids: list[int]
    texts: list[str]
    paper_topics: list[list[int]]
    topics: dict[int, Topic]
    # Acronyms of the catalogue's glossaries, tokenised: ("large language model", "llm").
    acronyms: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._position = {pk: i for i, pk in enumerate(self.paper_ids)}
        self.index = BM25([self._tokens(text) for text in self.texts])
        self._name_ids = list(self.topics)
        self.names = BM25([tokenize(self.topics[t].name) for t in self._name_ids])

    def _tokens(self, text: str) -> list[str]:
        """The text's tokens, with a glossary's short form added where its expansion is."""
        tokens = tokenize(text)
        joined = f" {' '.join(tokens)} "
        for expansion, short in self.acronyms:
            if f" {expansion} " in joined:
                tokens.append(short)
        return tokens

    @classmethod
    def from_catalogue(cls, limit: int = INDEXED_PAPERS) -> TopicSuggester:
        """Index the `limit` most recently added papers that have topics (four queries,
        whatever the catalogue's size)."""
        through = Paper.topics.through
        newest = through.objects.order_by("-paper_id").values("paper_id").distinct()[:limit]
        by_paper: dict[int, list[int]] = defaultdict(list)
        pairs = through.objects.filter(paper_id__in=newest).values_list("paper_id", "topic_id")
        for paper_id, topic_id in pairs:
            by_paper[paper_id].append(topic_id)
        rows = list(
            Paper.objects.filter(pk__in=list(by_paper))
            .order_by("pk")
            .values_list("pk", *TEXT_FIELDS)
        )
        acronyms = set()
        for short, expansion in Acronym.objects.values_list("short", "expansion"):
            short_tokens, long_tokens = tokenize(short), tokenize(expansion)
            if len(short_tokens) == 1 and long_tokens:
                acronyms.add((" ".join(long_tokens), short_tokens[0]))
        return cls(
            paper_ids=[row[0] for row in rows],
            texts=["\n".join(value or "" for value in row[1:]) for row in rows],
            paper_topics=[sorted(by_paper[row[0]]) for row in rows],
            topics={t.pk: t for t in Topic.objects.select_related("parent__parent")},
            acronyms=sorted(acronyms),
        )

    def _area(self, topic_id: int) -> int:
        topic = self.topics[topic_id]
        while topic.parent_id is not None:
            topic = self.topics[topic.parent_id]
        return topic.pk

    def suggest(
        self, text: str, *, exclude_paper_id: int | None = None, limit: int = 3
    ) -> list[TopicSuggestion]:
        """Topics for a paper saying `text`, best first; [] when nothing in it matches."""
        query = self._tokens(text)
        scores = self.index.scores(query)
        skip = self._position.get(exclude_paper_id) if exclude_paper_id is not None else None
        ranked = sorted(
            (i for i, score in enumerate(scores) if score > 0 and i != skip),
            key=lambda i: -scores[i],
        )[:NEIGHBOURS]
        topic_votes: dict[int, float] = defaultdict(float)
        area_votes: dict[int, float] = defaultdict(float)
        voters: dict[int, list[int]] = defaultdict(list)
        for i in ranked:
            areas = set()
            for topic_id in self.paper_topics[i]:
                topic_votes[topic_id] += scores[i]
                voters[topic_id].append(self.paper_ids[i])
                areas.add(self._area(topic_id))
            for area in areas:
                area_votes[area] += scores[i]
        for topic_id, score in zip(self._name_ids, self.names.scores(query), strict=True):
            if score > 0:
                topic_votes[topic_id] += NAME_WEIGHT * score
                area_votes[self._area(topic_id)] += NAME_WEIGHT * score
        # Best area first, then its topics, then the rest: ties go to the smaller id (stable).
        area_rank = {
            area: n for n, area in enumerate(sorted(area_votes, key=lambda a: (-area_votes[a], a)))
        }
        order = sorted(
            topic_votes,
            key=lambda t: (area_rank[self._area(t)], -topic_votes[t], t),
        )
        return [
            TopicSuggestion(self.topics[t], round(topic_votes[t], 3), tuple(voters[t]))
            for t in order[:limit]
        ]

    def suggest_for(self, paper: Paper, limit: int = 3) -> list[TopicSuggestion]:
        return self.suggest(paper_text(paper), exclude_paper_id=paper.pk, limit=limit)

    def true_area_first(self, paper_id: int) -> bool | None:
        """Leave-one-out: is the first suggestion's area one of this labelled paper's areas?
        None for a paper that is not labelled."""
        i = self._position.get(paper_id)
        if i is None:
            return None
        suggestions = self.suggest(self.texts[i], exclude_paper_id=paper_id, limit=1)
        if not suggestions:
            return False
        truth = {self._area(t) for t in self.paper_topics[i]}
        return self._area(suggestions[0].topic.pk) in truth


class TopicError(ValueError):
    """Topics an organiser chose that the taxonomy does not have."""


def set_topics(paper: Paper, topic_ids: list[str]) -> list[Topic]:
    """An organiser accepts a suggestion or chooses other topics: the paper's topics become
    exactly these (the taxonomy's own nodes). Nothing changes when one id is unknown."""
    ids = {pk for pk in map(parse_id, topic_ids) if pk is not None}
    if not ids or len(ids) != len([t for t in topic_ids if str(t).strip()]):
        raise TopicError(_("Choose one or more topics of the taxonomy."))
    chosen = list(Topic.objects.filter(pk__in=ids).select_related("parent__parent"))
    if len(chosen) != len(ids):
        raise TopicError(_("That topic is not in the taxonomy (any more)."))
    paper.topics.set(chosen)
    return sorted(chosen, key=lambda t: t.path)
