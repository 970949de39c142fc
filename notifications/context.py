"""What a mail template may say: plain strings about a talk and its people, nothing else."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from sessions.models import Presenter, Session, Talk


def site_url(path: str = "") -> str:
    """An absolute link: mails are read outside the site, written outside a request."""
    return settings.SITE_URL.rstrip("/") + path


# Mails are written in the group's language (rendering.mail_language), whichever language
# the visitor whose action sent them was reading: the words put into their context too.


def _date(day: datetime.date) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(day, "DATE_FORMAT")


def role_label(role: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return str(Presenter.Role(role).label).lower()
        except ValueError:
            return role


def _topic(talk: Talk) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext("Topic %(number)s") % {"number": talk.roman_position}


def talk_context(talk: Talk, session: Session | None = None) -> dict[str, str]:
    session = session or talk.session
    title = talk.display_title
    return {
        "group": settings.GROUP_NAME,
        "talk_title": title,
        "topic": _topic(talk),
        "session_date": _date(session.date),
        "session_iso_date": session.date.isoformat(),
        "session_time": session.start_time.strftime("%H:%M") if session.start_time else "",
        "place": session.place or session.online_link,
        "talk_url": site_url(session.get_absolute_url()),
        "edit_url": site_url(reverse("schedule:talk_edit", kwargs={"pk": talk.pk})),
        "me_url": site_url(reverse("schedule:me")),
        "dashboard_url": site_url(
            reverse("schedule:organiser_term", kwargs={"slug": session.term.slug})
        ),
    }
