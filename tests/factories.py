"""factory_boy factories for every model the tests build."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from papers.models import Paper, PaperLink, Proceedings, Topic, Venue
from readinggroup.permissions import set_organiser
from sessions.models import Person, Presenter, Session, Talk, Term


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganiserFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def organiser_group(self, create, extracted, **kwargs):
        if create:
            set_organiser(self)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("name",)

    name = "SOSP"
    kind = Venue.Kind.CONFERENCE


class ProceedingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proceedings
        django_get_or_create = ("venue", "year")

    venue = factory.SubFactory(VenueFactory)
    year = 2025


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    parent = None


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    title = factory.Sequence(lambda n: f"Paper number {n}: a system for things")
    authors = factory.LazyFunction(lambda: ["Ada Lovelace", "Alan Turing"])
    affiliations = "MIT & CMU"
    proceedings = factory.SubFactory(ProceedingsFactory)
    position = factory.Sequence(lambda n: n)


class PaperLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperLink

    paper = factory.SubFactory(PaperFactory)
    kind = PaperLink.Kind.PAPER
    url = factory.Sequence(lambda n: f"https://dl.acm.org/doi/10.1145/{n}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    name = factory.Sequence(lambda n: f"{2025 + n} Fall")
    slug = factory.Sequence(lambda n: f"{2025 + n}-fall")
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2026, 1, 31)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    date = factory.Sequence(lambda n: datetime.date(2025, 9, 16) + datetime.timedelta(days=7 * n))
    start_time = datetime.time(19, 0)


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk

    session = factory.SubFactory(SessionFactory)
    position = 1
    paper = factory.SubFactory(PaperFactory)
    venue_label = "SOSP'25"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")


class PresenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presenter

    talk = factory.SubFactory(TalkFactory)
    person = factory.SubFactory(PersonFactory)
    role = Presenter.Role.LEAD
