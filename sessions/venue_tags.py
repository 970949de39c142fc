"""The venue tag a talk carries, as the group writes it: "SOSP'25", "OSDI 2025", "arXiv".

The rules live in papers/venues.py (the catalogue's venue importers need them too, and papers
never imports sessions); the README reader, the schedule's filters and templates import them
from here or from there.
"""

from papers.venues import normalize_venue_label, parse_venue_label, venue_name

__all__ = ["normalize_venue_label", "parse_venue_label", "venue_name"]
