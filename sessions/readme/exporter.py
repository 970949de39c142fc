"""A term back into the group's README format, so the group can keep publishing its README.

The README is public: pending sign-ups stay out of it. What is written reads back, through
importer.py, to exactly what the database holds (the round trip is pinned in
tests/schedule/test_readme_roundtrip.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse

from sessions.models import Presenter, Talk, Term
from sessions.readme.parsed import ParsedPresenter, ParsedSchedule, ParsedSession, ParsedTalk
from sessions.readme.writer import format_schedule
from sessions.selectors import talk_link, talk_venue, term_sessions


def ordered_presenters(talk_or_rows: Talk | Iterable[Presenter]) -> list[Presenter]:
    """Lead first, then supporters as they signed up (reads the prefetched presenters)."""
    rows = talk_or_rows.presenters.all() if isinstance(talk_or_rows, Talk) else talk_or_rows
    return sorted(rows, key=lambda row: (row.role != Presenter.Role.LEAD, row.position, row.pk))


def slides_link(talk: Talk, site_url: str = "") -> str:
    """The slides link as written, else where an uploaded deck can be downloaded."""
    if talk.slides_url:
        return talk.slides_url
    if not talk.slides_file:
        return ""
    try:
        path = reverse("schedule:talk_slides", kwargs={"pk": talk.pk})
    except NoReverseMatch:
        path = talk.slides_file.url
    return site_url.rstrip("/") + path if site_url else path


def term_as_parsed(term: Term, *, site_url: str = "") -> ParsedSchedule:
    sessions = []
    for session in term_sessions(term):
        talks = []
        for talk in session.talks.all():
            has_topic = bool(talk.title or talk.paper_id)
            talks.append(
                ParsedTalk(
                    position=talk.position,
                    title=talk.display_title if has_topic else "",
                    url=talk_link(talk),
                    venue_label=talk_venue(talk),
                    presenters=[
                        ParsedPresenter(
                            name=row.person.name,
                            affiliation=row.person.affiliation,
                            role=row.role,
                        )
                        # The README is public: a pending sign-up is not the group's word yet.
                        for row in ordered_presenters(talk)
                        if row.confirmed
                    ],
                    slides_url=slides_link(talk, site_url),
                    video_url=talk.video_url,
                    summary_url=talk.summary_url,
                )
            )
        sessions.append(
            ParsedSession(date=session.date, kind=session.kind, title=session.title, talks=talks)
        )
    return ParsedSchedule(
        term_name=term.name,
        requirements=term.requirements,
        other_information=term.other_information,
        sessions=sessions,
    )


def export_term(term: Term, *, site_url: str = "") -> str:
    """The term as README text: newest session first, Topic headings, venue tags, presenters.

    `site_url` (e.g. https://group.example.org) makes links to uploaded slides absolute.
    """
    return format_schedule(term_as_parsed(term, site_url=site_url))
