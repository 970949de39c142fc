"""Pairing suggestions: one SOSP/OSDI paper and one arXiv paper that share a topic.

The group pairs one conference paper with one arXiv paper per session (sessions/rules.py).
For a session's open talks this proposes pairs that meet that rule: both papers on the same
topic (or one's topic inside the other's, or the same area), neither presented nor already
scheduled, preferring papers members queued and voted for, and recent ones. An arXiv paper
without topics counts with the first topic suggested from its text (planner/topics.py).
Everything is read in a fixed number of queries; the pairing itself is plain Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from papers import presented
from papers.models import Paper, Topic, Venue
from planner.models import Nomination
from planner.nominations import QueueError, set_talk_paper, vote_counts
from planner.topics import TopicSuggester
from sessions.models import Session, Talk
from sessions.rules import ARXIV, CONFERENCE, CONFERENCES, paper_kind

LIMIT = 5
# Candidates per side, best first (queued, then newest): keeps the pairing loop small on a
# catalogue of any size.
CANDIDATES = 150
RECENT_YEARS = 3  # a paper this many years old or older earns no recency bonus

# Scores: how close the topics are, then the group's interest, then recency.
SAME_TOPIC, INSIDE, SAME_AREA = 3.0, 2.0, 1.0
PER_VOTE, QUEUED = 0.5, 1.0
SEPARATOR = " \u203a "  # a single right-pointing angle quote, as the issue writes paths


@dataclass
class Pair:
    conference: Paper
    arxiv: Paper
    shared_topics: list[list[str]]
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "conference": paper_summary(self.conference),
            "arxiv": paper_summary(self.arxiv),
            "shared_topics": self.shared_topics,
            "score": round(self.score, 2),
            "reasons": self.reasons,
        }


def paper_summary(paper: Paper) -> dict:
    venue = paper.proceedings.venue.name if paper.proceedings is not None else "arXiv"
    return {"id": paper.pk, "title": paper.title, "venue": venue, "year": paper.year}


def open_talks(session: Session) -> list[Talk]:
    """Talks with neither a paper nor a free title. Reads session.talks.all() (prefetch it)."""
    return [t for t in session.talks.all() if t.paper_id is None and not t.title]


def _candidates(kind: str, on: datetime.date) -> list[Paper]:
    if kind == CONFERENCE:
        venue = Q()
        for name in CONFERENCES:
            venue |= Q(proceedings__venue__name__iexact=name)
    else:
        venue = Q(proceedings__isnull=True, arxiv_id__gt="") | Q(
            proceedings__venue__kind=Venue.Kind.PREPRINT, proceedings__venue__name__iexact="arxiv"
        )
    queued = Nomination.objects.filter(talk__isnull=True).values("paper_id")
    papers = (
        # Not a paper arXiv says does not exist (hidden from the public catalogue).
        Paper.objects.public()
        .filter(venue)
        .exclude(presented.taken_q())
        .select_related("proceedings__venue")
        .order_by("-proceedings__year", "-arxiv_published", "-pk")
    )
    if kind == CONFERENCE:
        # Conference papers need topics of their own; arXiv ones may borrow a suggestion.
        papers = papers.filter(topics__isnull=False).distinct()
    # Queued papers first, so the cap never drops what members asked for.
    first = list(papers.filter(pk__in=queued)[:CANDIDATES])
    rest = (
        list(papers.exclude(pk__in=queued)[: CANDIDATES - len(first)])
        if len(first) < CANDIDATES
        else []
    )
    return [p for p in first + rest if paper_kind(p) == kind]


def _fixed(session: Session) -> dict[str, Paper]:
    """Papers already chosen in this session, by kind: a pair must include them."""
    chosen: dict[str, Paper] = {}
    for talk in session.talks.all():
        if talk.paper is not None:
            kind = paper_kind(talk.paper)
            if kind in (CONFERENCE, ARXIV):
                chosen[kind] = talk.paper
    return chosen


def _area(topic: Topic, topics: dict[int, Topic]) -> Topic:
    while topic.parent_id is not None:
        topic = topics[topic.parent_id]
    return topic


def _ancestors(topic: Topic, topics: dict[int, Topic]) -> set[int]:
    found = set()
    while topic.parent_id is not None:
        topic = topics[topic.parent_id]
        found.add(topic.pk)
    return found


def _closeness(a: set[int], b: set[int], topics: dict[int, Topic]) -> tuple[float, list[Topic]]:
    """How close two papers' topics are, and the topics they meet in (deepest first)."""
    same = a & b
    if same:
        return SAME_TOPIC, [topics[t] for t in same]
    inside = []
    for x in a:
        for y in b:
            if x in _ancestors(topics[y], topics):
                inside.append(topics[x])
            elif y in _ancestors(topics[x], topics):
                inside.append(topics[y])
    if inside:
        return INSIDE, inside
    areas_a = {_area(topics[t], topics).pk for t in a}
    areas_b = {_area(topics[t], topics).pk for t in b}
    shared = areas_a & areas_b
    if shared:
        return SAME_AREA, [topics[t] for t in shared]
    return 0.0, []


def _recency(paper: Paper, this_year: int) -> float:
    year = paper.year
    if year is None:
        return 0.0
    return max(0.0, 1.0 - (this_year - year) / RECENT_YEARS)


def suggest_pairs(
    session: Session, *, limit: int = LIMIT, on: datetime.date | None = None
) -> list[Pair]:
    """Pairs for the session's open talks, best first; [] when no talk is open.

    Reads `session.talks.all()` with papers (prefetch them as sessions_for_checks does).
    """
    on = on or timezone.localdate()
    talks = list(session.talks.all())
    if session.kind != Session.Kind.REGULAR or not open_talks(session):
        return []
    fixed = _fixed(session)
    if len(fixed) == 2 or len(talks) - len(open_talks(session)) > len(fixed):
        return []  # both sides chosen, or a talk holds a paper that is on neither side
    sides = {
        kind: [fixed[kind]] if kind in fixed else _candidates(kind, on)
        for kind in (CONFERENCE, ARXIV)
    }
    ids = [p.pk for papers in sides.values() for p in papers]
    topics = {t.pk: t for t in Topic.objects.select_related("parent__parent")}
    topic_ids: dict[int, set[int]] = defaultdict(set)
    for paper_id, topic_id in Paper.topics.through.objects.filter(paper_id__in=ids).values_list(
        "paper_id", "topic_id"
    ):
        topic_ids[paper_id].add(topic_id)
    suggested: set[int] = set()
    untopiced = [p for p in sides[ARXIV] if not topic_ids[p.pk]]
    if untopiced:
        suggester = TopicSuggester.from_catalogue()
        for paper in untopiced:
            found = suggester.suggest_for(paper, limit=1)
            if found:
                topic_ids[paper.pk].add(found[0].topic.pk)
                suggested.add(paper.pk)
    votes = vote_counts(ids)
    queued = set(
        Nomination.objects.filter(paper_id__in=ids, talk__isnull=True).values_list(
            "paper_id", flat=True
        )
    )
    pairs = []
    for conference in sides[CONFERENCE]:
        for arxiv in sides[ARXIV]:
            closeness, met = _closeness(topic_ids[conference.pk], topic_ids[arxiv.pk], topics)
            if not closeness:
                continue
            pair_votes = votes.get(conference.pk, 0) + votes.get(arxiv.pk, 0)
            in_queue = (conference.pk in queued) + (arxiv.pk in queued)
            score = (
                closeness
                + PER_VOTE * pair_votes
                + QUEUED * in_queue
                + (_recency(conference, on.year) + _recency(arxiv, on.year)) / 2
            )
            shared = sorted(t.path for t in met)
            reasons = [_closeness_reason(closeness, shared)]
            if pair_votes:
                reasons.append(
                    ngettext("%(n)d vote", "%(n)d votes", pair_votes) % {"n": pair_votes}
                )
            elif in_queue:
                reasons.append(_("in the queue"))
            if arxiv.pk in suggested:
                reasons.append(_("arXiv topic suggested from its text"))
            pairs.append(Pair(conference, arxiv, shared, score, reasons))
    pairs.sort(key=lambda p: (-p.score, p.conference.pk, p.arxiv.pk))
    return pairs[:limit]


def _closeness_reason(closeness: float, shared: list[list[str]]) -> str:
    names = ", ".join(SEPARATOR.join(path) for path in shared)
    if closeness == SAME_TOPIC:
        return _("both %(topics)s") % {"topics": names}
    if closeness == INSIDE:
        return _("both under %(topics)s") % {"topics": names}
    return _("same area: %(topics)s") % {"topics": names}


def apply_pair(session: Session, conference: Paper, arxiv: Paper) -> list[Talk]:
    """Put the pair on the session's open talks (the conference paper first), in one step.

    Refuses, changing nothing, when a paper is on the wrong side, was presented or scheduled
    meanwhile, or the session has too few open talks for what is not yet chosen.
    """
    if paper_kind(conference) != CONFERENCE or paper_kind(arxiv) != ARXIV:
        raise QueueError(_("A pair is one SOSP/OSDI paper and one arXiv paper."))
    with transaction.atomic():
        talks = list(
            Talk.objects.select_for_update(of=("self",))
            .select_related("paper__proceedings__venue")
            .filter(session=session)
            .order_by("position")
        )
        if session.date < timezone.localdate() or session.kind == Session.Kind.CANCELLED:
            raise QueueError(_("This session is over or cancelled; pairs are for upcoming ones."))
        already = {t.paper_id for t in talks if t.paper_id}
        wanted = [p for p in (conference, arxiv) if p.pk not in already]
        taken = presented.showings([p.pk for p in wanted])
        for paper in wanted:
            if taken[paper.pk].taken:
                raise QueueError(
                    _("“%(title)s” is already presented or scheduled; pick another pair.")
                    % {"title": paper.title}
                )
        free = [t for t in talks if t.paper_id is None and not t.title]
        if len(free) < len(wanted):
            # Two counts, two plurals: the papers' phrase is its own entry, put into the
            # sentence the open talks' count chooses.
            papers = ngettext("%(wanted)d paper", "%(wanted)d papers", len(wanted)) % {
                "wanted": len(wanted)
            }
            raise QueueError(
                ngettext(
                    "This session has %(free)d open talk for %(papers)s; add a talk slot first.",
                    "This session has %(free)d open talks for %(papers)s; add a talk slot first.",
                    len(free),
                )
                % {"free": len(free), "papers": papers}
            )
        changed = []
        for talk, paper in zip(free, wanted, strict=False):
            set_talk_paper(talk, paper)
            Nomination.objects.filter(paper=paper, talk__isnull=True).update(talk=talk)
            changed.append(talk)
    return changed
