"""The schedule as light stand-ins built from `.values()` rows, for the exports (JSON, iCal, feed).

Model instances were most of an export's render (a 5,120-session calendar took half a
minute), so the exports read rows and wrap them in small objects that borrow the models' own
properties and methods (display_title, roman_position, venue_label, starts_at, ...): the rules
keep their one home, and selectors.talk_link / talk_venue and readme.exporter.slides_link apply
to a stand-in as to a model. A fixed few queries, whatever the size.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from papers.models import Paper, Venue
from sessions.models import Presenter, Session, Talk
from sessions.selectors import paths_for

_PAPER_FIELDS = {
    "paper__title": "title",
    "paper__system_name": "system_name",
    "paper__arxiv_id": "arxiv_id",
    "paper__doi": "doi",
    "paper__proceedings_id": "proceedings_id",
}
_TALK_FIELDS = (
    "id",
    "session_id",
    "position",
    "title",
    "url",
    "venue_label",
    "slides_url",
    "slides_file",
    "video_url",
    "summary_url",
    "paper_id",
)
_SESSION_FIELDS = (
    "id",
    "term_id",
    "date",
    "start_time",
    "duration_minutes",
    "place",
    "online_link",
    "kind",
    "title",
    "created_at",
    "updated_at",
)


def _borrowed(attribute: object) -> Any:
    """A model's property or method, applied to a stand-in (which has the fields it reads)."""
    return attribute


def as_model(row: SimpleNamespace) -> Any:
    """A stand-in where a function annotated with the model takes it (talk_link, slides_link)."""
    return row


_KIND_LABELS = dict(Session.Kind.choices)


class VenueRow(SimpleNamespace):
    Kind = Venue.Kind
    is_preprint = _borrowed(Venue.is_preprint)


class PaperRow(SimpleNamespace):
    venue_label = _borrowed(Paper.venue_label)
    arxiv_url = _borrowed(Paper.arxiv_url)
    doi_url = _borrowed(Paper.doi_url)


class TalkRow(SimpleNamespace):
    """A talk: its fields, `paper` (PaperRow or None) and `presenters`, lead first."""

    display_title = _borrowed(Talk.display_title)
    roman_position = _borrowed(Talk.roman_position)


class PresenterRow(SimpleNamespace):
    """A presenter: `role`, `position`, `pk`, `confirmed` and `person` (name, affiliation)."""


class SessionRow(SimpleNamespace):
    """A session: its fields, `talks` (TalkRows by position) and its page's `url`."""

    starts_at = _borrowed(Session.starts_at)

    def get_kind_display(self) -> str:
        return str(_KIND_LABELS.get(self.kind, self.kind))

    def get_absolute_url(self) -> str:
        return self.url


def _talk(row: dict, presenters: list[PresenterRow]) -> TalkRow:
    paper = None
    if row["paper_id"] is not None:
        proceedings = None
        if row["paper__proceedings_id"] is not None:
            proceedings = SimpleNamespace(
                year=row["paper__proceedings__year"],
                venue=VenueRow(
                    name=row["paper__proceedings__venue__name"],
                    kind=row["paper__proceedings__venue__kind"],
                ),
            )
        paper = PaperRow(
            **{name: row[key] for key, name in _PAPER_FIELDS.items()}, proceedings=proceedings
        )
    return TalkRow(
        pk=row["id"],
        **{name: row[name] for name in _TALK_FIELDS},
        paper=paper,
        presenters=presenters,
    )


def presenters_by_talk(talk_ids: list[int]) -> dict[int, list[PresenterRow]]:
    """Each talk's presenters, lead first, then supporters as they signed up: the order of
    readme.exporter.ordered_presenters, done by the database."""
    lead_first = Case(
        When(role=Presenter.Role.LEAD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = (
        Presenter.objects.filter(talk_id__in=talk_ids)
        .order_by("talk_id", lead_first, "position", "id")
        .values_list(
            "id",
            "talk_id",
            "role",
            "position",
            "confirmed",
            "person__name",
            "person__affiliation",
        )
    )
    result: dict[int, list[PresenterRow]] = defaultdict(list)
    for pk, talk_id, role, position, confirmed, name, affiliation in rows:
        person = SimpleNamespace(name=name, affiliation=affiliation)
        result[talk_id].append(
            PresenterRow(pk=pk, role=role, position=position, confirmed=confirmed, person=person)
        )
    return result


def talks_by_session(session_ids: list[int], only: Q | None = None) -> dict[int, list[TalkRow]]:
    """Each session's talks by position (those matching `only`), with paper, venue and
    presenters: two queries."""
    talks = Talk.objects.filter(session_id__in=session_ids)
    if only is not None:
        talks = talks.filter(only)
    rows = list(
        talks.order_by("session_id", "position").values(
            *_TALK_FIELDS,
            *_PAPER_FIELDS,
            "paper__proceedings__year",
            "paper__proceedings__venue__name",
            "paper__proceedings__venue__kind",
        )
    )
    presenters = presenters_by_talk([row["id"] for row in rows])
    result: dict[int, list[TalkRow]] = defaultdict(list)
    for row in rows:
        result[row["session_id"]].append(_talk(row, presenters.get(row["id"], [])))
    return result


def session_rows(sessions: QuerySet[Session], talks: Q | None = None) -> list[SessionRow]:
    """The given sessions, in the queryset's order, with their talks (those matching `talks`):
    three queries."""
    rows = list(sessions.values(*_SESSION_FIELDS))
    by_session = talks_by_session([row["id"] for row in rows], talks)
    urls = paths_for("schedule:session", "date", (row["date"].isoformat() for row in rows))
    return [
        SessionRow(**row, talks=by_session.get(row["id"], []), url=url)
        for row, url in zip(rows, urls, strict=True)
    ]
