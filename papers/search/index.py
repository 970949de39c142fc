"""Writing the index's slides documents. Paper documents are the database triggers' job (a bulk
writer may defer them and write its papers' documents at once: paper_documents_deferred).

The sessions app calls these when a talk's slides text changes (sessions/search.py), so the
papers app never reads the Talk model and the import direction stays papers <- sessions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from papers.search import schema
from papers.search.catalogue_version import catalogue_changed
from papers.search.models import SearchDocument

# Paper ids per set-based document statement (one parameter: an array, or a JSON text).
_IDS_PER_STATEMENT = 20_000


def put_slides(
    talk_id: int, *, paper_id: int | None, title: str, label: str, url: str, text: str
) -> None:
    """Index a talk's slides text (replacing what was there); empty text removes it."""
    if not text.strip():
        remove_slides(talk_id)
        return
    document = {
        "kind": SearchDocument.Kind.SLIDES,
        "paper_id": paper_id,
        "title": title,
        "label": label[:300],
        "url": url[:300],
        "slides": text,
    }
    # Most saves of a talk or its session change nothing the document holds: no write then,
    # and the catalogue's cached results stay.
    if SearchDocument.objects.filter(talk_id=talk_id).values(*document).first() == document:
        return
    SearchDocument.objects.update_or_create(talk_id=talk_id, defaults=document)
    catalogue_changed()  # cached search results (selectors.Listing) must see the new text


def remove_slides(talk_id: int) -> None:
    if SearchDocument.objects.filter(kind=SearchDocument.Kind.SLIDES, talk_id=talk_id).delete()[0]:
        catalogue_changed()


@contextmanager
def paper_documents_deferred(created: set[int], updated: set[int]) -> Iterator[None]:
    """Within the block the paper triggers write no documents; at its end the documents of the
    papers in `created` and `updated` (filled by the caller as it writes) are written in a few
    set-based statements, the same SQL the triggers run for one row.

    For bulk writers: a trigger per row (and on SQLite a call of spaced_cjk per column from
    it) was about a third of a large import. Use inside transaction.atomic(): if the block
    raises, the rollback takes the deferral with it (nothing to undo by hand).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("paper_documents_deferred() needs a transaction")
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT set_config('papers.search_deferred', 'on', true)")
        else:
            cursor.execute("INSERT INTO papers_search_deferred (id) VALUES (1)")
        yield
        if postgres:
            cursor.execute("SELECT set_config('papers.search_deferred', 'off', true)")
            # New papers' documents are inserted, the others' upserted.
            for ids, fresh in ((sorted(created), True), (sorted(updated - created), False)):
                for start in range(0, len(ids), _IDS_PER_STATEMENT):
                    chunk = ids[start : start + _IDS_PER_STATEMENT]
                    cursor.execute(
                        "SELECT papers_paper_search_write(%s::bigint[], %s)", [chunk, fresh]
                    )
        else:
            cursor.execute("DELETE FROM papers_search_deferred")
            for statement, ids in (
                (schema.SQLITE_INSERT_DOCUMENTS, sorted(created)),
                (schema.SQLITE_UPDATE_DOCUMENTS, sorted(updated - created)),
            ):
                for start in range(0, len(ids), _IDS_PER_STATEMENT):
                    chunk = ids[start : start + _IDS_PER_STATEMENT]
                    cursor.execute(statement, [json.dumps(chunk)])
