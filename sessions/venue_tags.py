"""The venue tag a talk carries, as the group writes it: "SOSP'25", "OSDI 2025", "arXiv".

Used by the README reader, the schedule's filters and templates; the catalogue's venues and
proceedings themselves live in papers/.
"""

from __future__ import annotations

import re

# SOSP'25, SOSP '25, and the same with a typographic apostrophe (U+2019, U+2018).
_VENUE_YEAR = re.compile(r"^(?P<name>[A-Za-z][\w.\-]*?)\s*['\u2019\u2018`]\s*(?P<yy>\d{2})$")
_VENUE_LONG_YEAR = re.compile(r"^(?P<name>[A-Za-z][\w.\-]*?)\s*(?P<year>(?:19|20)\d{2})$")


def normalize_venue_label(label: str) -> str:
    """ "SOSP '25" and "SOSP'25" are one venue tag; written the group's usual way."""
    label = " ".join(label.split())
    match = _VENUE_YEAR.match(label)
    if match:
        return f"{match.group('name')}'{match.group('yy')}"
    return label


def parse_venue_label(label: str) -> tuple[str, int | None]:
    """("SOSP", 2025) from "SOSP'25"; ("arXiv", None) from "arXiv"."""
    label = normalize_venue_label(label)
    match = _VENUE_YEAR.match(label)
    if match:
        return match.group("name"), 2000 + int(match.group("yy"))
    match = _VENUE_LONG_YEAR.match(label)
    if match:
        return match.group("name").rstrip(" -"), int(match.group("year"))
    return label, None


def venue_name(label: str) -> str:
    return parse_venue_label(label)[0] if label else ""
