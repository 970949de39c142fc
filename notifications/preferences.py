"""Which kinds of mail a member may choose (organisers also get the organisers' kinds)."""

from __future__ import annotations

from django.contrib.auth.models import User

from notifications import kinds
from readinggroup.permissions import is_organiser


def offered_kinds(user: User) -> list[kinds.Kind]:
    audiences = [kinds.MEMBER, kinds.CO_PRESENTERS]
    if is_organiser(user):
        audiences.append(kinds.ORGANISERS)
    return kinds.for_audience(*audiences)
