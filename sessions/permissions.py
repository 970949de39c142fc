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


@rules.predicate
def is_confirmed_lead_of(user: AnyUser, talk: Talk) -> bool:
    """The user leads this talk and an organiser confirmed the sign-up."""
    if user is None or not user.is_authenticated:
        return False
    return Presenter.objects.filter(
        talk_id=talk.pk, role=Presenter.Role.LEAD, person__user_id=user.pk, confirmed=True
    ).exists()


can_change_talk = is_lead_of | is_organiser
# Slides cost storage and work to read: a lead whose sign-up still waits does not upload yet.
can_upload_slides = is_confirmed_lead_of | is_organiser
UPLOAD_SLIDES_REFUSED = _(
    "Only an organiser or the lead of this talk may upload its slides, and a lead only once "
    "an organiser has confirmed the sign-up."
)


def _talk(pk: int) -> Talk:
    return get_object_or_404(Talk.objects.select_related("session"), pk=pk)


# The view gets the talk (with its session) in place of the URL's pk.
lead_or_organiser_required = require(can_change_talk, CHANGE_TALK_REFUSED, get_object=_talk)
# Checked before the view reads anything of the request body (see talk_slides_upload).
slides_uploader_required = require(can_upload_slides, UPLOAD_SLIDES_REFUSED, get_object=_talk)
