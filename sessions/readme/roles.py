"""Roles within a topic: which bullet is the special title, the paper, the presenters, the media;
and, on the presenters line, who leads and who supports.

The structure never depends on the emoji (they are often mojibake'd away): a line's role
comes from its shape and its place in the topic; a surviving emoji settles what shape and
place leave open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from sessions.readme.kinds import kind_tag
from sessions.readme.parsed import ROLE_LEAD, ROLE_SUPPORT, ParsedPresenter
from sessions.readme.syntax import (
    HINT_PAPER,
    HINT_PEOPLE,
    HINT_SPECIAL,
    LINK,
    VENUE_TAG,
    is_media_line,
    is_open_lead,
    is_title_link,
    parse_person,
    split_names,
)

Warn = Callable[[int, str], None]

MEDIA = "media"
IGNORED = "ignored"
ROLE_NAMES = {
    HINT_SPECIAL: gettext_lazy("special-session"),
    HINT_PAPER: gettext_lazy("paper"),
    HINT_PEOPLE: gettext_lazy("presenters"),
    MEDIA: gettext_lazy("slides/video"),
}


@dataclass
class Item:
    """One bullet of a topic, after the bullet and the decoration."""

    line: int
    text: str
    hint: str | None
    role: str | None = None


def assign_roles(
    items: list[Item],
    warn: Warn,
    allowed: tuple[str, ...] = (HINT_SPECIAL, HINT_PAPER, HINT_PEOPLE),
) -> list[Item]:
    """Give each item of a topic its role: media, special title, paper, or presenters.

    Links labelled slides/video are media wherever they stand. A venue tag or a title link
    marks the paper. A surviving emoji says the rest; otherwise plain lines take the roles
    still open, in the format's order (special, paper, presenters), filling the paper
    first, then the presenters, then the special title: two plain lines are a title and
    its presenters, three are a special session's title, its topic and its presenters.
    """
    order = [HINT_SPECIAL, HINT_PAPER, HINT_PEOPLE]
    for item in items:
        links = list(LINK.finditer(item.text))
        if links and is_media_line(item.text, links):
            role = MEDIA
        elif item.hint:
            role = item.hint
        elif kind_tag(item.text):
            role = HINT_SPECIAL  # "[Regular] Deep dive": a special line that lost its emoji
        elif VENUE_TAG.match(item.text) or is_title_link(item.text):
            role = HINT_PAPER
        else:
            continue
        if role in allowed or (role == MEDIA and HINT_PAPER in allowed):
            item.role = role
        else:
            item.role = IGNORED
            warn(
                item.line,
                gettext("%(role)s line before the first topic heading; ignored")
                % {"role": ROLE_NAMES.get(role, role)},
            )
    # A role claimed twice: the first claim holds.
    claimed: set[str] = set()
    for item in items:
        if item.role in order:
            if item.role in claimed:
                warn(
                    item.line,
                    gettext("a second %(role)s line in one topic; ignored")
                    % {"role": ROLE_NAMES[item.role]},
                )
                item.role = IGNORED
            else:
                claimed.add(item.role)
    # Plain lines, in runs between the claimed ones, take the open roles of their gap.
    index = 0
    while index < len(items):
        if items[index].role is not None:
            index += 1
            continue
        start = index
        while index < len(items) and items[index].role is None:
            index += 1
        run = items[start:index]
        before = _last_role(items[:start], order)
        after = _first_role(items[index:], order)
        low = order.index(before) + 1 if before else 0
        high = order.index(after) if after else len(order)
        open_roles = [role for role in order[low:high] if role not in claimed and role in allowed]
        preference = [HINT_PAPER, HINT_PEOPLE, HINT_SPECIAL]
        chosen = sorted(sorted(open_roles, key=preference.index)[: len(run)], key=order.index)
        extra = len(run) - len(chosen)
        for item in run[:extra]:
            item.role = IGNORED
            warn(
                item.line,
                gettext("unrecognised line %(text)s; ignored") % {"text": repr(item.text[:60])},
            )
        for item, role in zip(run[extra:], chosen, strict=True):
            item.role = role
            claimed.add(role)
    return items


def read_people(item: Item, warn: Warn) -> list[ParsedPresenter]:
    """The presenters line: the first name leads, the others support.

    "TBD" in the first place keeps the lead open: the names after it support.
    """
    # A name may be written as a link to a homepage; the name is what counts.
    text = LINK.sub(lambda match: match.group("text"), item.text)
    people: list[ParsedPresenter] = []
    seen: set[str] = set()
    lead_open = False
    for index, part in enumerate(split_names(text)):
        if is_open_lead(part):
            if index == 0:
                lead_open = True
            else:
                warn(
                    item.line,
                    gettext("%(text)s is not a name; only the first place can be open")
                    % {"text": repr(part)},
                )
            continue
        person = parse_person(part)
        if not person.name:
            continue
        key = person.name.casefold()
        if key in seen:
            warn(
                item.line,
                gettext("%(name)s is listed twice in one topic") % {"name": person.name},
            )
            continue
        seen.add(key)
        person.role = ROLE_LEAD if not people and not lead_open else ROLE_SUPPORT
        people.append(person)
    if not people and not lead_open:
        warn(item.line, gettext("empty presenters line"))
    return people


def _last_role(items: list[Item], order: list[str]) -> str | None:
    for item in reversed(items):
        if item.role in order:
            return item.role
    return None


def _first_role(items: list[Item], order: list[str]) -> str | None:
    for item in items:
        if item.role in order:
            return item.role
    return None
