"""The group's rules as live checks on a term's sessions, each switchable per term.

`sessions_for_checks` fetches everything the checks (and the dashboard) read in three queries;
`check_session` and `check_term` only read what was prefetched.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from papers.models import Paper
from papers.venues import is_preprint
from sessions.models import Presenter, Session, Talk, Term

# The conferences the group's pairing rule asks for, lower-case.
CONFERENCES = {"sosp", "osdi"}
CONFERENCE = "conference"
ARXIV = "arxiv"
OTHER = "other"

RULE_PAIRING = "pairing"
RULE_LEAD = "lead"
RULE_MINUTES = "minutes"
RULE_RECORDING = "recording"
RULE_ONE_LEAD_PER_MEMBER = "one-lead-per-member"

# Special sessions (kick-off, rehearsal, …) follow their own format; cancelled ones hold nothing.
PAIRED_KINDS = {Session.Kind.REGULAR}


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str  # readable on its own: "Topic II: no lead presenter."
    talk_id: int | None = None

    @property
    def detail(self) -> str:
        """The message without its "Topic II: " prefix, for showing under that talk."""
        head, sep, rest = self.message.partition(": ")
        return rest[:1].upper() + rest[1:] if sep and head.startswith("Topic ") else self.message


@dataclass
class SessionCheck:
    session: Session
    problems: list[Problem]


def sessions_for_checks(term: Term) -> QuerySet[Session]:
    """The term's sessions with talks, papers, venues and presenters prefetched."""
    return (
        Session.objects.filter(term=term)
        .order_by("date", "start_time")
        .prefetch_related(
            Prefetch(
                "talks",
                queryset=Talk.objects.select_related("paper__proceedings__venue")
                .order_by("position")
                .prefetch_related(
                    Prefetch(
                        "presenters",
                        queryset=Presenter.objects.select_related("person").order_by(
                            "position", "id"
                        ),
                    )
                ),
            )
        )
    )


_LABEL = re.compile(r"^\s*\[?\s*([A-Za-z][A-Za-z-]*)")


def talk_kind(talk: Talk) -> str | None:
    """ "conference" (SOSP/OSDI), "arxiv", "other", or None while no paper is chosen.

    The catalogue's proceedings decide first (a SOSP paper that is also on arXiv is a SOSP
    paper); a talk without a catalogue paper goes by its venue label ("SOSP'25", "arXiv").
    """
    paper = talk.paper
    if paper is not None:
        kind = paper_kind(paper)
        if kind is not None:
            return kind
    match = _LABEL.match(talk.venue_label or "")
    if match:
        name = match.group(1).lower()
        if name in CONFERENCES:
            return CONFERENCE
        if is_preprint(name):
            return ARXIV
        return OTHER
    if not talk.has_topic:
        return None
    return OTHER


def paper_kind(paper: Paper) -> str | None:
    """A catalogue paper's side of the pairing: "conference" (SOSP/OSDI), "arxiv", "other";
    None for a paper with neither proceedings nor an arXiv id (its talk's label decides)."""
    proceedings = paper.proceedings
    if proceedings is not None:
        if proceedings.venue.name.lower() in CONFERENCES:
            return CONFERENCE
        if is_preprint(proceedings.venue):
            return ARXIV if is_preprint(proceedings.venue.name) else OTHER
        return OTHER
    return ARXIV if paper.arxiv_id else None


def _topic(talk: Talk) -> str:
    return f"Topic {talk.roman_position}"


def _pairing_problems(talks: list[Talk]) -> list[Problem]:
    wanted = "one SOSP/OSDI paper and one arXiv paper"
    if len(talks) != 2:
        count = "no talks" if not talks else f"{len(talks)} talk" + ("s" * (len(talks) != 1))
        return [Problem(RULE_PAIRING, f"Has {count}; the group pairs {wanted}.")]
    kinds = [talk_kind(t) for t in talks]
    if all(kind is None for kind in kinds):
        return [Problem(RULE_PAIRING, f"No papers chosen yet; the group pairs {wanted}.")]
    problems = [
        Problem(RULE_PAIRING, f"{_topic(t)}: no paper chosen yet ({wanted} needed).", t.pk)
        for t, kind in zip(talks, kinds, strict=True)
        if kind is None
    ]
    for t, kind in zip(talks, kinds, strict=True):
        if kind == OTHER:
            label = t.venue_label or (t.paper.venue_label if t.paper else "") or "unknown venue"
            problems.append(
                Problem(
                    RULE_PAIRING, f"{_topic(t)} ({label}) is neither SOSP/OSDI nor arXiv.", t.pk
                )
            )
    if problems:
        return problems
    if kinds == [CONFERENCE, CONFERENCE]:
        return [Problem(RULE_PAIRING, "Both talks are SOSP/OSDI papers; one should be on arXiv.")]
    if kinds == [ARXIV, ARXIV]:
        return [Problem(RULE_PAIRING, "Both talks are arXiv papers; one should be SOSP/OSDI.")]
    return []


def _lead_problem(talk: Talk) -> Problem | None:
    leads = [p for p in talk.presenters.all() if p.role == Presenter.Role.LEAD]
    if not leads:
        return Problem(RULE_LEAD, f"{_topic(talk)}: no lead presenter.", talk.pk)
    if not leads[0].confirmed:
        return Problem(
            RULE_LEAD,
            f"{_topic(talk)}: {leads[0].person.name}'s lead sign-up awaits confirmation.",
            talk.pk,
        )
    return None


def _double_lead_problems(talks: list[Talk]) -> list[Problem]:
    """A member (not a guest) who leads two or more topics of one session."""
    led: dict[int, list[Talk]] = {}
    names: dict[int, str] = {}
    for talk in talks:
        for presenter in talk.presenters.all():
            if presenter.role == Presenter.Role.LEAD and presenter.person.user_id is not None:
                led.setdefault(presenter.person_id, []).append(talk)
                names[presenter.person_id] = presenter.person.name
    problems = []
    for person_id, their_talks in led.items():
        if len(their_talks) > 1:
            topics = _(" and ").join(_topic(t) for t in their_talks)
            message = _("%(name)s leads %(topics)s; a member leads at most one topic per session.")
            problems.append(
                Problem(
                    RULE_ONE_LEAD_PER_MEMBER,
                    message % {"name": names[person_id], "topics": topics},
                )
            )
    return problems


def check_session(
    session: Session, term: Term, *, today: datetime.date | None = None
) -> list[Problem]:
    """Readable problems of one session under the term's switched-on rules.

    Reads `session.talks.all()` and each talk's presenters; prefetch them (sessions_for_checks)
    or this costs queries per talk.
    """
    if session.is_cancelled:
        return []
    today = today or timezone.localdate()
    talks = list(session.talks.all())
    problems: list[Problem] = []
    if term.rule_one_conference_one_arxiv and session.kind in PAIRED_KINDS:
        problems.extend(_pairing_problems(talks))
    if term.rule_one_lead_per_member:
        problems.extend(_double_lead_problems(talks))
    for talk in talks:
        if term.rule_lead_required:
            problem = _lead_problem(talk)
            if problem:
                problems.append(problem)
        if term.rule_min_minutes and talk.minutes < term.rule_min_minutes:
            problems.append(
                Problem(
                    RULE_MINUTES,
                    f"{_topic(talk)}: planned for {talk.minutes} minutes; the group asks for at "
                    f"least {term.rule_min_minutes}.",
                    talk.pk,
                )
            )
        if term.rule_recording_required and session.is_past(today) and not talk.is_recorded:
            problems.append(
                Problem(RULE_RECORDING, f"{_topic(talk)}: held, but no slides or video.", talk.pk)
            )
    return problems


def check_term(term: Term, *, today: datetime.date | None = None) -> list[SessionCheck]:
    """Every session of the term, in date order, with its problems. Three queries in all."""
    today = today or timezone.localdate()
    return [
        SessionCheck(session, check_session(session, term, today=today))
        for session in sessions_for_checks(term)
    ]
