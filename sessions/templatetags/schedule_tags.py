"""Template helpers of the public schedule: {% load schedule_tags %}."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from papers.models import Paper
from papers.venues import is_preprint
from sessions import selectors
from sessions.models import Session, Talk, Term
from sessions.readme.syntax import is_relative_url as _is_relative_url

register = template.Library()

_CURRENT = ' aria-current="page"'


@register.filter
def talk_venue(talk: Talk) -> str:
    return selectors.talk_venue(talk)


@register.filter
def venue_kind(label: str) -> str:
    """CSS class of a venue tag: preprint (arXiv) or conference."""
    return "preprint" if is_preprint(label) else "conference"


@register.filter
def talk_link(talk: Talk) -> str:
    return selectors.talk_link(talk)


@register.simple_tag
def term_links(terms: list[Term], shown: Term | None) -> str:
    """The switcher's links, the shown term marked: one reverse() for all of them, and one
    string built (hundreds of terms: format_html per link was most of the switcher's cost)."""
    shown_pk = shown.pk if shown is not None else None
    links = [
        f'<a href="{escape(url)}"{_CURRENT if term.pk == shown_pk else ""}>{escape(term.name)}</a>'
        for term, url in zip(terms, selectors.term_urls(terms), strict=True)
    ]
    return mark_safe("".join(links))  # every value in it is escaped above


@register.filter
def is_relative_url(url: str) -> bool:
    """A link kept as the README wrote it (./slides/x.pdf) points nowhere on this site."""
    return _is_relative_url(url or "")


@register.filter
def ends_at(session: Session) -> datetime.time | None:
    if session.start_time is None:
        return None
    start = datetime.datetime.combine(session.date, session.start_time)
    return (start + datetime.timedelta(minutes=session.duration_minutes)).time()


@register.filter
def days_from(day: datetime.date, today: datetime.date | None = None) -> str:
    """ "today", "tomorrow", "in 5 days", "3 days ago"."""
    today = today or timezone.localdate()
    delta = (day - today).days
    if delta == 0:
        return _("today")
    if delta == 1:
        return _("tomorrow")
    if delta == -1:
        return _("yesterday")
    if delta > 0:
        return ngettext("in %(days)d day", "in %(days)d days", delta) % {"days": delta}
    return ngettext("%(days)d day ago", "%(days)d days ago", -delta) % {"days": -delta}


@register.simple_tag
def paper_talks(paper: Paper) -> list[Talk]:
    """{% paper_talks paper as talks %}: where a paper was presented, in two queries."""
    return selectors.paper_talks(paper)
