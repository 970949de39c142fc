"""Venues: how a venue label reads ("SOSP'25", "arXiv"), which venue is a preprint server, and
the one get-or-create of venues and proceedings that every importer uses.

A Venue row says its own kind (Venue.is_preprint); a bare name or label says it through
PREPRINT_VENUE: the group's preprint server is arXiv, and a paper with an arXiv id but no
proceedings is shown, filtered and counted as an arXiv paper.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from papers.models import PREPRINT_VENUE, Proceedings, Venue

__all__ = [
    "PREPRINT_VENUE",
    "is_preprint",
    "normalize_venue_label",
    "parse_venue_label",
    "proceedings_for",
    "venue_for_label",
    "venue_name",
]

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


def is_preprint(venue: Venue | str | None) -> bool:
    """Whether a venue (a Venue row, or a name or label such as "arXiv") is a preprint server."""
    if venue is None:
        return False
    if isinstance(venue, Venue):
        return venue.is_preprint
    return venue_name(venue).casefold() == PREPRINT_VENUE.casefold()


def venue_for_label(label: str) -> Venue:
    """The venue a label names ("SOSP'25" -> SOSP, "arxiv" -> arXiv), created if new.

    Names match ignoring case; a new venue named like the preprint server is one.
    """
    name = venue_name(label).strip()
    if not name:
        raise ValueError("A venue needs a name.")
    if is_preprint(name):
        name = PREPRINT_VENUE
    venue = Venue.objects.filter(name__iexact=name).first()
    if venue is not None:
        return venue
    kind = Venue.Kind.PREPRINT if is_preprint(name) else Venue.Kind.CONFERENCE
    try:
        with transaction.atomic():
            return Venue.objects.create(name=name, kind=kind)
    except IntegrityError:
        # Another import created it a moment ago (unique on the lower-cased name).
        return Venue.objects.get(name__iexact=name)


def proceedings_for(venue: Venue, year: int) -> Proceedings:
    """The venue's proceedings of that year, created if new."""
    try:
        with transaction.atomic():
            proceedings, _ = Proceedings.objects.get_or_create(venue=venue, year=year)
    except IntegrityError:
        proceedings = Proceedings.objects.get(venue=venue, year=year)
    return proceedings
