"""Who may change what on the schedule: django-rules predicates over the schedule's objects.

They combine with readinggroup.permissions (organisers) through `|`; views enforce them with
the decorators below, so no view re-checks a role by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from readinggroup.permissions import AnyUser, is_organiser, require
from sessions.models import Presenter, Talk

CHANGE_TALK_REFUSED = _("Only the lead of this talk or an organiser may change it.")


def leads(user: AnyUser, presenters: Iterable[Presenter]) -> bool:
    """Whether one of these presenter rows (person loaded) is the user leading the talk."""
    if user is None or not user.is_authenticated:
        return False
    return any(p.role == Presenter.Role.LEAD and p.person.user_id == user.pk for p in presenters)


@rules.predicate
def is_lead_of(user: AnyUser, talk: Talk) -> bool:
    """The user leads this talk (confirmed or not). Reads prefetched presenters if present."""
    if user is None or not user.is_authenticated:
        return False
    if "presenters" in getattr(talk, "_prefetched_objects_cache", {}):
        return leads(user, talk.presenters.all())
    return Presenter.objects.filter(
        talk_id=talk.pk, role=Presenter.Role.LEAD, person__user_id=user.pk
    ).exists()


can_change_talk = is_lead_of | is_organiser


def _talk(pk: int) -> Talk:
    return get_object_or_404(Talk.objects.select_related("session"), pk=pk)


# The view gets the talk (with its session) in place of the URL's pk.
lead_or_organiser_required = require(can_change_talk, CHANGE_TALK_REFUSED, get_object=_talk)
