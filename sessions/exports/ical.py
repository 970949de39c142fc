"""The schedule as iCalendar (RFC 5545), written with the icalendar library: one VEVENT per session.

The library escapes, folds and serialises. A session with a start time is in the group's time
zone (settings.TIME_ZONE): DTSTART carries its TZID and the calendar a VTIMEZONE for it, so a
19:00 session stays 19:00 in the group's calendar whatever the subscriber's own zone. UIDs are
session-<date>@<domain>: a session's date is its public address, so calendar clients update
an event instead of adding a copy, and the domain does not depend on the host the calendar was
fetched from. DTSTAMP is the session's last change, so two exports of an unchanged schedule
are byte for byte the same.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from sessions.caching import schedule_cached
from sessions.exports.rows import SessionRow, TalkRow, session_rows
from sessions.models import Presenter, Session, Term
from sessions.readme.exporter import ordered_presenters
from sessions.selectors import all_terms, current_term, talk_link, talk_venue

PRODID = "-//Reading group//Schedule//EN"
# The all-terms calendar (/schedule.ics) holds the current term (selectors.current_term), every
# later session and those of the last CALENDAR_PAST_DAYS days: what a subscriber's calendar
# needs, at a size that stays cheap to build however long the group has met. A term's own
# calendar (/terms/<slug>/schedule.ics) holds all of its sessions.
CALENDAR_PAST_DAYS = 183


def calendar_since(today: datetime.date | None = None) -> datetime.date:
    """The first day /schedule.ics covers."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    term = current_term(all_terms(), today)
    if term is not None and term.start_date is not None:
        since = min(since, term.start_date)
    return since


def uid_domain() -> str:
    return getattr(settings, "SCHEDULE_ICAL_DOMAIN", "") or (
        f"{slugify(settings.GROUP_NAME) or 'reading-group'}.schedule.invalid"
    )


def short_title(talk: TalkRow) -> str:
    """ "DiffKV" for "DiffKV: Differentiated Memory Management ...": what fits a calendar."""
    if talk.paper is not None and talk.paper.system_name and not talk.title:
        return talk.paper.system_name
    title = talk.display_title if (talk.title or talk.paper_id) else ""
    head, colon, _ = title.partition(":")
    return head.strip() if colon and 0 < len(head.strip()) <= 40 else title


def _talk_names(talk: TalkRow) -> str:
    return ", ".join(row.person.name for row in ordered_presenters(talk.presenters))


def summary(session: SessionRow) -> str:
    """ "DiffKV (Chengru Yang, Jiawei Yi) · LithOS (Qingyuan Chen)", led by a special title."""
    label = session.title or (
        session.get_kind_display() if session.kind != Session.Kind.REGULAR else ""
    )
    parts, titles = [], []
    for talk in session.talks:
        title = short_title(talk) or "open topic"
        titles.append(title)
        names = _talk_names(talk)
        parts.append(f"{title} ({names})" if names else title)
    text = " · ".join(parts)
    if label and text and label not in titles:
        return f"{label}: {text}"
    return text or label or settings.GROUP_NAME


def description(session: SessionRow, page_url: str) -> str:
    lines = []
    for talk in session.talks:
        venue = talk_venue(talk)
        title = talk.display_title if (talk.title or talk.paper_id) else "(topic to be chosen)"
        lines.append(f"Topic {talk.roman_position}: {title}" + (f" [{venue}]" if venue else ""))
        presenters = ordered_presenters(talk.presenters)
        lead = [row for row in presenters if row.role == "lead"]
        support = [row for row in presenters if row.role != "lead"]
        if lead:
            lines.append(f"Lead: {_person(lead[0])}")
        if support:
            lines.append("Supporting: " + ", ".join(_person(p) for p in support))
        link = talk_link(talk)
        for label, url in (
            ("Paper", link),
            ("Slides", talk.slides_url),
            ("Video", talk.video_url),
            ("Summary", talk.summary_url),
        ):
            if url:
                lines.append(f"{label}: {url}")
        lines.append("")
    if session.online_link:
        lines.append(f"Online: {session.online_link}")
    lines.append(page_url)
    return "\n".join(lines).strip()


def _person(row: Presenter) -> str:
    """ "Name (Affiliation)", marked as the page marks a sign-up not yet confirmed."""
    person = row.person
    text = f"{person.name} ({person.affiliation})" if person.affiliation else person.name
    return text if row.confirmed else f"{text} (pending)"


def vevent(session: SessionRow, site_url: str) -> icalendar.Event:
    page_url = site_url + session.get_absolute_url()
    event = icalendar.Event()
    event.add("uid", f"session-{session.date.isoformat()}@{uid_domain()}")
    event.add("dtstamp", session.updated_at.astimezone(datetime.UTC))
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    if session.starts_at is not None:
        event.add("dtstart", session.starts_at)  # aware, in the group's zone: TZID
        event.add("duration", datetime.timedelta(minutes=max(session.duration_minutes, 0)))
    else:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + datetime.timedelta(days=1))
    event.add("summary", summary(session))
    event.add("description", description(session, page_url))
    location = session.place or session.online_link
    if location:
        event.add("location", location)
    event.add("url", session.online_link or page_url)
    status = "CANCELLED" if session.kind == Session.Kind.CANCELLED else "CONFIRMED"
    event.add("status", status)
    return event


def calendar_text(sessions: list[SessionRow], name: str, site_url: str) -> str:
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        calendar.add_component(vevent(session, site_url))
    if sessions:
        # The zone's rules only for the years the schedule spans (all of them would be
        # hundreds of lines).
        first = min(session.date for session in sessions)
        last = max(session.date for session in sessions)
        calendar.add_missing_timezones(
            first_date=datetime.date(max(first.year, 1970), 1, 1),
            last_date=datetime.date(min(max(last.year, 1970) + 1, datetime.MAXYEAR), 12, 31),
        )
    return calendar.to_ical().decode("utf-8")


def _response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
@schedule_cached
def schedule_ics(request: HttpRequest) -> HttpResponse:
    """The current term's sessions and every later one, and the last months' (calendar_since)."""
    sessions = session_rows(
        Session.objects.filter(date__gte=calendar_since()).order_by("date", "id")
    )
    text = calendar_text(sessions, settings.GROUP_NAME, _site_url(request))
    return _response(text, "schedule.ics")


@require_safe
@schedule_cached
def term_ics(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    sessions = session_rows(term.sessions.order_by("date", "id"))
    text = calendar_text(sessions, f"{settings.GROUP_NAME} · {term.name}", _site_url(request))
    return _response(text, f"{term.slug}.ics")
