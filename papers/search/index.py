"""Writing the index's slides documents. Paper documents are the database triggers' job (a bulk
writer may defer them and write its papers' documents at once: paper_documents_deferred; the
vector index's entries it leaves pending are merged by merge_pending_documents, a task).

The sessions app calls these when a talk's slides text changes (sessions/search.py), so the
papers app never reads the Talk model and the import direction stays papers <- sessions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from papers.search import documents, schema
from papers.search.catalogue_version import catalogue_changed
from papers.search.models import SearchDocument
from readinggroup import queue

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class NewPapers:
    """Papers a bulk writer has just inserted, all in one proceedings: their ids and the rows
    it wrote (values by attname; a column left out took its model default)."""

    ids: Sequence[int]
    rows: Sequence[Mapping[str, object]]
    year: int | None
    venue: str | None


@contextmanager
def paper_documents_deferred(
    created: set[int], updated: set[int], new_papers: list[NewPapers] | None = None
) -> Iterator[None]:
    """Within the block the paper triggers write no documents; at its end the documents of the
    papers in `created` and `updated` (filled by the caller as it writes) are written in a few
    set-based statements, the same SQL the triggers run for one row.

    On PostgreSQL the documents of the papers in `new_papers` (also filled by the caller) are
    built from the rows the writer gave (papers.search.documents) and copied in, rather than
    read back and computed in the transaction's one backend; and the vector index takes the
    block's entries into its pending list, merged after the commit by a task.

    For bulk writers: a trigger per row (and on SQLite a call of spaced_cjk per column from
    it) was about a third of a large import. Use inside transaction.atomic(): if the block
    raises, the rollback takes the deferral with it (nothing to undo by hand).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("paper_documents_deferred() needs a transaction")
    new_papers = [] if new_papers is None else new_papers
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT set_config('papers.search_deferred', 'on', true)")
        else:
            cursor.execute("INSERT INTO papers_search_deferred (id) VALUES (1)")
        yield
        if postgres:
            cursor.execute("SELECT set_config('papers.search_deferred', 'off', true)")
            if created or updated:
                _pending_merged_later(cursor)
            given: set[int] = set()
            for batch in new_papers:
                given.update(_copy_documents(cursor, batch))
            # The documents of other new papers are inserted, the others' upserted.
            for ids, fresh in (
                (sorted(created - given), True),
                (sorted(updated - created), False),
            ):
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


def _copy_documents(cursor, papers: NewPapers) -> set[int]:
    """COPY the documents of these new papers: with their vectors where the text is plain,
    then the rest without, for the row trigger to compute. Returns the ids copied (those of
    papers whose document the client cannot build are left to papers_paper_search_write)."""
    columns = ", ".join(documents.DOCUMENT_COLUMNS)
    # kind, and the slides document's columns
    constants = (SearchDocument.Kind.PAPER.value, "", "", "")
    rest = []
    copied: set[int] = set()
    cursor.execute("SELECT set_config('papers.search_vector_given', 'on', true)")
    with cursor.cursor.copy(
        f"COPY papers_searchdocument ({columns}, kind, slides, label, url, vector) FROM STDIN"
    ) as stream:
        for pk, row in zip(papers.ids, papers.rows, strict=True):
            document = documents.paper_document(pk, row, year=papers.year, venue=papers.venue)
            if document is None:
                continue
            copied.add(pk)
            vector = documents.plain_vector(document[1], document[2], document[3])
            if vector is None:
                rest.append(document)
            else:
                stream.write_row(document + constants + (vector,))
    cursor.execute("SELECT set_config('papers.search_vector_given', 'off', true)")
    if rest:
        with cursor.cursor.copy(
            f"COPY papers_searchdocument ({columns}, kind, slides, label, url) FROM STDIN"
        ) as stream:
            for document in rest:
                stream.write_row(document + constants)
    return copied


# The vector index's name (schema.POSTGRES_FORWARD).
_VECTOR_INDEX = "papers_searchdocument_vector_gin"
MERGE_TASK = "papers.tasks.merge_search_index"


def _pending_merged_later(cursor) -> None:
    """Let the vector index take this transaction's new entries into its pending list, merged
    into the index after the commit by a task (or, should the broker refuse it, by autovacuum).

    Merging as the list fills (past gin_pending_list_limit, 4 MB by default) cost an import of
    100,000 papers half a second of its transaction; searches meanwhile read the pending list
    too, so they find the new papers at once, only more slowly until the merge.
    """
    cursor.execute("SET LOCAL gin_pending_list_limit = '2GB'")
    queue.send_on_commit(MERGE_TASK, (), _merge_refused)


def _merge_refused(exc: Exception) -> None:
    logger.warning("The search index's pending entries wait for autovacuum: %s", exc)


def merge_pending_documents() -> int:
    """Merge the vector index's pending list (PostgreSQL); returns the pages it took in."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [_VECTOR_INDEX])
        return int(cursor.fetchone()[0])
