"""The kinds of mail the group sends: who gets them, and whether a member may turn them off.

Each automatic kind has a default subject and text template in
notifications/templates/notifications/mail/<code>.subject.txt / <code>.txt; organisers may
override both (MailTemplate). DIRECT is an organiser's own message to presenters: written by
hand each time, never held, and not a kind to unsubscribe from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

MEMBER = "member"
ORGANISERS = "organisers"
CO_PRESENTERS = "co-presenters"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | StrPromise
    audience: str
    # Names of the context variables a template of this kind may use (shown in the editor).
    variables: tuple[str, ...]


_TALK = ("name", "talk_title", "topic", "session_date", "session_time", "place", "talk_url")

SIGNUP_RECEIVED = "signup_received"
SIGNUP_CONFIRMED = "signup_confirmed"
ASSIGNED = "assigned"
REMOVED = "removed"
TALK_MOVED = "talk_moved"
SWAP_REQUESTED = "swap_requested"
SWAP_ACCEPTED = "swap_accepted"
REMINDER = "reminder"
FOLLOW_UP = "follow_up"
NEW_SIGNUP = "organiser_new_signup"
WITHDRAWAL = "organiser_withdrawal"
NO_LEAD = "organiser_no_lead"
CO_JOINED = "co_presenter_joined"
CO_LEFT = "co_presenter_left"
DIRECT = "direct"
# A mail Django's own code writes in a request (the password reset), recorded through
# notifications.backends.OutboxBackend: never held, its text (a sign-in link) never shown.
ACCOUNT = "account"

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        Kind(SIGNUP_RECEIVED, _("Your sign-up was received"), MEMBER, (*_TALK, "role")),
        Kind(SIGNUP_CONFIRMED, _("Your sign-up was confirmed"), MEMBER, (*_TALK, "role")),
        Kind(ASSIGNED, _("An organiser put you on a talk"), MEMBER, (*_TALK, "role")),
        Kind(REMOVED, _("An organiser took you off a talk"), MEMBER, (*_TALK, "role")),
        Kind(TALK_MOVED, _("Your talk moved to another date"), MEMBER, (*_TALK, "old_date")),
        Kind(
            SWAP_REQUESTED,
            _("Someone asks you to take their place"),
            MEMBER,
            (*_TALK, "role", "other_name", "me_url"),
        ),
        Kind(SWAP_ACCEPTED, _("Your swap was accepted"), MEMBER, (*_TALK, "role", "other_name")),
        Kind(
            REMINDER,
            _("Reminder before your session"),
            MEMBER,
            (*_TALK, "role", "days", "missing", "edit_url"),
        ),
        Kind(
            FOLLOW_UP,
            _("After your session: video and summary links"),
            MEMBER,
            (*_TALK, "missing", "edit_url"),
        ),
        Kind(
            NEW_SIGNUP,
            _("Organisers: a sign-up awaits confirmation"),
            ORGANISERS,
            (*_TALK, "role", "member_name", "dashboard_url"),
        ),
        Kind(
            WITHDRAWAL,
            _("Organisers: a presenter withdrew"),
            ORGANISERS,
            (*_TALK, "role", "member_name", "dashboard_url"),
        ),
        Kind(
            NO_LEAD,
            _("Organisers: a talk has no lead any more"),
            ORGANISERS,
            (*_TALK, "member_name", "dashboard_url"),
        ),
        Kind(
            CO_JOINED,
            _("A co-presenter joined your talk"),
            CO_PRESENTERS,
            (*_TALK, "role", "member_name"),
        ),
        Kind(
            CO_LEFT,
            _("A co-presenter left your talk"),
            CO_PRESENTERS,
            (*_TALK, "role", "member_name"),
        ),
    ]
}

DIRECT_LABEL = _("Message from an organiser")
ACCOUNT_LABEL = _("Account mail (password reset)")


def label(code: str) -> str:
    if code == DIRECT:
        return str(DIRECT_LABEL)
    if code == ACCOUNT:
        return str(ACCOUNT_LABEL)
    kind = KINDS.get(code)
    return str(kind.label) if kind else code


def for_audience(*audiences: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.audience in audiences]
