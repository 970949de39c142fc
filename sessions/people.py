"""The people who present: a member's Person (their name on the schedule)."""

from __future__ import annotations

from django.contrib.auth.models import User

from sessions.models import Person


def person_for(user: User) -> Person:
    """The member's Person, made on first need for accounts that predate registration."""
    try:
        return user.person
    except Person.DoesNotExist:
        name = user.get_full_name() or user.get_username()
        person, _ = Person.objects.get_or_create(user=user, defaults={"name": name})
        user.person = person
        return person


def guest_named(name: str, affiliation: str = "") -> Person:
    """The guest (no account) of that name and affiliation, made if new."""
    name, affiliation = name.strip(), affiliation.strip()
    known = Person.objects.filter(
        user__isnull=True, name__iexact=name, affiliation__iexact=affiliation
    ).first()
    return known or Person.objects.create(name=name, affiliation=affiliation)
