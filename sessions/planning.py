"""The organiser's planning rules: generate a term's sessions, move talks, cancel sessions.

Plain functions; views call them and show a PlanningError's message as it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sessions import events
from sessions.models import Session, Talk, Term

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_WEEKS = 60
MAX_TALKS_PER_SESSION = 10  # Topic I … Topic X
# The group's format: two topics a meeting. A talk may move into a session that has fewer.
TOPICS_PER_SESSION = 2


class PlanningError(Exception):
    """A planning request that cannot be done as asked; the message says why, for a person."""


def meeting_dates(start_date: datetime.date, weekday: int, weeks: int) -> list[datetime.date]:
    """One date a week on `weekday` (0 = Monday), the first on or after `start_date`."""
    first = start_date + datetime.timedelta(days=(weekday - start_date.weekday()) % 7)
    return [first + datetime.timedelta(weeks=week) for week in range(weeks)]


def generate_term(
    name: str,
    slug: str,
    *,
    weekday: int,
    start_date: datetime.date,
    weeks: int,
    start_time: datetime.time | None,
    place: str = "",
    online_link: str = "",
    skip_dates: Iterable[datetime.date] = (),
    talks_per_session: int = 2,
    minutes: int = 45,
) -> Term:
    """Create a term with a session every week and `talks_per_session` empty talk slots each.

    `weeks` counts calendar weeks from the first meeting: a skipped date still uses up its
    week, so the term ends on the same day whatever is skipped and holds one session fewer per
    skipped date (a term is "14 weeks with a break", not "14 meetings").
    All or nothing: any refusal leaves the database as it was.
    """
    name = name.strip()
    slug = slug.strip()
    if not name:
        raise PlanningError(_("Give the term a name, e.g. “2026 Spring”."))
    if not slug:
        raise PlanningError(_("Give the term a short address (slug), e.g. “2026-spring”."))
    if not 0 <= weekday <= 6:
        raise PlanningError(_("The weekday must be one of Monday … Sunday."))
    if not 1 <= weeks <= MAX_WEEKS:
        raise PlanningError(
            _("A term lasts between 1 and %(max)d weeks; got %(weeks)d.")
            % {"max": MAX_WEEKS, "weeks": weeks}
        )
    if not 1 <= talks_per_session <= MAX_TALKS_PER_SESSION:
        raise PlanningError(
            _("A session holds between 1 and %(max)d talks; got %(talks)d.")
            % {"max": MAX_TALKS_PER_SESSION, "talks": talks_per_session}
        )
    if minutes < 1:
        raise PlanningError(_("A talk needs at least one minute."))

    dates = meeting_dates(start_date, weekday, weeks)
    skips = set(skip_dates)
    stray = sorted(skips.difference(dates))
    if stray:
        listed = ", ".join(d.isoformat() for d in stray)
        raise PlanningError(
            f"Skipped dates not among the meeting dates ({WEEKDAYS[weekday]}s from "
            f"{dates[0].isoformat()} to {dates[-1].isoformat()}): {listed}."
        )
    held = [d for d in dates if d not in skips]
    if not held:
        raise PlanningError(_("Every meeting date is skipped; there would be no sessions."))

    with transaction.atomic():
        if Term.objects.filter(slug=slug).exists():
            raise PlanningError(
                _("A term with the address “%(slug)s” exists already.") % {"slug": slug}
            )
        taken = list(Session.objects.filter(date__in=held).select_related("term").order_by("date"))
        if taken:
            listed = ", ".join(f"{s.date.isoformat()} ({s.term.name})" for s in taken)
            raise PlanningError(
                _("These dates already hold a session: %(dates)s.") % {"dates": listed}
            )
        term = Term.objects.create(name=name, slug=slug, start_date=held[0], end_date=held[-1])
        try:
            # A savepoint, so a concurrent insert of the same date rolls back the whole term.
            with transaction.atomic():
                sessions = Session.objects.bulk_create(
                    Session(
                        term=term,
                        date=date,
                        start_time=start_time,
                        place=place.strip(),
                        online_link=online_link.strip(),
                    )
                    for date in held
                )
        except IntegrityError as exc:
            raise PlanningError(
                "Another session was created on one of these dates meanwhile; try again."
            ) from exc
        if any(s.pk is None for s in sessions):
            # Backends without RETURNING on bulk insert: read the ids back.
            sessions = list(Session.objects.filter(term=term).order_by("date"))
        Talk.objects.bulk_create(
            Talk(session=session, position=position, minutes=minutes)
            for session in sessions
            for position in range(1, talks_per_session + 1)
        )
    return term


def add_talk_slot(session: Session, *, minutes: int = 45) -> Talk:
    """An empty talk at the session's lowest free position."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        used = set(session.talks.values_list("position", flat=True))
        if len(used) >= MAX_TALKS_PER_SESSION:
            raise PlanningError(
                f"{session.date.isoformat()} has {len(used)} talks, the most a session holds."
            )
        position = min(p for p in range(1, MAX_TALKS_PER_SESSION + 1) if p not in used)
        return Talk.objects.create(session=session, position=position, minutes=minutes)


def remove_talk_slot(talk: Talk) -> None:
    """Delete a talk; refused while people present it, so nobody's sign-up vanishes silently."""
    with transaction.atomic():
        talk = Talk.objects.select_for_update().get(pk=talk.pk)
        if talk.presenters.exists():
            raise PlanningError(
                f"Topic {talk.roman_position} of {talk.session.date.isoformat()} has presenters; "
                "remove them (or move the talk) first."
            )
        talk.delete()


def move_talk(talk: Talk, to_session: Session) -> Talk:
    """Move a talk, with its presenters and links, to a free position of another session.

    A free position is an empty slot of the target (the talk takes its place) or, while the
    target has fewer than two talks, its lowest unused position.
    """
    with transaction.atomic():
        # Lock both sessions in id order, so two moves in opposite directions cannot deadlock.
        locked = {
            s.pk: s
            for s in Session.objects.select_for_update()
            .filter(pk__in=[talk.session_id, to_session.pk])
            .order_by("pk")
        }
        talk = Talk.objects.select_related("session").get(pk=talk.pk)
        target = locked.get(to_session.pk)
        if target is None:
            raise PlanningError(_("That session no longer exists."))
        if target.pk == talk.session_id:
            raise PlanningError(
                f"Topic {talk.roman_position} is already in the session of "
                f"{target.date.isoformat()}; pick another session."
            )
        if target.kind == Session.Kind.CANCELLED:
            raise PlanningError(
                _("The session of %(date)s is cancelled.") % {"date": target.date.isoformat()}
            )
        talks = list(target.talks.all())
        empty = [t for t in talks if t.is_empty()]
        if empty:
            position = empty[0].position
            empty[0].delete()
        elif len(talks) < TOPICS_PER_SESSION:
            used = {t.position for t in talks}
            position = min(p for p in range(1, MAX_TALKS_PER_SESSION + 1) if p not in used)
        else:
            raise PlanningError(
                f"The session of {target.date.isoformat()} is full ({len(talks)} talks, no empty "
                "slot); add a slot to it or move one of its talks away first."
            )
        from_session = talk.session
        talk.session = target
        talk.position = position
        talk.save(update_fields=["session", "position", "updated_at"])
        events.talk_moved.send(__name__, talk=talk, from_session=from_session)
    return talk


def cancel_session(session: Session) -> Session:
    """Mark a session cancelled. Its talks stay, so they can be moved to another date."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.kind == Session.Kind.CANCELLED:
            raise PlanningError(
                _("The session of %(date)s is already cancelled.")
                % {"date": session.date.isoformat()}
            )
        session.kind = Session.Kind.CANCELLED
        session.save(update_fields=["kind", "updated_at"])
    return session


# The term's switchable rules: what set_rules saves and the organiser's RulesForm offers.
RULE_FIELDS = (
    "rule_one_conference_one_arxiv",
    "rule_lead_required",
    "rule_min_minutes",
    "rule_recording_required",
    "rule_one_lead_per_member",
)


def set_rules(term: Term, values: Mapping[str, Any]) -> Term:
    """Switch the term's rules (RulesForm validated `values`)."""
    for name in RULE_FIELDS:
        setattr(term, name, values[name])
    term.save(update_fields=[*RULE_FIELDS, "updated_at"])
    return term


def update_session(
    session: Session,
    changes: Mapping[str, Any],
    talks: Iterable[tuple[Talk, Mapping[str, Any]]] = (),
    removed: Iterable[Talk] = (),
) -> Session:
    """An organiser's edit of one session and its talks, all or nothing.

    `changes` are the session's new field values (empty: the session is left alone, so a save
    without edits touches no timestamps); `talks` pairs each changed talk with its new values;
    `removed` talks go (refused while they have presenters). A session moved outside its
    term's dates stretches the term to hold it.
    """
    with transaction.atomic():
        if changes:
            for name, value in changes.items():
                setattr(session, name, value)
            session.save()
        for talk, values in talks:
            for name, value in values.items():
                setattr(talk, name, value)
            talk.save()
        for talk in removed:
            remove_talk_slot(talk)
        session.term.extend_to_include(session.date)
    return session
