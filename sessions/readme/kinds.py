"""The kind rule: what a session is (regular, kick-off, rehearsal, special, cancelled) and its
title, from its special-session line ("✨ SOSP Rehearsal") or its only free topic ("💡 Kick-off
meeting"). Reader and writer both ask here, so the writer adds an explicit kind tag
("✨ [Regular] Deep dive") exactly where the words alone would read back as another kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sessions.readme.parsed import (
    KIND_CANCELLED,
    KIND_KICK_OFF,
    KIND_REGULAR,
    KIND_REHEARSAL,
    KIND_SPECIAL,
    ParsedTalk,
)
from sessions.readme.syntax import escape_plain, unescape

KINDS = (KIND_REGULAR, KIND_KICK_OFF, KIND_REHEARSAL, KIND_SPECIAL, KIND_CANCELLED)
_KICK_OFF = re.compile(r"kick[\s\-]?off", re.IGNORECASE)
_REHEARSAL = re.compile(r"rehearsal", re.IGNORECASE)
_CANCELLED = re.compile(r"cancel", re.IGNORECASE)
_KIND_TAG = re.compile(r"^\[(?P<kind>[A-Za-z\- ]{5,12})\]\s*(?P<rest>.*)$")


def kind_from_text(text: str) -> str | None:
    """The kind the words of a title say: "Kick-off meeting" is a kick-off; None if none."""
    if _KICK_OFF.search(text):
        return KIND_KICK_OFF
    if _REHEARSAL.search(text):
        return KIND_REHEARSAL
    if _CANCELLED.search(text):
        return KIND_CANCELLED
    return None


def kind_tag(text: str) -> str | None:
    """The kind an explicit tag names: "[Regular] ..." → "regular"; None without a tag."""
    match = _KIND_TAG.match(text.strip())
    if match is None:
        return None
    kind = match["kind"].strip().lower().replace(" ", "-")
    return kind if kind in KINDS else None


def read_kind(special_lines: Sequence[str], talks: Sequence[ParsedTalk]) -> tuple[str, str]:
    """(kind, title) of a session: its first special line (as written, still escaped) says it,
    by its kind tag or else its words; without one, the first free topic whose title names
    a kind ("💡 Kick-off meeting") does."""
    if special_lines:
        text = special_lines[0].strip()
        tagged = kind_tag(text)
        tag = _KIND_TAG.match(text)
        if tagged and tag is not None:
            return tagged, unescape(tag["rest"])
        title = unescape(text)
        return kind_from_text(title) or KIND_SPECIAL, title
    for talk in talks:
        kind = None if talk.names_paper else kind_from_text(talk.title)
        if kind:
            return kind, talk.title
    return KIND_REGULAR, ""


def special_line(kind: str, title: str, talks: Sequence[ParsedTalk]) -> str | None:
    """What the writer puts after "✨" so the reader gets (kind, title) back; None for no line."""
    candidates: list[str | None] = [None]
    if title:
        candidates.append(escape_plain(title))
    label = kind.capitalize()
    candidates.append(f"[{label}] {escape_plain(title)}".rstrip() if title else f"[{label}]")
    for candidate in candidates:
        lines = [candidate] if candidate is not None else []
        if read_kind(lines, talks) == (kind, title):
            return candidate
    return candidates[-1]
