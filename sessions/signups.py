"""The group's sign-up rules as plain functions: who may present which talk, and in what role.

Used by the members' views (a member signs themselves up) and by the organisers' pages (an
organiser assigns, removes and confirms presenters).

Race safety: every change runs in a transaction that first locks the talk's row
(`SELECT ... FOR UPDATE` on PostgreSQL), so two members racing for the lead of one talk are
served one after the other and the second one sees the first one's row. The database
constraints (one lead per talk, one row per person per talk) are the last line: an
IntegrityError that slips past the lock (another writer that did not lock, or SQLite, which has
no row locks) becomes the same clear SignupError.

A member's own sign-up is stored with `confirmed=False`: it holds the slot at once (nobody else
can take that lead, and it counts towards the supporters' cap) and shows as "awaiting
confirmation" until an organiser confirms it with `confirm_presenter`. Rows an organiser assigns
are confirmed from the start.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions import events
from sessions.models import Person, Presenter, Talk
from sessions.people import guest_named


class SignupError(Exception):
    """A sign-up that the rules refuse; `str(error)` is the message to show the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TalkClosed(SignupError):
    """The talk's session is cancelled or already over."""


class LeadTaken(SignupError):
    """Somebody else leads this talk."""


class AlreadyOnTalk(SignupError):
    """The person already presents this talk."""


class SupportersFull(SignupError):
    """The talk has settings.MAX_SUPPORTERS supporters already."""


class NotOnTalk(SignupError):
    """Withdrawing from a talk the person does not present."""


class UnknownRole(SignupError):
    """A role other than lead or support."""


def _role(role: str) -> str:
    try:
        return Presenter.Role(role).value
    except ValueError:
        raise UnknownRole(
            _("Unknown role '%(role)s': choose lead or support.") % {"role": role}
        ) from None


def _lock(talk: Talk) -> Talk:
    """The talk's row, locked until the surrounding transaction ends (PostgreSQL)."""
    return Talk.objects.select_for_update(of=("self",)).select_related("session").get(pk=talk.pk)


def _presenters(talk: Talk) -> list[Presenter]:
    return list(Presenter.objects.filter(talk_id=talk.pk).select_related("person"))


def _lead_of(presenters: list[Presenter]) -> Presenter | None:
    return next((p for p in presenters if p.role == Presenter.Role.LEAD), None)


def _next_position(talk: Talk, role: str) -> int:
    # The lead is written first; supporters follow in the order they joined.
    if role == Presenter.Role.LEAD:
        return 0
    highest = Presenter.objects.filter(talk_id=talk.pk).aggregate(m=Max("position"))["m"]
    return max(highest or 0, 0) + 1


def _explain_conflict(talk: Talk, person: Person, role: str) -> SignupError:
    """Turn a constraint violation into the message the person would have got under the lock."""
    presenters = _presenters(talk)
    if any(p.person_id == person.pk for p in presenters):
        return AlreadyOnTalk(_("%(name)s already presents this talk.") % {"name": person.name})
    lead = _lead_of(presenters)
    if role == Presenter.Role.LEAD and lead is not None:
        return LeadTaken(
            _("%(name)s has just signed up as the lead of this talk.") % {"name": lead.person.name}
        )
    return SignupError(_("Someone changed this talk at the same moment; please try again."))


def _check_common(talk: Talk, person: Person, role: str) -> list[Presenter]:
    """The talk's presenters, once the person is known to be free to take `role` on it."""
    presenters = _presenters(talk)
    mine = next((p for p in presenters if p.person_id == person.pk), None)
    if mine is not None:
        raise AlreadyOnTalk(
            _("%(name)s is already the %(role)s of this talk.")
            % {"name": person.name, "role": mine.get_role_display().lower()}
        )
    lead = _lead_of(presenters)
    if role == Presenter.Role.LEAD and lead is not None:
        raise LeadTaken(
            _("%(name)s already leads this talk. You can join as a supporter instead.")
            % {"name": lead.person.name}
        )
    return presenters


def sign_up(talk: Talk, person: Person, role: str) -> Presenter:
    """A member signs themselves up as lead or supporter of an open talk (unconfirmed)."""
    role = _role(role)
    try:
        with transaction.atomic():
            locked = _lock(talk)
            if locked.session.is_cancelled:
                raise TalkClosed(_("This session is cancelled; sign-ups are closed."))
            if locked.is_past():
                raise TalkClosed(_("This talk has already taken place; sign-ups are closed."))
            presenters = _check_common(locked, person, role)
            if role == Presenter.Role.SUPPORT:
                supporters = [p for p in presenters if p.role == Presenter.Role.SUPPORT]
                if len(supporters) >= settings.MAX_SUPPORTERS:
                    raise SupportersFull(
                        _(
                            "This talk already has %(count)d supporters, the most the group "
                            "allows (%(max)d)."
                        )
                        % {"count": len(supporters), "max": settings.MAX_SUPPORTERS}
                    )
            row = Presenter.objects.create(
                talk=locked,
                person=person,
                role=role,
                position=_next_position(locked, role),
                confirmed=False,
            )
            events.signed_up.send(__name__, presenter=row)
            return row
    except IntegrityError as exc:
        raise _explain_conflict(talk, person, role) from exc


def withdraw(talk: Talk, person: Person) -> None:
    """A member takes themselves off a talk that has not happened yet."""
    with transaction.atomic():
        locked = _lock(talk)
        row = Presenter.objects.filter(talk_id=locked.pk, person_id=person.pk).first()
        if row is None:
            raise NotOnTalk(_("You are not presenting this talk."))
        if locked.is_past():
            raise TalkClosed(
                "This talk has already taken place; ask an organiser to change its presenters."
            )
        presenter_id, role = row.pk, row.role
        row.delete()
        events.withdrew.send(
            __name__, talk=locked, person=person, role=role, presenter_id=presenter_id
        )


def assign_presenter(talk: Talk, person: Person, role: str) -> Presenter:
    """An organiser puts a member or guest on a talk (confirmed).

    Organisers may fill past or cancelled talks (recording history) and may go past the
    supporters' cap (a guest joins, an old README lists four); the one-lead rule still holds.
    Assigning someone to the role they already hold confirms their sign-up.
    """
    role = _role(role)
    try:
        with transaction.atomic():
            locked = _lock(talk)
            existing = Presenter.objects.filter(talk_id=locked.pk, person_id=person.pk).first()
            if existing is not None and existing.role == role:
                if not existing.confirmed:
                    existing.confirmed = True
                    existing.save(update_fields=["confirmed", "updated_at"])
                    events.confirmed.send(__name__, presenter=existing)
                return existing
            _check_common(locked, person, role)
            row = Presenter.objects.create(
                talk=locked,
                person=person,
                role=role,
                position=_next_position(locked, role),
                confirmed=True,
            )
            events.assigned.send(__name__, presenter=row)
            return row
    except IntegrityError as exc:
        raise _explain_conflict(talk, person, role) from exc


def assign_person_or_guest(
    talk: Talk,
    role: str,
    *,
    person: Person | None,
    guest_name: str = "",
    guest_affiliation: str = "",
) -> Presenter:
    """Assign `person`, or else the guest of that name (made if new; not kept if refused)."""
    with transaction.atomic():
        chosen = person or guest_named(guest_name, guest_affiliation)
        return assign_presenter(talk, chosen, role)


def remove_presenter(presenter: Presenter) -> None:
    """An organiser takes a presenter off a talk."""
    with transaction.atomic():
        talk = _lock(presenter.talk)
        deleted, _by_model = Presenter.objects.filter(pk=presenter.pk).delete()
        if deleted:
            events.removed.send(
                __name__,
                talk=talk,
                person=presenter.person,
                role=presenter.role,
                presenter_id=presenter.pk,
            )


def confirm_presenter(presenter: Presenter) -> Presenter:
    """An organiser confirms a member's own sign-up."""
    with transaction.atomic():
        changed = Presenter.objects.filter(pk=presenter.pk, confirmed=False).update(
            confirmed=True, updated_at=timezone.now()
        )
        presenter.confirmed = True
        if changed:
            events.confirmed.send(__name__, presenter=presenter)
    return presenter


@dataclass(frozen=True)
class TalkActions:
    """What the signed-in viewer may do on one talk, computed from prefetched presenters."""

    signed_in: bool
    is_open: bool
    mine: Presenter | None
    lead: Presenter | None
    supporters: int
    can_lead: bool
    can_support: bool
    can_withdraw: bool
    has_room: bool


def talk_actions(
    talk: Talk, person_id: int | None, signed_in: bool, on: datetime.date
) -> TalkActions:
    """The sign-up buttons of one talk. Reads `talk.presenters.all()` (prefetch it), no queries."""
    presenters = list(talk.presenters.all())
    mine = (
        next((p for p in presenters if p.person_id == person_id), None)
        if person_id is not None
        else None
    )
    lead = _lead_of(presenters)
    supporters = sum(1 for p in presenters if p.role == Presenter.Role.SUPPORT)
    open_ = talk.session.is_open(on)
    has_room = lead is None or supporters < settings.MAX_SUPPORTERS
    free = signed_in and open_ and mine is None
    return TalkActions(
        signed_in=signed_in,
        is_open=open_,
        mine=mine,
        lead=lead,
        supporters=supporters,
        can_lead=free and lead is None,
        can_support=free and supporters < settings.MAX_SUPPORTERS,
        can_withdraw=mine is not None and not talk.is_past(on),
        has_room=has_room,
    )
