"""Fixtures of the mail tests: tasks run in-process, mails land in django.core.mail.outbox."""

from __future__ import annotations

import pytest

from readinggroup.celery import app as celery_app
from sessions.models import Presenter
from tests import factories
from tests.members.conftest import make_talk, person_of


@pytest.fixture(autouse=True)
def eager_celery(request, settings):
    """Delivery tasks run in-process (the services test starts a real worker instead)."""
    settings.SITE_URL = "https://rg.example.org"
    if request.node.get_closest_marker("services"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code leaves for after the commit (the delivery tasks), as a commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def people(db, member, other_member, organiser):
    """A member (alice), another member (bob), an organiser, each with a Person."""
    return {
        "alice": person_of(member, "Alice"),
        "bob": person_of(other_member, "Bob"),
        "organiser": person_of(organiser, "Olga"),
    }


@pytest.fixture
def talk(db):
    return make_talk(days=10)


def presenter(talk, person, role=Presenter.Role.LEAD, confirmed=True):
    return factories.PresenterFactory(talk=talk, person=person, role=role, confirmed=confirmed)


def sent(kind_subject: str = "") -> list:
    from django.core import mail

    return [m for m in mail.outbox if kind_subject in m.subject]


def recipients(messages) -> list[str]:
    return sorted(address for m in messages for address in m.to)
