"""The permission predicates (readinggroup/permissions.py, sessions/permissions.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from readinggroup.admin_permissions import OrganiserAdminMixin
from readinggroup.permissions import is_organiser, organiser_required, organisers, set_organiser
from sessions.models import Presenter, Talk
from sessions.permissions import can_change_talk, is_lead_of, lead_or_organiser_required
from tests import factories
from tests.members.conftest import person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk():
    return Talk.objects.create(session=factories.SessionFactory(), position=1)


def test_lead_or_organiser_is_the_two_predicates_combined(talk):
    lead, supporter, organiser = (
        factories.UserFactory(),
        factories.UserFactory(),
        factories.OrganiserFactory(),
    )
    Presenter.objects.create(talk=talk, person=person_of(lead), role="lead", confirmed=False)
    Presenter.objects.create(talk=talk, person=person_of(supporter), role="support")
    assert is_lead_of(lead, talk) and not is_lead_of(supporter, talk)
    assert is_organiser(organiser) and not is_organiser(lead)
    assert not is_organiser(AnonymousUser()) and not is_lead_of(AnonymousUser(), talk)
    allowed = {u.username: can_change_talk(u, talk) for u in (lead, supporter, organiser)}
    assert allowed == {lead.username: True, supporter.username: False, organiser.username: True}


def test_organisers_are_whom_is_organiser_admits():
    organiser = factories.OrganiserFactory()
    superuser = factories.UserFactory(is_superuser=True)
    set_organiser(superuser)  # in the group as well: still one row
    former = factories.OrganiserFactory()
    set_organiser(former, False)
    members = [factories.UserFactory(), former]
    assert sorted(u.pk for u in organisers()) == sorted([organiser.pk, superuser.pk])
    assert all(is_organiser(u) for u in organisers())
    assert not any(is_organiser(u) for u in members)


def test_is_lead_of_reads_prefetched_presenters(talk, django_assert_num_queries):
    lead = factories.UserFactory()
    Presenter.objects.create(talk=talk, person=person_of(lead), role="lead")
    fetched = Talk.objects.prefetch_related("presenters__person").get(pk=talk.pk)
    with django_assert_num_queries(0):
        assert is_lead_of(lead, fetched)


def test_decorators_carry_the_reason_and_pass_the_talk(talk):
    member = factories.UserFactory()
    request = RequestFactory().get("/")
    request.user = member

    @organiser_required
    def organisers_only(request):
        return HttpResponse("yes")

    @lead_or_organiser_required
    def change(request, got):
        return HttpResponse(f"talk {got.pk}")

    with pytest.raises(PermissionDenied, match="Only organisers can do this"):
        organisers_only(request)
    with pytest.raises(PermissionDenied, match="Only the lead of this talk or an organiser"):
        change(request, pk=talk.pk)
    request.user = factories.OrganiserFactory()
    assert change(request, pk=talk.pk).content == f"talk {talk.pk}".encode()


def test_the_admin_grants_organisers_through_the_same_predicate():
    request = RequestFactory().get("/admin/")
    request.user = factories.OrganiserFactory()

    class Base:
        def has_change_permission(self, request, obj=None):
            return False

    class Admin(OrganiserAdminMixin, Base):
        pass

    assert Admin().has_change_permission(request)
    request.user = factories.UserFactory()
    assert not Admin().has_change_permission(request)
