"""A parsed conference list into the catalogue, and a proceedings back out as one.

The import runs in one transaction with bulk operations and a fixed number of queries per
batch, whatever the list's size: it loads what it needs into maps once (plain tuples, not model
instances, for speed), works out what changes in memory, then writes only the differences.
Re-importing the same list writes nothing. `dry_run=True` does the same work and rolls it back:
that is the organiser's preview.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Prefetch, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from papers.conference_list import (
    DEFAULT_LABELS,
    AcronymEntry,
    ConferenceList,
    Cycle,
    Issue,
    Link,
    ListedPaper,
    Section,
    split_notes,
)
from papers.identifiers import normalize_title, parse_arxiv_id, parse_doi
from papers.models import (
    AcceptanceCycle,
    Acronym,
    Paper,
    PaperLink,
    Proceedings,
    Topic,
    Venue,
)
from papers.search.catalogue_version import catalogue_changed
from papers.search.index import NewPapers, paper_documents_deferred
from papers.venues import proceedings_for, venue_for_label
from readinggroup.gc_pause import gc_paused

# Keeps every statement well under SQLite's limit on bound parameters.
BATCH = 500
# bulk_update writes one CASE WHEN per field with a branch per row: small batches stay cheap.
UPDATE_BATCH = 100
# Fields a list sets on a paper; a field a person locked by hand (Paper.locked_fields) is kept.
LISTED_FIELDS = ("title", "affiliations", "system_name", "notes", "awards", "arxiv_id", "doi")
# What the import compares on an existing paper, in this order (values_list).
_PAPER_COLUMNS = (
    "pk",
    "title",
    "affiliations",
    "system_name",
    "notes",
    "awards",
    "arxiv_id",
    "arxiv_version",
    "doi",
    "proceedings_id",
    "position",
    "locked_fields",
    "normalized_title",
)
_JSON_COLUMNS = {"awards", "locked_fields"}
# Where a paper sits on the proceedings page when it has no topic.
UNFILED_AREA = "Other"
# PositiveIntegerField's upper bound on every database Django supports.
MAX_COUNT = 2147483647

T = TypeVar("T")


class CatalogueImportError(Exception):
    """The list cannot be merged into the catalogue at all; nothing was written."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ImportSummary:
    venue: str
    year: int
    dry_run: bool = False
    proceedings_created: bool = False
    proceedings_updated: bool = False
    papers_created: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    # Existing catalogue papers (a preprint, another list's entry) this list's entries became.
    papers_merged: int = 0
    merged: list[tuple[int, str]] = field(default_factory=list)  # (line, "title ← #pk")
    papers_skipped: int = 0
    # Papers of these proceedings the list no longer names: kept (talks may point at them).
    papers_not_in_list: int = 0
    topics_created: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_deleted: int = 0
    acronyms_created: int = 0
    acronyms_updated: int = 0
    acronyms_deleted: int = 0
    # The reader's warnings and the importer's own (over-long fields, identifier clashes).
    issues: list[Issue] = field(default_factory=list)
    # Recognised by papers.import_stamps as the list last imported: nothing read or written.
    from_stamp: bool = field(default=False, compare=False)

    @property
    def changed(self) -> bool:
        return bool(
            self.proceedings_created
            or self.proceedings_updated
            or self.papers_created
            or self.papers_updated
            or self.topics_created
            or self.links_created
            or self.links_updated
            or self.links_deleted
            or self.acronyms_created
            or self.acronyms_updated
            or self.acronyms_deleted
        )

    def lines(self) -> list[str]:
        proceedings = (
            "created"
            if self.proceedings_created
            else "updated"
            if self.proceedings_updated
            else "unchanged"
        )
        lines = [
            f"{self.venue} {self.year}: proceedings {proceedings}"
            + ("" if self.changed else " (nothing changed: the catalogue already holds this list)"),
            f"papers: {self.papers_created} created, {self.papers_updated} updated, "
            f"{self.papers_unchanged} unchanged, {self.papers_merged} merged with existing "
            f"papers, {self.papers_skipped} not imported",
            f"topics: {self.topics_created} created",
            f"links: {self.links_created} created, {self.links_updated} updated, "
            f"{self.links_deleted} deleted",
            f"acronyms: {self.acronyms_created} created, {self.acronyms_updated} updated, "
            f"{self.acronyms_deleted} deleted",
        ]
        if self.papers_not_in_list:
            lines.append(
                f"{self.papers_not_in_list} paper(s) of {self.venue} {self.year} are no longer "
                "in the list; they were kept"
            )
        if self.issues:
            lines.append(f"{len(self.issues)} warning(s)")
        return lines


def _chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _filter_in(queryset, lookup: str, values: Iterable) -> list:
    """queryset.filter(<lookup>__in=values), the values bound as one parameter, a JSON text,
    whatever their number: one query, not one per batch. (On PostgreSQL an array parameter
    would do too, but psycopg quotes its elements in Python: three times the time for the
    100,000 titles of a large list.)"""
    values = sorted(set(values))
    if not values:
        return []
    if connection.vendor == "postgresql":
        kind = "bigint" if all(isinstance(value, int) for value in values) else "text"
        listed = RawSQL(
            f"SELECT value::{kind} FROM json_array_elements_text(%s::json)", [json.dumps(values)]
        )
    else:
        listed = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    return _fetch(queryset.filter(**{f"{lookup}__in": listed}))


def _fetch(queryset) -> list[tuple]:
    """The rows of a values_list() queryset, straight from the cursor.

    For columns that need no converting (numbers, text, JSON cast to text): Django's iteration
    runs per row and per column through its converters, which was much of an unchanged
    re-import's time at 100,000 papers and their links.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _insert(model, rows: list[dict], returning: bool = False) -> list[int]:
    """INSERT many rows, every column given or defaulted; returns the new ids if asked.

    bulk_create builds a model instance and compiles every value through the ORM: for 100,000
    papers and their links that is most of an import's time. This writes the same rows with one
    multi-row INSERT per batch (quicker on SQLite than executemany's statement per row), values
    prepared by each field once per column where they do not vary (defaults, timestamps).
    RETURNING is what bulk_create itself relies on for ids (SQLite 3.35+), in the order of the
    VALUES. PostgreSQL takes the rows through COPY instead (see _copy): psycopg would otherwise
    quote every parameter into the SQL text in Python.
    """
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set().union(*(row.keys() for row in rows[:1]))
    now = timezone.now()
    defaults = {}
    for f in fields:
        if f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows, defaults, returning)
    constants = {
        name: model._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in defaults.items()
    }
    # What JSONField.get_db_prep_save gives on SQLite, without its call chain per value.
    encoders = {f.attname: f.encoder for f in fields if f.get_internal_type() == "JSONField"}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, min(BATCH, 30000 // len(fields)))
    names = [f.attname for f in fields]
    returning_sql = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, batch):
            params: list = []
            for row in chunk:
                for name in names:
                    if name in constants:
                        params.append(constants[name])
                    elif name in encoders:
                        params.append(json.dumps(row[name], cls=encoders[name]))
                    else:
                        params.append(row[name])
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "
                f"{', '.join([placeholder] * len(chunk))}{returning_sql}",
                params,
            )
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _copy(model, fields: list, rows: list[dict], defaults: dict, returning: bool) -> list[int]:
    """The rows into a PostgreSQL table with COPY, in one stream.

    COPY returns nothing, so when ids are wanted they are drawn from the table's own sequence
    first (as many as rows, in one statement) and written with the rows. JSON values go as
    JSON text, which COPY parses into the json(b) column.
    """
    quote = connection.ops.quote_name
    pk = model._meta.pk
    table = model._meta.db_table
    json_columns = {f.attname: f for f in fields if f.get_internal_type() == "JSONField"}
    constants = {
        name: json.dumps(value, cls=json_columns[name].encoder) if name in json_columns else value
        for name, value in defaults.items()
    }
    names = [f.attname for f in fields]
    copied = ([pk] if returning else []) + fields
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        sql = f"COPY {quote(table)} ({', '.join(quote(f.column) for f in copied)}) FROM STDIN"
        with cursor.cursor.copy(sql) as stream:
            for index, row in enumerate(rows):
                values: list[object] = [ids[index]] if returning else []
                for name in names:
                    if name in constants:
                        values.append(constants[name])
                    elif name in json_columns:
                        values.append(json.dumps(row[name], cls=json_columns[name].encoder))
                    else:
                        values.append(row[name])
                stream.write_row(values)
    return ids


def _update(model, rows: list[dict], names: Sequence[str]) -> None:
    """UPDATE many rows (dicts with "pk" and every name), each to its own values.

    One UPDATE ... FROM (VALUES ...) per batch (SQLite 3.33+, PostgreSQL): bulk_update's CASE
    WHEN per field and row costs more in compiling than the database spends writing. Columns
    of a VALUES list are named column1, column2, ... on both databases; PostgreSQL is told
    each one's type, which it cannot infer from parameters.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in names]
    postgres = connection.vendor == "postgresql"
    cells = [f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s" for f in [pk, *fields]]
    placeholder = "(" + ", ".join(cells) + ")"
    assignments = ", ".join(
        f"{quote(f.column)} = v.column{index}" for index, f in enumerate(fields, start=2)
    )
    batch = max(1, min(BATCH, 30000 // (len(fields) + 1)))
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, batch):
            params: list[Any] = []  # get_db_prep_save's values, whatever the column
            for row in chunk:
                params.append(row["pk"])
                params.extend(f.get_db_prep_save(row[f.attname], connection) for f in fields)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES "
                f"{', '.join([placeholder] * len(chunk))}) AS v "
                f"WHERE {table}.{quote(pk.column)} = v.column1",
                params,
            )


class _Rollback(Exception):
    """Raised inside the transaction of a dry run so that nothing stays written."""


# --- Import ---------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One listed paper with what the catalogue should hold for it."""

    listed: ListedPaper
    position: int
    topic_path: tuple[str, ...]
    links: list[Link]
    arxiv_id: str
    arxiv_version: int | None
    doi: str
    normalized_title: str
    # The matched paper's row (pk first, as _PAPER_COLUMNS), or None for a new paper.
    row: tuple | None = None
    pk: int | None = None

    @property
    def paper_id(self) -> int:
        """The paper's id, once _match found it or _write_papers created it."""
        if self.pk is None:
            raise RuntimeError(f"line {self.listed.line}: the paper has no id yet")
        return self.pk


def import_conference_list(
    conference: ConferenceList,
    dry_run: bool = False,
    before_commit: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Create or update the proceedings, topics, papers, links and acronyms of a list.

    With dry_run the same work is done and rolled back: the summary says what would happen.
    before_commit(summary) runs in the transaction once everything is written (papers.import_stamps
    records the catalogue's stamp there).
    """
    summary = ImportSummary(venue=conference.venue, year=conference.year, dry_run=dry_run)
    issues = list(conference.warnings)
    try:
        with gc_paused(), transaction.atomic():
            _import(conference, summary, issues)
            if dry_run:
                raise _Rollback
            if before_commit is not None:
                summary.issues = sorted(issues, key=lambda issue: issue.line)
                before_commit(summary)
    except _Rollback:
        pass
    summary.issues = sorted(issues, key=lambda issue: issue.line)
    return summary


def _import(conference: ConferenceList, summary: ImportSummary, issues: list[Issue]) -> None:
    proceedings = _proceedings(conference, summary, issues)
    entries = _entries(conference, issues, summary)
    topic_ids = _topics(entries, summary, issues)
    _match(entries, proceedings, issues)
    # Existing papers whose fields, topics or links this import changes.
    touched: set[int] = set()
    created = _write_papers(entries, proceedings, touched, summary)
    _write_topics(entries, topic_ids, proceedings, touched)
    _write_links(entries, proceedings, summary, touched)
    _write_acronyms(conference.acronyms, proceedings, summary, issues)
    touched -= created
    # One UPDATE per batch rather than another CASE column in bulk_update; topic and link
    # changes count as an update of the paper too.
    now = timezone.now()
    for chunk in _chunks(sorted(touched)):
        Paper.objects.filter(pk__in=chunk).update(updated_at=now)
    catalogue_changed()  # bulk writes send no signals: the cached filter choices must go
    listed = {entry.pk for entry in entries}
    summary.papers_created = len(created)
    summary.papers_updated = len(touched)
    summary.papers_unchanged = len(entries) - len(created) - len(touched)
    # Every listed paper now belongs to these proceedings: the rest are the ones not listed.
    summary.papers_not_in_list = Paper.objects.filter(proceedings=proceedings).count() - len(listed)


def _proceedings(
    conference: ConferenceList, summary: ImportSummary, issues: list[Issue]
) -> Proceedings:
    limit = _max_length(Venue, "name")
    if len(conference.venue) > limit:
        raise CatalogueImportError(
            1,
            f"the venue name is {len(conference.venue):,} characters; the catalogue holds at "
            f"most {limit}",
        )
    venue = venue_for_label(conference.venue)
    created = not Proceedings.objects.filter(venue=venue, year=conference.year).exists()
    proceedings = proceedings_for(venue, conference.year)
    summary.proceedings_created = created
    wanted: dict[str, object] = {
        "full_name": _fits(Proceedings, "full_name", conference.full_name, 1, issues),
        "homepage": _fits(Proceedings, "homepage", conference.homepage, 1, issues),
        "paper_list_urls": list(conference.paper_list_urls),
        "accepted": conference.accepted,
        "submitted": conference.submitted,
        "notes": conference.notes,
    }
    if max(conference.accepted or 0, conference.submitted or 0) > MAX_COUNT:
        issues.append(Issue(1, "the acceptance counts are too large to store; not imported"))
        wanted["accepted"] = wanted["submitted"] = None
    changed = [name for name, value in wanted.items() if getattr(proceedings, name) != value]
    if changed:
        for name in changed:
            setattr(proceedings, name, wanted[name])
        proceedings.save(update_fields=changed)
    cycles_changed = _write_cycles(conference.cycles, proceedings, issues)
    summary.proceedings_updated = not created and bool(changed or cycles_changed)
    return proceedings


def _fits(model, name: str, value: str, line: int, issues: list[Issue]) -> str:
    """The value when its column holds it; else "" and a line-numbered error."""
    limit = _max_length(model, name)
    if limit is not None and len(value) > limit:
        issues.append(
            Issue(
                line,
                f"the {name.replace('_', ' ')} is {len(value):,} characters, longer than the "
                f"{limit} the catalogue holds; not imported",
            )
        )
        return ""
    return value


def _write_cycles(cycles: list[Cycle], proceedings: Proceedings, issues: list[Issue]) -> bool:
    limit = _max_length(AcceptanceCycle, "name")
    wanted = []
    for cycle in cycles:
        if len(cycle.name) > limit or max(cycle.accepted, cycle.submitted) > MAX_COUNT:
            issues.append(
                Issue(cycle.line, "this acceptance-rate cycle does not fit the catalogue; skipped")
            )
            continue
        wanted.append((cycle.name, cycle.accepted, cycle.submitted))
    current = list(
        AcceptanceCycle.objects.filter(proceedings=proceedings)
        .order_by("position", "pk")
        .values_list("name", "accepted", "submitted")
    )
    if current == wanted:
        return False
    AcceptanceCycle.objects.filter(proceedings=proceedings).delete()
    AcceptanceCycle.objects.bulk_create(
        AcceptanceCycle(
            proceedings=proceedings, name=name, accepted=accepted, submitted=submitted, position=i
        )
        for i, (name, accepted, submitted) in enumerate(wanted)
    )
    return True


def _entries(
    conference: ConferenceList, issues: list[Issue], summary: ImportSummary
) -> list[_Entry]:
    """What each listed paper should become; papers with a field too long for its column are
    left out with a line-numbered error, never stored whole nor cut."""
    limits = {
        name: _max_length(Paper, name)
        for name in ("title", "normalized_title", "affiliations", "system_name")
    }
    label_limit = _max_length(PaperLink, "label")
    url_limit = _max_length(PaperLink, "url")
    topic_limit = _max_length(Topic, "name")
    arxiv_limit, doi_limit = _max_length(Paper, "arxiv_id"), _max_length(Paper, "doi")
    entries: list[_Entry] = []
    seen_arxiv: dict[str, int] = {}
    seen_doi: dict[str, int] = {}
    # The shortest of the limits below: a paper whose fields are all shorter needs no closer look.
    shortest = min(limits.values())
    # Topic paths whose every name fits (a section's papers share one).
    fitting_paths: set[tuple[str, ...]] = set()
    for position, (section, listed) in enumerate(conference.papers()):
        normalized = listed.normalized_title
        too_long = None
        if (
            len(listed.title) > shortest
            or len(normalized) > shortest
            or len(listed.affiliations) > shortest
            or len(listed.system_name) > shortest
        ):
            values = (
                ("title", listed.title),
                ("normalized_title", normalized),
                ("affiliations", listed.affiliations),
                ("system_name", listed.system_name),
            )
            too_long = next((name for name, value in values if len(value) > limits[name]), None)
        if too_long:
            name = too_long
            length = len(dict(values)[name])
            issues.append(
                Issue(
                    listed.line,
                    f"the {name.replace('_', ' ')} is {length:,} characters, longer "
                    f"than the {limits[name]} the catalogue holds; paper not imported",
                )
            )
            summary.papers_skipped += 1
            continue
        path = section.path
        if path not in fitting_paths and all(len(name) <= topic_limit for name in path):
            fitting_paths.add(path)
        for depth, name in enumerate(path if path not in fitting_paths else ()):
            if len(name) > topic_limit:
                issues.append(
                    Issue(
                        listed.line,
                        f"the topic name {name[:40]!r}… is {len(name):,} characters, longer "
                        f"than the {topic_limit} the catalogue holds; the paper goes under "
                        "the topic above it",
                    )
                )
                path = path[:depth]
                break
        links = []
        fitting = all(
            len(link.label) <= label_limit and len(link.url) <= url_limit for link in listed.links
        )
        for link in listed.links if not fitting else ():
            if len(link.label) > label_limit or len(link.url) > url_limit:
                issues.append(
                    Issue(
                        listed.line,
                        f"the {link.label[:40]!r} link is longer than the catalogue holds "
                        f"({label_limit} for a label, {url_limit} for a URL); link not imported",
                    )
                )
                continue
            links.append(link)
        if fitting:
            links = list(listed.links)
        arxiv = listed.arxiv
        arxiv_id = arxiv.id if arxiv and len(arxiv.id) <= arxiv_limit else ""
        doi = listed.doi or ""
        doi = doi if len(doi) <= doi_limit else ""
        # The reader has warned about a repeated identifier: the second entry stays a paper
        # of its own, without the identifier the first one holds.
        if arxiv_id in seen_arxiv:
            arxiv_id = ""
        elif arxiv_id:
            seen_arxiv[arxiv_id] = listed.line
        if doi in seen_doi:
            doi = ""
        elif doi:
            seen_doi[doi] = listed.line
        entries.append(
            _Entry(
                listed=listed,
                position=position,
                topic_path=path,
                links=links,
                arxiv_id=arxiv_id,
                arxiv_version=arxiv.version if arxiv and arxiv_id else None,
                doi=doi,
                normalized_title=normalized,
            )
        )
    return entries


def _topics(
    entries: list[_Entry], summary: ImportSummary, issues: list[Issue]
) -> dict[tuple[str, ...], int]:
    """Topic id for every topic path of the list (any depth), created level by level."""
    paths = {entry.topic_path for entry in entries if entry.topic_path}
    wanted = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
    ids: dict[tuple[str, ...], int] = {}
    depth = 1
    while True:
        level = sorted(path for path in wanted if len(path) == depth)
        if not level:
            break
        names = sorted({path[-1] for path in level})
        if depth == 1:
            found = Topic.objects.filter(parent__isnull=True, name__in=names)
            known: dict[tuple[str, ...], int] = {(topic.name,): topic.pk for topic in found}
        else:
            parents = {ids[path[:-1]]: path[:-1] for path in level}
            known = {}
            for chunk in _chunks(sorted(parents)):
                for pk, parent_id, name in Topic.objects.filter(
                    parent_id__in=chunk, name__in=names
                ).values_list("pk", "parent_id", "name"):
                    known[(*parents[parent_id], name)] = pk
        missing = [path for path in level if path not in known]
        if missing:
            new = [
                Topic(name=path[-1], parent_id=ids[path[:-1]] if depth > 1 else None)
                for path in missing
            ]
            Topic.objects.bulk_create(new, batch_size=BATCH)
            if any(topic.pk is None for topic in new):
                # Backends without RETURNING ids: look them up.
                return _topics(entries, summary, issues)
            known.update(zip(missing, (topic.pk for topic in new), strict=True))
            summary.topics_created += len(missing)
        ids.update(known)
        depth += 1
    return ids


def _match(entries: list[_Entry], proceedings: Proceedings, issues: list[Issue]) -> None:
    """Find each entry's paper as find_paper does (arXiv id, DOI, title), from maps loaded once.

    The proceedings' own papers come in one query; only entries not found among them are
    looked up in the rest of the catalogue.
    """
    rows = _paper_rows(Paper.objects.filter(proceedings=proceedings))
    by_arxiv = {row[6]: row for row in rows if row[6]}
    by_doi = {row[8]: row for row in rows if row[8]}
    by_title: dict[str, list[tuple]] = defaultdict(list)
    for title_row in sorted(rows):
        by_title[title_row[12]].append(title_row)
    others = Paper.objects.exclude(proceedings=proceedings) | Paper.objects.filter(
        proceedings__isnull=True
    )
    for field_name, index, values, target in (
        ("arxiv_id", 6, [e.arxiv_id for e in entries if e.arxiv_id not in by_arxiv], by_arxiv),
        ("doi", 8, [e.doi for e in entries if e.doi not in by_doi], by_doi),
    ):
        for held in _paper_rows(others, field_name, [value for value in values if value]):
            target.setdefault(held[index], held)
    missing_titles = [
        e.normalized_title
        for e in entries
        if e.normalized_title not in by_title and not (e.arxiv_id in by_arxiv or e.doi in by_doi)
    ]
    for title_row in sorted(_paper_rows(others, "normalized_title", missing_titles)):
        by_title[title_row[12]].append(title_row)

    claimed: dict[int, _Entry] = {}
    for entry in entries:
        row: tuple | None
        row = by_arxiv.get(entry.arxiv_id) if entry.arxiv_id else None
        if row is None and entry.doi:
            row = by_doi.get(entry.doi)
        if row is not None and row[0] in claimed:
            other = claimed[row[0]]
            issues.append(
                Issue(
                    entry.listed.line,
                    f"this paper and the one at line {other.listed.line} both match catalogue "
                    f"paper #{row[0]} ({row[1][:80]!r}); kept as a paper of its own, neither "
                    "merged",
                )
            )
            row = None
        if row is None:
            row = _title_match(entry, by_title.get(entry.normalized_title, []), claimed)
        # An identifier another catalogue paper holds cannot move to this one.
        for name, index, holders in (("arXiv id", 6, by_arxiv), ("DOI", 8, by_doi)):
            value = entry.arxiv_id if index == 6 else entry.doi
            holder = holders.get(value) if value else None
            if holder is not None and (row is None or holder[0] != row[0]):
                issues.append(
                    Issue(
                        entry.listed.line,
                        f"the {name} {value} belongs to catalogue paper #{holder[0]} "
                        f"({holder[1][:80]!r}); not set on this one",
                    )
                )
                if index == 6:
                    entry.arxiv_id, entry.arxiv_version = "", None
                else:
                    entry.doi = ""
        if row is None:
            continue
        claimed[row[0]] = entry
        entry.row, entry.pk = row, row[0]


def _paper_rows(queryset, lookup: str | None = None, values: Iterable = ()) -> list[tuple]:
    """Papers as _PAPER_COLUMNS tuples (of those whose `lookup` is in `values`, if given).

    The JSON columns come as their text and are decoded once per distinct text: nearly every
    paper has the same awards ([]) and locked fields ([]), and json.loads per row and column
    was most of an unchanged re-import's time.
    """
    text_columns = {
        f"{name}_text": Cast(name, TextField()) for name in _PAPER_COLUMNS if name in _JSON_COLUMNS
    }
    columns = [f"{name}_text" if name in _JSON_COLUMNS else name for name in _PAPER_COLUMNS]
    queryset = queryset.annotate(**text_columns).values_list(*columns)
    found = _fetch(queryset) if lookup is None else _filter_in(queryset, lookup, values)
    json_at = [index for index, name in enumerate(_PAPER_COLUMNS) if name in _JSON_COLUMNS]
    decoded: dict[str | None, object] = {None: None}
    rows = []
    for found_row in found:
        row = list(found_row)
        for index in json_at:
            text = row[index]
            if text not in decoded:
                decoded[text] = json.loads(text)
            # A copy per row: callers may keep or change the value.
            value = decoded[text]
            row[index] = list(value) if isinstance(value, list) else copy.deepcopy(value)
        rows.append(tuple(row))
    return rows


def _title_match(entry: _Entry, candidates: list[tuple], claimed: dict) -> tuple | None:
    for candidate in candidates:
        # Same title but another arXiv id or DOI: another paper.
        if entry.arxiv_id and candidate[6] and candidate[6] != entry.arxiv_id:
            continue
        if entry.doi and candidate[8] and candidate[8] != entry.doi:
            continue
        if candidate[0] not in claimed:
            return candidate
    return None


def _wanted_fields(entry: _Entry, locked: Iterable[str]) -> dict[str, object]:
    listed = entry.listed
    wanted: dict[str, object] = {
        "title": listed.title,
        "affiliations": listed.affiliations,
        "system_name": listed.system_name,
        "notes": listed.notes,
        "awards": list(listed.awards),
    }
    # A list without an arXiv or DOI link says nothing about them: keep what the catalogue knows.
    if entry.arxiv_id:
        wanted["arxiv_id"] = entry.arxiv_id
        if entry.arxiv_version is not None:
            wanted["arxiv_version"] = entry.arxiv_version
    if entry.doi:
        wanted["doi"] = entry.doi
    for name in locked or []:
        if name in LISTED_FIELDS:
            wanted.pop(name, None)
    return wanted


def _write_papers(
    entries: list[_Entry], proceedings: Proceedings, touched: set[int], summary: ImportSummary
) -> set[int]:
    """Create and update the papers themselves; returns the ids of the created ones."""
    new: list[tuple[_Entry, dict[str, object]]] = []
    changed: list[tuple[tuple, dict[str, object]]] = []
    changed_fields: set[str] = set()
    columns = {name: index for index, name in enumerate(_PAPER_COLUMNS)}
    for entry in entries:
        row = entry.row
        wanted = _wanted_fields(entry, row[columns["locked_fields"]] if row else ())
        wanted["proceedings_id"] = proceedings.pk
        wanted["position"] = entry.position
        if row is None:
            wanted["normalized_title"] = entry.normalized_title
            new.append((entry, wanted))
            continue
        if row[columns["proceedings_id"]] != proceedings.pk:
            summary.papers_merged += 1
            summary.merged.append((entry.listed.line, f"{entry.listed.title} ← #{row[0]}"))
        differs = [name for name, value in wanted.items() if row[columns[name]] != value]
        if differs:
            changed.append((row, wanted))
            changed_fields.update(differs)
            touched.add(row[0])
    created: set[int] = set()
    if not new and not changed:
        return created
    # The search documents of these papers are written once, after the rows (not by a trigger
    # per row).
    new_papers: list[NewPapers] = []
    with paper_documents_deferred(created, {row[0] for row, _ in changed}, new_papers):
        if new:
            _create_papers(new, created, proceedings, new_papers)
        if changed:
            _update_papers(changed, changed_fields, columns)
    return created


def _create_papers(
    new: list[tuple[_Entry, dict[str, object]]],
    created: set[int],
    proceedings: Proceedings,
    new_papers: list[NewPapers],
) -> None:
    columns_all = {f.attname for f in Paper._meta.concrete_fields}
    rows = []
    for _, wanted in new:
        values = {name: wanted[name] for name in wanted if name in columns_all}
        # Every row names the same columns (the rest take their defaults).
        values.setdefault("arxiv_id", "")
        values.setdefault("arxiv_version", None)
        values.setdefault("doi", "")
        rows.append(values)
    ids = _insert(Paper, rows, returning=True)
    if len(ids) != len(new):
        raise RuntimeError("the database did not return the new papers' ids")
    for (entry, _), pk in zip(new, ids, strict=True):
        entry.pk = pk
    created.update(ids)
    new_papers.append(
        NewPapers(ids=ids, rows=rows, year=proceedings.year, venue=proceedings.venue.name)
    )


def _update_papers(
    changed: list[tuple[tuple, dict[str, object]]],
    changed_fields: set[str],
    columns: dict[str, int],
) -> None:
    # Every named field of every changed row is written: unchanged ones keep their value.
    updates = []
    for row, wanted in changed:
        values = {name: wanted.get(name, row[columns[name]]) for name in changed_fields}
        values["pk"] = row[0]
        values["normalized_title"] = normalize_title(str(values.get("title", row[1])))
        updates.append(values)
    fields = set(changed_fields)
    if "title" in fields:
        fields.add("normalized_title")
    _update(Paper, updates, sorted(fields))


def _write_topics(
    entries: list[_Entry],
    topic_ids: dict[tuple[str, ...], int],
    proceedings: Proceedings,
    touched: set[int],
) -> None:
    """Each listed paper gets exactly its list's topic: the list is the source for its papers."""
    through = Paper.topics.through
    existing: dict[int, dict[int, int]] = defaultdict(dict)  # paper -> topic -> row id
    rows = through.objects.values_list("id", "paper_id", "topic_id")
    own = set()
    for row_id, paper_id, topic_id in _fetch(rows.filter(paper__proceedings=proceedings)):
        existing[paper_id][topic_id] = row_id
        own.add(paper_id)
    rest = [entry.pk for entry in entries if entry.row is not None and entry.pk not in own]
    for row_id, paper_id, topic_id in _filter_in(rows, "paper_id", rest):
        existing[paper_id][topic_id] = row_id
    add, remove = [], []
    for entry in entries:
        pk = entry.paper_id
        wanted = topic_ids.get(entry.topic_path) if entry.topic_path else None
        current = existing.get(pk, {})
        if len(current) == (wanted is not None) and (wanted is None or wanted in current):
            continue  # exactly its topic already (or none, and none listed)
        stale = [row_id for topic_id, row_id in current.items() if topic_id != wanted]
        if wanted is not None and wanted not in current:
            add.append({"paper_id": pk, "topic_id": wanted})
            touched.add(pk)
        if stale:
            remove.extend(stale)
            touched.add(pk)
    _insert(through, add)
    for chunk in _chunks(remove):
        through.objects.filter(id__in=chunk).delete()


def _write_links(
    entries: list[_Entry], proceedings: Proceedings, summary: ImportSummary, touched: set[int]
) -> None:
    """The listed links, in list order; links the list no longer has are removed."""
    existing: dict[int, dict[tuple[str, str], tuple]] = defaultdict(dict)
    rows = PaperLink.objects.values_list("id", "paper_id", "kind", "label", "url", "position")
    own = set()
    for row in _fetch(rows.filter(paper__proceedings=proceedings)):
        existing[row[1]][(row[2], row[4])] = row
        own.add(row[1])
    rest = [entry.pk for entry in entries if entry.row is not None and entry.pk not in own]
    for row in _filter_in(rows, "paper_id", rest):
        existing[row[1]][(row[2], row[4])] = row
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    removed: list[int] = []
    for entry in entries:
        pk = entry.paper_id
        current = existing.get(pk, {})
        if len(current) == len(entry.links) and all(
            (found := current.get((link.kind, link.url))) is not None
            and found[3] == link.label
            and found[5] == position
            for position, link in enumerate(entry.links)
        ):
            # As many links as listed, each where the list has it: nothing to write (the
            # common case of a re-import, checked without the sets below).
            continue
        for position, link in enumerate(entry.links):
            found = current.get((link.kind, link.url))
            if found is None:
                new.append(
                    {
                        "paper_id": pk,
                        "kind": link.kind,
                        "label": link.label,
                        "url": link.url,
                        "position": position,
                    }
                )
                touched.add(pk)
            elif (found[3], found[5]) != (link.label, position):
                changed.append({"pk": found[0], "label": link.label, "position": position})
                touched.add(pk)
        listed = {(link.kind, link.url) for link in entry.links}
        gone = [row[0] for key, row in current.items() if key not in listed]
        if gone:
            removed.extend(gone)
            touched.add(pk)
    # Deletions first: a link whose kind changed is a removal and a creation.
    for chunk in _chunks(removed):
        PaperLink.objects.filter(pk__in=chunk).delete()
    _insert(PaperLink, new)
    _update(PaperLink, changed, ["label", "position"])
    summary.links_created = len(new)
    summary.links_updated = len(changed)
    summary.links_deleted = len(removed)


def _write_acronyms(
    acronyms: list[AcronymEntry],
    proceedings: Proceedings,
    summary: ImportSummary,
    issues: list[Issue],
) -> None:
    short_limit = _max_length(Acronym, "short")
    expansion_limit = _max_length(Acronym, "expansion")
    fitting = []
    for entry in acronyms:
        if len(entry.short) > short_limit or len(entry.expansion) > expansion_limit:
            issues.append(
                Issue(
                    entry.line,
                    f"this acronym is longer than the catalogue holds ({short_limit} characters "
                    f"for the acronym, {expansion_limit} for its expansion); not imported",
                )
            )
            continue
        fitting.append(entry)
    current = {row.short: row for row in Acronym.objects.filter(proceedings=proceedings)}
    new, changed = [], []
    for entry in fitting:
        row = current.get(entry.short)
        if row is None:
            new.append(
                Acronym(proceedings=proceedings, short=entry.short, expansion=entry.expansion)
            )
        elif row.expansion != entry.expansion:
            row.expansion = entry.expansion
            changed.append(row)
    listed = {entry.short for entry in fitting}
    gone = [row.pk for short, row in current.items() if short not in listed]
    if new:
        Acronym.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Acronym.objects.bulk_update(changed, ["expansion"], batch_size=UPDATE_BATCH)
    if gone:
        Acronym.objects.filter(pk__in=gone).delete()
    summary.acronyms_created = len(new)
    summary.acronyms_updated = len(changed)
    summary.acronyms_deleted = len(gone)


# --- Export ---------------------------------------------------------------------------------


def primary_topic(paper: Paper) -> Topic | None:
    """Where a paper sits in a list: its deepest topic (lowest id on a tie).

    Reads paper.topics.all(), so prefetch topics (with parents) for many papers.
    """
    topics = list(paper.topics.all())
    if not topics:
        return None
    return min(topics, key=lambda topic: (-len(topic.path), topic.pk))


def listed_papers(proceedings: Proceedings):
    """The proceedings' papers in list order, with what a list shows prefetched."""
    return (
        Paper.objects.filter(proceedings=proceedings)
        .order_by("position", "title", "pk")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.all()),
            Prefetch("links", queryset=PaperLink.objects.order_by("position", "pk")),
        )
    )


def _attach_parents(papers: list[Paper]) -> None:
    """Give every prefetched topic its whole chain of parents, from one query per level."""
    known: dict[int, Topic] = {}
    for paper in papers:
        for topic in paper.topics.all():
            # Parents select_related already (with_details): no query for those levels.
            node: Topic | None = topic
            while node is not None and node.pk not in known:
                known[node.pk] = node
                node = node.parent if Topic.parent.is_cached(node) else None
    pending = {topic.parent_id for topic in known.values() if topic.parent_id}
    while pending - known.keys():
        found = Topic.objects.in_bulk(sorted(pending - known.keys()))
        known.update(found)
        pending = {topic.parent_id for topic in found.values() if topic.parent_id}
    for topic in known.values():
        if topic.parent_id:
            topic.parent = known[topic.parent_id]


def outline(papers: Iterable[Paper]) -> list[tuple[str, list[tuple[str, list[Paper]]]]]:
    """Group papers (in list order) as a list lays them out: [(area, [(subtopic, papers)])].

    Areas, and subtopics within an area, come in the order of their first paper, so the
    outline of an imported list is the list's own even when papers added later (by hand, by
    the schedule) share positions with it. Deeper topics join their names. Papers without
    a topic come last, under "Other".
    """
    papers = list(papers)
    _attach_parents(papers)
    areas: dict[str, dict[str, list[Paper]]] = {}
    unfiled: list[Paper] = []
    for paper in papers:
        topic = primary_topic(paper)
        if topic is None:
            unfiled.append(paper)
            continue
        path = topic.path
        subtopic = " \u203a ".join(path[1:])
        areas.setdefault(path[0], {}).setdefault(subtopic, []).append(paper)
    if unfiled:
        areas.setdefault(UNFILED_AREA, {}).setdefault("", []).extend(unfiled)
    return [(area, list(sections.items())) for area, sections in areas.items()]


def conference_list_from_db(proceedings: Proceedings) -> ConferenceList:
    """The proceedings as a ConferenceList, ready for conference_list.write()."""
    meta_notes, extra_notes = split_notes(proceedings.notes or "")
    conference = ConferenceList(
        venue=proceedings.venue.name,
        year=proceedings.year,
        full_name=proceedings.full_name,
        homepage=proceedings.homepage,
        paper_list_urls=list(proceedings.paper_list_urls or []),
        accepted=proceedings.accepted,
        submitted=proceedings.submitted,
        cycles=[
            Cycle(name=row.name, accepted=row.accepted, submitted=row.submitted)
            for row in proceedings.cycles.order_by("position", "pk")
        ],
        meta_notes=meta_notes,
        extra_notes=extra_notes,
    )
    papers = list(listed_papers(proceedings))
    _attach_parents(papers)
    # In list order, a section per run of papers under one topic; papers without a topic
    # first, since in a list they come before the first area.
    paths = []
    for paper in papers:
        topic = primary_topic(paper)
        paths.append(tuple(topic.path) if topic is not None else ())
    unfiled = [paper for paper, path in zip(papers, paths, strict=True) if not path]
    if unfiled:
        conference.sections.append(Section(path=(), papers=[_listed(p) for p in unfiled]))
    for paper, path in zip(papers, paths, strict=True):
        if not path:
            continue
        if not conference.sections or conference.sections[-1].path != path:
            conference.sections.append(Section(path=path))
        conference.sections[-1].papers.append(_listed(paper))
    # Creation order is the order of the list they came from.
    conference.acronyms = [
        AcronymEntry(short=row.short, expansion=row.expansion)
        for row in proceedings.acronyms.order_by("pk")
    ]
    return conference


def _listed(paper: Paper) -> ListedPaper:
    links = [
        Link(
            kind=link.kind, label=link.label or DEFAULT_LABELS.get(link.kind, "Link"), url=link.url
        )
        for link in paper.links.all()
    ]
    # Identifiers the catalogue knows but no link carries still travel with the list.
    listed_dois = {parse_doi(link.url) for link in links if link.kind == "paper" and link.url}
    if paper.doi and paper.doi not in listed_dois:
        links.insert(0, Link(kind="paper", label="Paper", url=paper.doi_url))
    if paper.arxiv_id and not any(parse_arxiv_id(link.url) for link in links if link.url):
        links.append(Link(kind="arxiv", label="arXiv", url=paper.arxiv_url))
    return ListedPaper(
        title=paper.title,
        links=links,
        affiliations=paper.affiliations,
        system_name=paper.system_name,
        notes=paper.notes.strip(),
        awards=list(paper.awards or []),
    )
