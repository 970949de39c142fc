"""Re-importing an unchanged conference list: recognised by a stamp, without parsing or comparing.

After an import, the digest of its text is recorded with a *catalogue stamp* read inside the
import's transaction, once its writes are done: for every table an import reads or writes, its
row count and highest id, and the catalogue revision, a counter moved by a database trigger on
every UPDATE of those tables (migration 0009). A later import of the same text first reads the
stamp again; if it is the recorded one, the catalogue is exactly what the recorded import left,
and importing the same text onto it again is a no-op (the importer's own guarantee): the summary
such a re-import gives is returned and nothing is read beyond the stamp, nothing written.

Why the stamp moves on every change of these tables, whatever writes it (the ORM, the admin,
queryset.update(), bulk_update, raw SQL):
- an UPDATE fires the trigger, statement by statement on PostgreSQL (a sequence, which takes no
  lock and is not rolled back: a rolled-back write only costs the next re-import its short-cut),
  row by row on SQLite (a one-row table; SQLite has one writer at a time anyway);
- an INSERT or DELETE moves the count or the highest id: ids are never reused (AUTOINCREMENT on
  SQLite, sequences on PostgreSQL), so once a row inserted since survives the highest id is above
  the recorded one, and with none surviving an equal count means the same rows.
What it misses: rows inserted with hand-picked old ids (loaddata, raw SQL) together with as many
deleted, and sequences reset by hand; no code of this project does either.
Concurrent writers: SQLite gives the import's transaction one snapshot and one writer, so the
stamp read at its end is what the import compared against plus its own writes. PostgreSQL (read
committed) shows a transaction what others commit meanwhile: an import records no stamp when the
revision moved by more than its own UPDATE statements (an arXiv fetch storing a paper while the
list was compared, say). What that leaves: rows another session inserts or deletes while the
import runs; the next import of the list then takes the short-cut without having seen them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import cache
from pathlib import Path

from django.db import connection
from django.db.models import Model

from papers.catalogue_import import ImportSummary, import_conference_list
from papers.conference_list import ConferenceList, Issue, parse
from papers.models import (
    AcceptanceCycle,
    Acronym,
    ImportStamp,
    Paper,
    PaperLink,
    Proceedings,
    Topic,
    Venue,
)

# The tables an import reads or writes (the search index follows papers and is not read).
STAMPED: tuple[type[Model], ...] = (
    Paper,
    PaperLink,
    Paper.topics.through,
    Topic,
    Proceedings,
    Venue,
    Acronym,
    AcceptanceCycle,
)
REVISION_TABLE = "papers_catalogue_revision"  # SQLite: one row
REVISION_SEQUENCE = "papers_catalogue_revision"  # PostgreSQL


@cache
def _code_digest() -> bytes:
    """The importer's code: a new version of the reader or the importer may import the same
    text differently, so stamps of older code never match."""
    import papers.catalogue_import
    import papers.conference_list
    import papers.identifiers
    import papers.venues

    modules = (papers.catalogue_import, papers.conference_list, papers.identifiers, papers.venues)
    digest = hashlib.sha256()
    for path in (*(str(module.__file__) for module in modules), __file__):
        digest.update(Path(path).read_bytes())
    return digest.digest()


def text_digest(text: str) -> str:
    """The digest a list is recorded under: its exact text, and every option that changes what
    an import does. There is none today: dry_run changes nothing that is kept."""
    return hashlib.sha256(_code_digest() + text.encode("utf-8", "surrogatepass")).hexdigest()


def catalogue_stamp() -> list:
    """Counts, highest ids and the revision of the catalogue, in one query."""
    quote = connection.ops.quote_name
    parts = []
    for model in STAMPED:
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT MAX({quote(str(model._meta.pk.column))}) FROM {table})")
    if connection.vendor == "postgresql":
        parts.append(f"(SELECT last_value FROM {REVISION_SEQUENCE})")
        parts.append(f"(SELECT is_called FROM {REVISION_SEQUENCE})")
    else:
        parts.append(f"(SELECT revision FROM {REVISION_TABLE})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return list(cursor.fetchone())


def import_text(
    text: str, dry_run: bool = False, conference: ConferenceList | None = None
) -> ImportSummary:
    """Import a conference list's markdown; an unchanged list onto an unchanged catalogue is
    recognised by its stamp and neither parsed nor compared. `conference` is parse(text) when
    the caller has it already. Raises what parse() and import_conference_list() raise."""
    digest = text_digest(text)
    recorded = ImportStamp.objects.filter(digest=digest).values_list("stamp", "summary").first()
    if recorded is not None and recorded[0] == catalogue_stamp():
        summary = _summary(recorded[1])
        summary.dry_run = dry_run
        summary.from_stamp = True
        return summary
    if conference is None:
        conference = parse(text)
    if dry_run:  # a dry run records nothing: its writes are rolled back
        return import_conference_list(conference, dry_run=True)
    updates = _Updates()
    before = catalogue_stamp()
    with connection.execute_wrapper(updates):
        return import_conference_list(
            conference, before_commit=lambda done: _record(digest, done, before, updates.count)
        )


class _Updates:
    """Counts the UPDATE statements on stamped tables, each of which moves PostgreSQL's
    revision by one (a statement trigger fires even when no row matched)."""

    def __init__(self) -> None:
        self.count = 0
        self.tables = {model._meta.db_table for model in STAMPED}

    def __call__(self, execute, sql, params, many, context):
        words = sql.split(None, 2)
        if words[:1] == ["UPDATE"] and len(words) > 1 and words[1].strip('"') in self.tables:
            self.count += len(params) if many else 1
        return execute(sql, params, many, context)


def _revision(stamp: list) -> int:
    """PostgreSQL's revision as the number of nextval() calls so far."""
    last_value, is_called = stamp[-2:]
    return last_value if is_called else last_value - 1


def _record(digest: str, summary: ImportSummary, before: list, updates: int) -> None:
    """Inside the import's transaction, its writes done: what re-importing the text gives."""
    again = unchanged_summary(summary)
    stamp = catalogue_stamp()
    if connection.vendor == "postgresql" and _revision(stamp) != _revision(before) + updates:
        # Someone else updated the catalogue while this import ran (read committed: the import
        # may not have seen it), or a write was rolled back: no stamp this time.
        return
    # Stamps of any other catalogue can never match again: keep only this one's.
    ImportStamp.objects.exclude(digest=digest).delete()
    ImportStamp.objects.update_or_create(
        digest=digest, defaults={"stamp": stamp, "summary": dataclasses.asdict(again)}
    )


def unchanged_summary(summary: ImportSummary) -> ImportSummary:
    """What importing the same list again right after gives: every listed paper unchanged,
    nothing created, updated, merged or deleted, the same papers skipped and not in the list,
    the same warnings (the reader's come from the text; the importer's from the text's lengths
    and from identifiers held by other papers, which the import left where they were)."""
    listed = summary.papers_created + summary.papers_updated + summary.papers_unchanged
    return ImportSummary(
        venue=summary.venue,
        year=summary.year,
        papers_unchanged=listed,
        papers_skipped=summary.papers_skipped,
        papers_not_in_list=summary.papers_not_in_list,
        issues=list(summary.issues),
    )


def _summary(data: dict) -> ImportSummary:
    data = dict(data)
    data["issues"] = [Issue(**issue) for issue in data["issues"]]
    data["merged"] = [tuple(merged) for merged in data["merged"]]
    return ImportSummary(**data)
