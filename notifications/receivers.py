"""The schedule's events (sessions/events.py) as mails: who hears about what.

Each receiver runs inside the sending service's transaction and only writes outbox rows
(notifications.outbox); the delivery tasks go out after the commit, so a rolled-back sign-up
sends nothing. Keys name the event (the presenter row, the talk and its new session), so the
same event never makes a second mail.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.dispatch import receiver

from notifications import kinds
from notifications.context import role_label, talk_context
from notifications.outbox import queue_all, queue_mail
from readinggroup import permissions
from sessions import events
from sessions.models import Person, Presenter, Session, Talk


def organisers() -> list[User]:
    """The organisers a mail can reach: a disabled account or one without an address hears
    nothing."""
    return list(
        permissions.organisers()
        .filter(is_active=True)
        .exclude(email="")
        .select_related("person")
        .order_by("pk")
    )


def _user(person: Person) -> User | None:
    return person.user if person.user_id else None


def co_presenters(talk: Talk, but: Person) -> Iterable[User]:
    rows = (
        Presenter.objects.filter(talk_id=talk.pk, person__user__isnull=False)
        .exclude(person_id=but.pk)
        .select_related("person__user")
    )
    return [row.person.user for row in rows if row.person.user is not None]


def _context(talk: Talk, person: Person, role: str) -> dict[str, object]:
    return {**talk_context(talk), "role": role_label(role), "member_name": person.name}


@receiver(events.signed_up)
def on_signed_up(sender, presenter: Presenter, **kwargs) -> None:
    talk, person = presenter.talk, presenter.person
    context = _context(talk, person, presenter.role)
    key = f"presenter-{presenter.pk}"
    queue_mail(kinds.SIGNUP_RECEIVED, _user(person), key, context)
    queue_all(kinds.NEW_SIGNUP, organisers(), key, context)
    queue_all(kinds.CO_JOINED, co_presenters(talk, person), key, context)


@receiver(events.confirmed)
def on_confirmed(sender, presenter: Presenter, **kwargs) -> None:
    context = _context(presenter.talk, presenter.person, presenter.role)
    queue_mail(
        kinds.SIGNUP_CONFIRMED, _user(presenter.person), f"presenter-{presenter.pk}", context
    )


@receiver(events.assigned)
def on_assigned(sender, presenter: Presenter, **kwargs) -> None:
    talk, person = presenter.talk, presenter.person
    context = _context(talk, person, presenter.role)
    key = f"presenter-{presenter.pk}"
    queue_mail(kinds.ASSIGNED, _user(person), key, context)
    queue_all(kinds.CO_JOINED, co_presenters(talk, person), key, context)


def _left(talk: Talk, person: Person, role: str, presenter_id: int) -> dict[str, object]:
    """Co-presenters hear that someone left; organisers that a talk has no lead any more."""
    context = _context(talk, person, role)
    key = f"presenter-{presenter_id}"
    queue_all(kinds.CO_LEFT, co_presenters(talk, person), key, context)
    if role == Presenter.Role.LEAD:
        queue_all(kinds.NO_LEAD, organisers(), key, context)
    return context


@receiver(events.removed)
def on_removed(sender, talk: Talk, person: Person, role: str, presenter_id: int, **kwargs) -> None:
    context = _left(talk, person, role, presenter_id)
    queue_mail(kinds.REMOVED, _user(person), f"presenter-{presenter_id}", context)


@receiver(events.withdrew)
def on_withdrew(sender, talk: Talk, person: Person, role: str, presenter_id: int, **kwargs) -> None:
    context = _left(talk, person, role, presenter_id)
    if role != Presenter.Role.LEAD:  # a lead's withdrawal is the no-lead mail already
        queue_all(kinds.WITHDRAWAL, organisers(), f"presenter-{presenter_id}", context)


@receiver(events.talk_moved)
def on_talk_moved(sender, talk: Talk, from_session: Session, **kwargs) -> None:
    context = {**talk_context(talk), "old_date": talk_context(talk, from_session)["session_date"]}
    # A talk may move back and forth: the move's time tells two moves to one session apart.
    moved_at = f"{talk.updated_at.timestamp():.6f}"
    key = f"talk-{talk.pk}-from-{from_session.pk}-to-{talk.session_id}-{moved_at}"
    rows = Presenter.objects.filter(talk_id=talk.pk).select_related("person__user")
    for row in rows:
        queue_mail(
            kinds.TALK_MOVED, _user(row.person), key, {**context, "role": role_label(row.role)}
        )


@receiver(events.swap_requested)
def on_swap_requested(sender, swap, **kwargs) -> None:
    context = {
        **talk_context(swap.talk),
        "role": role_label(swap.role),
        "other_name": swap.from_person.name,
    }
    queue_mail(kinds.SWAP_REQUESTED, _user(swap.to_person), f"swap-{swap.pk}", context)


@receiver(events.swap_accepted)
def on_swap_accepted(sender, swap, **kwargs) -> None:
    context = {
        **talk_context(swap.talk),
        "role": role_label(swap.role),
        "other_name": swap.to_person.name,
    }
    queue_mail(kinds.SWAP_ACCEPTED, _user(swap.from_person), f"swap-{swap.pk}", context)
