"""One-click unsubscribe: a signed (user, kind) pair in every automatic mail's link.

Signed with django.core.signing (the SECRET_KEY), with no expiry: a link in an old mail still
works. It names one member and one kind, so it is safe to act on without a login. The page
asks for a click (GET shows a button, POST unsubscribes) so link scanners that fetch every URL
in a mail do not unsubscribe anyone; mail clients that support RFC 8058 POST to the same URL
(List-Unsubscribe-Post: List-Unsubscribe=One-Click), so the view takes a POST without a CSRF
token: the signature is what authorises it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications import kinds
from notifications.context import site_url
from notifications.models import OptOut
from notifications.rendering import mail_language

SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscription:
    user: User
    kind: str


def token_for(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT, compress=True)


def unsubscribe_url(user: User, kind: str) -> str:
    return site_url(reverse("notifications:unsubscribe", kwargs={"token": token_for(user, kind)}))


def read_token(token: str) -> Unsubscription | None:
    """The member and kind a link names; None for a forged, damaged or stale link."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in kinds.KINDS:
        return None
    if not isinstance(data.get("u"), int):  # token_for signs the user's integer pk
        return None
    user = get_user_model().objects.filter(pk=data["u"]).first()
    return Unsubscription(user=user, kind=data["k"]) if user is not None else None


def opt_out(user: User, kind: str) -> bool:
    """Turn `kind` off for the member; False when it was off already."""
    _, created = OptOut.objects.get_or_create(user=user, kind=kind)
    return created


def set_preferences(user: User, wanted: set[str], offered: list[str]) -> None:
    """The member receives the offered kinds in `wanted` and none of the other offered ones."""
    OptOut.objects.filter(user=user, kind__in=wanted).delete()
    existing = set(OptOut.objects.filter(user=user).values_list("kind", flat=True))
    OptOut.objects.bulk_create(
        OptOut(user=user, kind=kind)
        for kind in offered
        if kind not in wanted and kind not in existing
    )


def opted_out(user: User) -> set[str]:
    return set(OptOut.objects.filter(user=user).values_list("kind", flat=True))


def footer_for(user: User, kind: str) -> str:
    with translation.override(mail_language()):
        return render_to_string(
            "notifications/mail/footer.txt",
            {
                "kind_label": kinds.label(kind),
                "group": settings.GROUP_NAME,
                "unsubscribe_url": unsubscribe_url(user, kind),
                "preferences_url": site_url(reverse("profile")) + "#mail",
            },
        ).strip()


def list_unsubscribe_headers(user: User, kind: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
