"""The schedule as iCalendar (RFC 5545), written by hand: one VEVENT per session.

Lines end in CRLF and fold at 75 octets (never inside a UTF-8 character); TEXT values escape
backslash, semicolon, comma and newline. UIDs are session-<date>@<domain>: a session's date
is its public address, so calendar clients update an event instead of adding a copy, and the
domain does not depend on the host the calendar was fetched from. DTSTAMP is the session's
last change, so two exports of an unchanged schedule are byte for byte the same.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from sessions.caching import schedule_cached
from sessions.models import Session, Talk, Term
from sessions.readme.exporter import ordered_presenters
from sessions.selectors import schedule_terms, talk_link, talk_venue

PRODID = "-//Reading group//Schedule//EN"


def uid_domain() -> str:
    return getattr(settings, "SCHEDULE_ICAL_DOMAIN", "") or (
        f"{slugify(settings.GROUP_NAME) or 'reading-group'}.schedule.invalid"
    )


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, continuation lines led by a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    chunks, start, limit = [], 0, 75
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        # Back off to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1
        chunks.append(encoded[start:end].decode("utf-8"))
        start, limit = end, 74  # the leading space takes one octet of the next line
    return "\r\n ".join(chunks)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _duration(minutes: int) -> str:
    hours, minutes = divmod(max(minutes, 0), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")


def short_title(talk: Talk) -> str:
    """ "DiffKV" for "DiffKV: Differentiated Memory Management ...": what fits a calendar."""
    if talk.paper_id and talk.paper.system_name and not talk.title:
        return talk.paper.system_name
    title = talk.display_title if (talk.title or talk.paper_id) else ""
    head, colon, _ = title.partition(":")
    return head.strip() if colon and 0 < len(head.strip()) <= 40 else title


def _talk_names(talk: Talk) -> str:
    return ", ".join(row.person.name for row in ordered_presenters(talk))


def summary(session: Session) -> str:
    """ "DiffKV (Chengru Yang, Jiawei Yi) · LithOS (Qingyuan Chen)", led by a special title."""
    label = session.title or (
        session.get_kind_display() if session.kind != Session.Kind.REGULAR else ""
    )
    parts, titles = [], []
    for talk in session.talks.all():
        title = short_title(talk) or "open topic"
        titles.append(title)
        names = _talk_names(talk)
        parts.append(f"{title} ({names})" if names else title)
    text = " · ".join(parts)
    if label and text and label not in titles:
        return f"{label}: {text}"
    return text or label or settings.GROUP_NAME


def description(session: Session, page_url: str) -> str:
    lines = []
    for talk in session.talks.all():
        venue = talk_venue(talk)
        title = talk.display_title if (talk.title or talk.paper_id) else "(topic to be chosen)"
        lines.append(f"Topic {talk.roman_position}: {title}" + (f" [{venue}]" if venue else ""))
        presenters = ordered_presenters(talk)
        lead = [row.person for row in presenters if row.role == "lead"]
        support = [row.person for row in presenters if row.role != "lead"]
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


def _person(person) -> str:
    return f"{person.name} ({person.affiliation})" if person.affiliation else person.name


def vevent(session: Session, site_url: str) -> list[str]:
    page_url = site_url + session.get_absolute_url()
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session.date.isoformat()}@{uid_domain()}",
        f"DTSTAMP:{_utc(session.updated_at)}",
        f"LAST-MODIFIED:{_utc(session.updated_at)}",
    ]
    if session.starts_at is not None:
        lines.append(f"DTSTART:{_utc(session.starts_at)}")
        lines.append(f"DURATION:{_duration(session.duration_minutes)}")
    else:
        next_day = session.date + datetime.timedelta(days=1)
        lines.append(f"DTSTART;VALUE=DATE:{session.date:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{next_day:%Y%m%d}")
    lines.append(f"SUMMARY:{escape_text(summary(session))}")
    lines.append(f"DESCRIPTION:{escape_text(description(session, page_url))}")
    location = session.place or session.online_link
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append(f"URL:{session.online_link or page_url}")
    status = "CANCELLED" if session.kind == Session.Kind.CANCELLED else "CONFIRMED"
    lines.append(f"STATUS:{status}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(sessions: list[Session], name: str, site_url: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for session in sessions:
        lines += vevent(session, site_url)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
@schedule_cached
def schedule_ics(request: HttpRequest) -> HttpResponse:
    """Every term's sessions."""
    sessions = [session for term in schedule_terms() for session in term.sessions.all()]
    sessions.sort(key=lambda session: session.date)
    text = calendar_text(sessions, settings.GROUP_NAME, _site_url(request))
    return _response(text, "schedule.ics")


@require_safe
@schedule_cached
def term_ics(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    terms = schedule_terms(term.slug)
    sessions = list(terms[0].sessions.all()) if terms else []
    text = calendar_text(sessions, f"{settings.GROUP_NAME} · {term.name}", _site_url(request))
    return _response(text, f"{term.slug}.ics")
