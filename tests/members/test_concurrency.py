"""Members racing for one talk on PostgreSQL: separate connections, the real sign_up function."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from sessions import signups
from sessions.models import Presenter, Talk
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(FROZEN_NOW)]


def race(talk: Talk, people: list, role: str) -> tuple[list, list]:
    """Everyone calls sign_up at the same instant, each thread on its own connection."""
    barrier = threading.Barrier(len(people))
    won, lost, crashed = [], [], []

    def attempt(person) -> None:
        try:
            barrier.wait()
            signups.sign_up(talk, person, role)
            won.append(person.name)
        except signups.SignupError as exc:
            lost.append(str(exc))
        except Exception as exc:  # anything else is a bug the test must show
            crashed.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not crashed, crashed
    return won, lost


@pytest.fixture
def slow_checks(monkeypatch):
    """Hold the critical section open a moment so the racers really overlap."""
    original = signups._check_common

    def slow(talk, person, role):
        presenters = original(talk, person, role)
        time.sleep(0.2)
        return presenters

    monkeypatch.setattr(signups, "_check_common", slow)


@pytest.mark.parametrize("round_", range(3))
def test_two_members_race_for_the_lead_exactly_one_wins(postgres, slow_checks, round_):
    talk = make_talk(days=7 + round_)
    alice, bob = factories.PersonFactory(name="Alice"), factories.PersonFactory(name="Bob")
    won, lost = race(talk, [alice, bob], "lead")
    assert len(won) == 1 and len(lost) == 1
    assert f"{won[0]} already leads this talk" in lost[0]
    rows = list(Presenter.objects.filter(talk=talk).values_list("person__name", "role"))
    assert rows == [(won[0], "lead")]


def test_without_the_row_lock_the_constraint_still_decides(postgres, slow_checks, monkeypatch):
    """Both pass the checks (no lock); the database constraint refuses the second INSERT."""
    monkeypatch.setattr(
        signups, "_lock", lambda talk: Talk.objects.select_related("session").get(pk=talk.pk)
    )
    talk = make_talk(days=20)
    alice, bob = factories.PersonFactory(name="Alice"), factories.PersonFactory(name="Bob")
    won, lost = race(talk, [alice, bob], "lead")
    assert len(won) == 1 and len(lost) == 1
    assert "has just signed up as the lead" in lost[0]
    assert Presenter.objects.filter(talk=talk, role="lead").count() == 1


def test_supporters_racing_for_the_last_places_respect_the_cap(postgres, slow_checks, settings):
    settings.MAX_SUPPORTERS = 2
    talk = make_talk(days=21)
    people = [factories.PersonFactory(name=f"Member {i}") for i in range(5)]
    won, lost = race(talk, people, "support")
    assert len(won) == 2 and len(lost) == 3
    assert all("the most the group allows (2)" in message for message in lost)
    positions = sorted(Presenter.objects.filter(talk=talk).values_list("position", flat=True))
    assert positions == [1, 2]
