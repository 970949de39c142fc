"""Swaps racing on PostgreSQL: separate connections, the real swap functions, row locks."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection

from planner import swaps
from planner.models import SwapRequest
from sessions.models import Presenter
from tests import factories
from tests.planner.conftest import lead, member_person, session, support

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls) -> tuple[list, list]:
    barrier = threading.Barrier(len(calls))
    won, lost, crashed = [], [], []

    def attempt(index, call) -> None:
        try:
            barrier.wait()
            call()
            won.append(index)
        except swaps.SwapError as exc:
            lost.append(str(exc))
        except Exception as exc:  # anything else is a bug the test must show
            crashed.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not crashed, crashed
    return won, lost


@pytest.fixture
def slow_checks(monkeypatch):
    """Hold the locked section open so the racers really overlap."""
    original = swaps._check_open

    def slow(talk, on=None):
        original(talk, on)
        time.sleep(0.2)

    monkeypatch.setattr(swaps, "_check_open", slow)


@pytest.mark.parametrize("round_", range(2))
def test_one_member_accepting_two_rows_of_one_talk_gets_exactly_one(postgres, slow_checks, round_):
    ann, cat, bob = member_person("ann"), member_person("cat"), member_person("bob")
    talk = session(factories.TermFactory(), datetime.date(2025, 10, 7)).talks.first()
    first = swaps.request_swap(lead(talk, ann), bob)
    second = swaps.request_swap(support(talk, cat), bob)
    won, lost = race(lambda: swaps.accept(first, bob), lambda: swaps.accept(second, bob))
    assert len(won) == 1 and len(lost) == 1, (won, lost)
    assert "already present" in lost[0]
    assert Presenter.objects.filter(talk=talk, person=bob).count() == 1
    assert Presenter.objects.filter(talk=talk).count() == 2


def test_accept_and_withdraw_at_once_leave_one_consistent_answer(postgres, slow_checks):
    ann, bob = member_person("ann"), member_person("bob")
    talk = session(factories.TermFactory(), datetime.date(2025, 10, 7)).talks.first()
    row = lead(talk, ann)
    swap = swaps.request_swap(row, bob)
    won, lost = race(lambda: swaps.accept(swap, bob), lambda: swaps.withdraw(swap, ann))
    assert len(won) == 1 and "already answered" in lost[0]
    status = SwapRequest.objects.get().status
    holder = Presenter.objects.get(pk=row.pk).person
    assert (status, holder) in {("accepted", bob), ("cancelled", ann)}
