"""Swaps: request, accept (the row moves, same role and confirmation), decline, withdraw."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from planner import swaps
from planner.models import SwapRequest
from sessions.models import Presenter
from tests import factories
from tests.planner.conftest import lead, member_person, session, support

NEXT = datetime.date(2025, 10, 7)


@pytest.fixture
def setup(db):
    ann, bob, cat = (member_person(u, u.title()) for u in ("ann", "bob", "cat"))
    talk = session(factories.TermFactory(), NEXT).talks.first()
    row = lead(talk, ann)
    row.confirmed = False
    row.position = 0
    row.save()
    return ann, bob, cat, talk, row


def test_accept_moves_the_row_keeping_role_confirmation_and_place(setup):
    _ann, bob, _, _talk, row = setup
    swap = swaps.request_swap(row, bob)
    assert swap.status == SwapRequest.Status.PENDING and swap.role == "lead"
    moved = swaps.accept(swap, bob)
    assert moved.pk == row.pk
    row.refresh_from_db()
    assert (row.person, row.role, row.confirmed, row.position) == (bob, "lead", False, 0)
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED and swap.decided_at
    with pytest.raises(swaps.SwapError, match="already answered"):
        swaps.accept(swap, bob)


def test_decline_and_withdraw_change_nothing_on_the_talk(setup):
    ann, bob, cat, _talk, row = setup
    swap = swaps.request_swap(row, bob)
    with pytest.raises(swaps.SwapError, match="someone else"):
        swaps.decline(swap, cat)
    swaps.decline(swap, bob)
    again = swaps.request_swap(row, cat)
    with pytest.raises(swaps.SwapError, match="Only the presenter"):
        swaps.withdraw(again, bob)
    swaps.withdraw(again, ann)
    assert Presenter.objects.get().person == ann
    assert list(SwapRequest.objects.values_list("status", flat=True).order_by("pk")) == [
        "declined",
        "cancelled",
    ]


def test_requests_are_refused_with_reasons(setup):
    ann, bob, cat, talk, row = setup
    support(talk, cat)
    with pytest.raises(swaps.SwapError, match="already presents"):
        swaps.request_swap(row, cat)
    with pytest.raises(swaps.SwapError, match="other than yourself"):
        swaps.request_swap(row, ann)
    with pytest.raises(swaps.SwapError, match="members with an account"):
        swaps.request_swap(row, factories.PersonFactory())
    swaps.request_swap(row, bob)
    with pytest.raises(swaps.SwapError, match="already asked"):
        swaps.request_swap(row, member_person("dan"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SwapRequest.objects.create(
            presenter=row, talk=talk, from_person=ann, to_person=cat, role="lead"
        )
    past = session(factories.TermFactory(), datetime.date(2025, 9, 2)).talks.first()
    with pytest.raises(swaps.SwapError, match="already taken place"):
        swaps.request_swap(lead(past, ann), bob)


def test_accept_after_the_row_changed_hands_closes_the_request(setup):
    _ann, bob, cat, _talk, row = setup
    swap = swaps.request_swap(row, bob)
    Presenter.objects.filter(pk=row.pk).update(person=cat)  # an organiser reassigned it
    with pytest.raises(swaps.SwapError, match="left this talk"):
        swaps.accept(swap, bob)
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.CANCELLED
    assert Presenter.objects.get().person == cat
    # A presenter who withdraws takes their open request with them.
    again = swaps.request_swap(Presenter.objects.get(), bob)
    Presenter.objects.all().delete()
    assert not SwapRequest.objects.filter(pk=again.pk).exists()


def test_accepting_when_already_on_the_talk_is_refused(setup):
    ann, bob, _, talk, row = setup
    swap = swaps.request_swap(row, bob)
    support(talk, bob)
    with pytest.raises(swaps.SwapError, match="already present"):
        swaps.accept(swap, bob)
    assert Presenter.objects.get(role="lead").person == ann
