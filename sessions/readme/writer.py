"""Write a term back in the group's README format: what the reader reads back unchanged.

Newest session first, `Topic` headings, venue tags, presenters, media links; dates carry a
year only where the year rule (years.py) would place them elsewhere.
"""

from __future__ import annotations

from sessions.numbering import roman
from sessions.readme.kinds import special_line
from sessions.readme.parsed import (
    ROLE_LEAD,
    ParsedSchedule,
    ParsedTalk,
)
from sessions.readme.syntax import (
    MARK_PAPER,
    MARK_PEOPLE,
    MARK_SLIDES,
    MARK_SPECIAL,
    MARK_SUMMARY,
    MARK_VIDEO,
    OPEN_LEAD,
    escape_link_text,
    escape_plain,
    format_person,
    link_target,
)
from sessions.readme.years import years_to_write


def format_schedule(schedule: ParsedSchedule) -> str:
    """The README text of a term: newest session first, in the group's own format."""
    out = [f"# {schedule.term_name}", ""]
    if schedule.requirements.strip():
        out += ["## Specific Requirements", "", schedule.requirements.strip("\n"), ""]
    if schedule.other_information.strip():
        out += ["## Other Information", "", schedule.other_information.strip("\n"), ""]
    out += ["## Schedule"]
    sessions = sorted(schedule.sessions, key=lambda s: s.date, reverse=True)
    dates = [session.date for session in sessions]
    explicit = years_to_write(schedule.term_name, dates)
    for session, with_year in zip(sessions, explicit, strict=True):
        date = session.date
        out.append(f"### {date:%B} {date.day}" + (f", {date.year}" if with_year else ""))
        talks = sorted(session.talks, key=lambda t: t.position)
        # One talk in position I is written bare, as the group does; an empty one needs its
        # heading, or it would read back as a session without talks.
        bare = len(talks) == 1 and talks[0].position == 1 and bool(_talk_lines(talks[0]))
        special = special_line(session.kind, session.title, talks)
        if bare:
            out.append("")
        if special is not None:
            out.append(f"- {MARK_SPECIAL} {special}")
        for index, talk in enumerate(talks):
            if not bare:
                if index:
                    out.append("")
                out.append(f"#### Topic {roman(talk.position)}")
            out += _talk_lines(talk)
        out += ["<br><br>", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _talk_lines(talk: ParsedTalk) -> list[str]:
    lines = []
    if talk.title or talk.url or talk.venue_label:
        venue = f"[{talk.venue_label}] " if talk.venue_label else ""
        title = talk.title or talk.url
        if talk.url:
            target = link_target(talk.url)
            lines.append(f"- {MARK_PAPER} {venue}[{escape_link_text(title)}]({target})")
        else:
            lines.append(f"- {MARK_PAPER} {venue}{escape_plain(title)}")
    if talk.presenters:
        names = [format_person(person.name, person.affiliation) for person in talk.presenters]
        if all(person.role != ROLE_LEAD for person in talk.presenters):
            names.insert(0, OPEN_LEAD)
        lines.append(f"- {MARK_PEOPLE} {', '.join(names)}")
    media = []
    for mark, word, url in (
        (MARK_SLIDES, "slides", talk.slides_url),
        (MARK_VIDEO, "video", talk.video_url),
        (MARK_SUMMARY, "summary", talk.summary_url),
    ):
        if url:
            media.append(f"[{mark} {word}]({link_target(url)})")
    if media:
        lines.append("- " + ", ".join(media))
    return lines
