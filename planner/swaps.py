"""Swaps: a presenter asks another member to take their place on a talk.

The asked member accepts or declines on their My talks page; on accept the presenter row
moves to them (same role, its confirmation kept), so the talk never has a gap. Race safety
follows sessions/signups.py: every step locks the talk's row and then the request's row
(`SELECT … FOR UPDATE` on PostgreSQL) and re-reads what it decides on; the constraints (one
open request per presenter row, one row per person per talk) catch what slips past a lock
(SQLite has none) and become the same clear SwapError.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from planner.models import SwapRequest
from sessions import events
from sessions.models import Person, Presenter, Session, Talk

PENDING = SwapRequest.Status.PENDING


class SwapError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _lock_talk(talk_id: int) -> Talk:
    return Talk.objects.select_for_update(of=("self",)).select_related("session").get(pk=talk_id)


def _check_open(talk: Talk, on: datetime.date | None = None) -> None:
    if talk.session.kind == Session.Kind.CANCELLED:
        raise SwapError(_("This session is cancelled; there is nothing to swap."))
    if talk.session.date < (on or timezone.localdate()):
        raise SwapError(_("This talk has already taken place; swaps are for upcoming talks."))


def request_swap(presenter: Presenter, to_person: Person) -> SwapRequest:
    """The presenter (by their own choice) asks `to_person`, a member, to take their place."""
    if to_person.user_id is None:
        raise SwapError(_("Only members with an account can accept a swap; ask an organiser."))
    if to_person.pk == presenter.person_id:
        raise SwapError(_("Choose someone other than yourself."))
    try:
        with transaction.atomic():
            talk = _lock_talk(presenter.talk_id)
            _check_open(talk)
            row = Presenter.objects.filter(pk=presenter.pk).first()
            if row is None:
                raise SwapError(_("You no longer present this talk."))
            if Presenter.objects.filter(talk=talk, person=to_person).exists():
                raise SwapError(
                    _("%(name)s already presents this talk.") % {"name": to_person.name}
                )
            if SwapRequest.objects.filter(presenter=row, status=PENDING).exists():
                raise SwapError(_("You already asked someone; withdraw that request first."))
            swap = SwapRequest.objects.create(
                presenter=row,
                talk=talk,
                from_person_id=row.person_id,
                to_person=to_person,
                role=row.role,
            )
            events.swap_requested.send(__name__, swap=swap)
            return swap
    except IntegrityError as exc:
        raise SwapError(_("You already asked someone; withdraw that request first.")) from exc


def _locked_request(swap: SwapRequest) -> tuple[Talk, SwapRequest]:
    talk = _lock_talk(swap.talk_id)
    locked = SwapRequest.objects.select_for_update().get(pk=swap.pk)
    if locked.status != PENDING:
        raise SwapError(
            _("This request was already answered (%(status)s).")
            % {"status": locked.get_status_display().lower()}
        )
    return talk, locked


def accept(swap: SwapRequest, person: Person) -> Presenter:
    """The asked member takes the presenter row: same role, same confirmation, same place."""
    if swap.to_person_id != person.pk:
        raise SwapError(_("This request was made to someone else."))
    try:
        with transaction.atomic():
            talk, locked = _locked_request(swap)
            _check_open(talk)
            row = Presenter.objects.filter(pk=locked.presenter_id).first()
            if row is not None and row.person_id == locked.from_person_id:
                if Presenter.objects.filter(talk=talk, person=person).exists():
                    raise SwapError(_("You already present this talk."))
                row.person = person
                row.save(update_fields=["person", "updated_at"])
                _decide(locked, SwapRequest.Status.ACCEPTED)
                events.swap_accepted.send(__name__, swap=locked, presenter=row)
                return row
            # The presenter left (or was moved) meanwhile: the request has nothing to hand over.
            _decide(locked, SwapRequest.Status.CANCELLED)
    except IntegrityError as exc:
        raise SwapError(_("You already present this talk.")) from exc
    raise SwapError(_("The presenter left this talk meanwhile; there is nothing to take over."))


def _decide(swap: SwapRequest, status: str) -> None:
    swap.status = status
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_at"])


def decline(swap: SwapRequest, person: Person) -> SwapRequest:
    if swap.to_person_id != person.pk:
        raise SwapError(_("This request was made to someone else."))
    return _close(swap, SwapRequest.Status.DECLINED)


def withdraw(swap: SwapRequest, person: Person) -> SwapRequest:
    if swap.from_person_id != person.pk:
        raise SwapError(_("Only the presenter who asked can withdraw this request."))
    return _close(swap, SwapRequest.Status.CANCELLED)


def _close(swap: SwapRequest, status: str) -> SwapRequest:
    with transaction.atomic():
        _, locked = _locked_request(swap)
        _decide(locked, status)
    return locked


def for_person(person: Person) -> tuple[list[SwapRequest], list[SwapRequest]]:
    """(requests made to them and still open, their own recent requests), for My talks."""
    base = SwapRequest.objects.select_related(
        "talk__session", "talk__paper", "from_person", "to_person"
    )
    received = list(base.filter(to_person=person, status=PENDING).order_by("talk__session__date"))
    sent = list(base.filter(from_person=person).order_by("-created_at")[:10])
    return received, sent


def for_term(term_id: int, limit: int = 20) -> QuerySet[SwapRequest]:
    """The term's swaps, newest first, for the organiser's dashboard."""
    return (
        SwapRequest.objects.filter(talk__session__term_id=term_id)
        .select_related("talk__session", "talk__paper", "from_person", "to_person")
        .order_by("-created_at")[:limit]
    )
