"""Writing the index's slides documents. Paper documents are the database triggers' job.

The sessions app calls these when a talk's slides text changes (sessions/search.py), so the
papers app never reads the Talk model and the import direction stays papers <- sessions.
"""

from __future__ import annotations

from papers.search.catalogue_version import catalogue_changed
from papers.search.models import SearchDocument


def put_slides(
    talk_id: int, *, paper_id: int | None, title: str, label: str, url: str, text: str
) -> None:
    """Index a talk's slides text (replacing what was there); empty text removes it."""
    if not text.strip():
        remove_slides(talk_id)
        return
    SearchDocument.objects.update_or_create(
        talk_id=talk_id,
        defaults={
            "kind": SearchDocument.Kind.SLIDES,
            "paper_id": paper_id,
            "title": title,
            "label": label[:300],
            "url": url[:300],
            "slides": text,
        },
    )
    catalogue_changed()  # cached search results (selectors.Listing) must see the new text


def remove_slides(talk_id: int) -> None:
    if SearchDocument.objects.filter(kind=SearchDocument.Kind.SLIDES, talk_id=talk_id).delete()[0]:
        catalogue_changed()
