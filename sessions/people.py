"""The people who present: a member's Person (their name on the schedule)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from sessions.models import Person


def person_for(user: AbstractBaseUser) -> Person:
    """The member's Person, made on first need for accounts that predate registration."""
    try:
        return user.person  # type: ignore[attr-defined]
    except Person.DoesNotExist:
        name = user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
        person, _ = Person.objects.get_or_create(user=user, defaults={"name": name})
        user.person = person  # type: ignore[attr-defined]
        return person
