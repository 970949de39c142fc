"""A parsed conference list into the catalogue, and a proceedings back out as one.

The import runs in one transaction with bulk operations and a fixed number of queries per
batch, whatever the list's size: it loads what it needs into maps once, works out what
changes in memory, then writes only the differences. Re-importing the same list writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from papers.conference_list import (
    DEFAULT_LABELS,
    AcronymEntry,
    Area,
    ConferenceList,
    Link,
    ListedPaper,
    Section,
)
from papers.identifiers import normalize_title, parse_arxiv_id, parse_doi
from papers.models import Acronym, Paper, PaperLink, Proceedings, Topic, Venue

# Keeps every statement well under SQLite's limit on bound parameters.
BATCH = 500
# bulk_update writes one CASE WHEN per field with a branch per row: small batches stay cheap.
UPDATE_BATCH = 100
# Fields a list sets on a paper; a field a person locked by hand (Paper.locked_fields) is kept.
LISTED_FIELDS = ("title", "affiliations", "system_name", "notes", "arxiv_id", "doi")
# Where a paper sits when it has no topic: the list format has no place for such a paper.
UNFILED_AREA = "Other"

T = TypeVar("T")


class CatalogueImportError(Exception):
    """The list cannot be merged into the catalogue as it is; nothing was written."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ImportSummary:
    venue: str
    year: int
    proceedings_created: bool = False
    proceedings_updated: bool = False
    papers_created: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    # Papers of these proceedings the list no longer names: kept (talks may point at them).
    papers_not_in_list: int = 0
    topics_created: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_deleted: int = 0
    acronyms_created: int = 0
    acronyms_updated: int = 0
    acronyms_deleted: int = 0

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
            f"{self.venue} {self.year}: proceedings {proceedings}",
            f"papers: {self.papers_created} created, {self.papers_updated} updated, "
            f"{self.papers_unchanged} unchanged",
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
        return lines


def _chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _filter_in(queryset, lookup: str, values: Iterable) -> list:
    """queryset.filter(<lookup>__in=values), in batches."""
    values = sorted(set(values))
    rows: list = []
    for chunk in _chunks(values):
        rows.extend(queryset.filter(**{f"{lookup}__in": chunk}))
    return rows


# --- Import ---------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One listed paper with what the catalogue should hold for it."""

    listed: ListedPaper
    position: int
    topic_key: tuple[str, str]
    arxiv_id: str
    arxiv_version: int | None
    doi: str
    normalized_title: str
    paper: Paper | None = None


def import_conference_list(conference: ConferenceList) -> ImportSummary:
    """Create or update the proceedings, topics, papers, links and acronyms of a list."""
    summary = ImportSummary(venue=conference.venue, year=conference.year)
    with transaction.atomic():
        proceedings = _proceedings(conference, summary)
        topic_ids = _topics(conference, summary)
        entries = _entries(conference)
        _match(entries)
        # Existing papers whose fields, topics or links this import changes.
        touched: set[int] = set()
        created = _write_papers(entries, proceedings, touched)
        _write_topics(entries, topic_ids, touched)
        _write_links(entries, summary, touched)
        _write_acronyms(conference.acronyms, proceedings, summary)
        touched -= created
        # One UPDATE per batch rather than another CASE column in bulk_update; topic and link
        # changes count as an update of the paper too.
        now = timezone.now()
        for chunk in _chunks(sorted(touched)):
            Paper.objects.filter(pk__in=chunk).update(updated_at=now)
        listed = {entry.paper.pk for entry in entries}
        summary.papers_created = len(created)
        summary.papers_updated = len(touched)
        summary.papers_unchanged = len(entries) - len(created) - len(touched)
        summary.papers_not_in_list = sum(
            1
            for pk in Paper.objects.filter(proceedings=proceedings).values_list("pk", flat=True)
            if pk not in listed
        )
    return summary


def _proceedings(conference: ConferenceList, summary: ImportSummary) -> Proceedings:
    venue = Venue.objects.filter(name__iexact=conference.venue).first()
    if venue is None:
        preprint = conference.venue.lower() == "arxiv"
        venue = Venue.objects.create(
            name=conference.venue,
            kind=Venue.Kind.PREPRINT if preprint else Venue.Kind.CONFERENCE,
        )
    proceedings, created = Proceedings.objects.get_or_create(venue=venue, year=conference.year)
    summary.proceedings_created = created
    wanted = {
        "homepage": conference.homepage,
        "paper_list_urls": list(conference.paper_list_urls),
        "accepted": conference.accepted,
        "submitted": conference.submitted,
        "notes": conference.meta_notes,
    }
    changed = [name for name, value in wanted.items() if getattr(proceedings, name) != value]
    if changed:
        for name in changed:
            setattr(proceedings, name, wanted[name])
        proceedings.save(update_fields=changed)
        summary.proceedings_updated = not created
    return proceedings


def _topics(conference: ConferenceList, summary: ImportSummary) -> dict[tuple[str, str], int]:
    """Topic id for every (area, subtopic) of the list; subtopic "" is the area itself."""
    area_names = {area.name for area in conference.areas}
    roots = {
        topic.name: topic
        for topic in Topic.objects.filter(parent__isnull=True, name__in=sorted(area_names))
    }
    missing = [Topic(name=name) for name in sorted(area_names - roots.keys())]
    if missing:
        Topic.objects.bulk_create(missing)
        roots.update((topic.name, topic) for topic in missing)
        summary.topics_created += len(missing)

    wanted = {
        (area.name, section.subtopic)
        for area in conference.areas
        for section in area.sections
        if section.subtopic
    }
    children = {
        (topic.parent_id, topic.name): topic
        for topic in Topic.objects.filter(
            parent_id__in=[topic.pk for topic in roots.values()],
            name__in=sorted({name for _, name in wanted}),
        )
    }
    new_children = [
        Topic(name=subtopic, parent=roots[area])
        for area, subtopic in sorted(wanted)
        if (roots[area].pk, subtopic) not in children
    ]
    if new_children:
        Topic.objects.bulk_create(new_children)
        children.update(((topic.parent_id, topic.name), topic) for topic in new_children)
        summary.topics_created += len(new_children)

    ids = {(name, ""): topic.pk for name, topic in roots.items()}
    for area, subtopic in wanted:
        ids[(area, subtopic)] = children[(roots[area].pk, subtopic)].pk
    return ids


def _entries(conference: ConferenceList) -> list[_Entry]:
    entries = []
    for position, (area, section, listed) in enumerate(conference.papers()):
        arxiv = listed.arxiv
        entries.append(
            _Entry(
                listed=listed,
                position=position,
                topic_key=(area.name, section.subtopic),
                arxiv_id=arxiv.id if arxiv else "",
                arxiv_version=arxiv.version if arxiv else None,
                doi=listed.doi or "",
                normalized_title=normalize_title(listed.title),
            )
        )
    return entries


def _match(entries: list[_Entry]) -> None:
    """Find each entry's paper as find_paper does (arXiv id, DOI, title), from maps loaded once."""
    papers = Paper.objects.all()
    arxiv_ids = [entry.arxiv_id for entry in entries if entry.arxiv_id]
    by_arxiv = {paper.arxiv_id: paper for paper in _filter_in(papers, "arxiv_id", arxiv_ids)}
    dois = [entry.doi for entry in entries if entry.doi]
    by_doi = {paper.doi: paper for paper in _filter_in(papers, "doi", dois)}
    by_title: dict[str, list[Paper]] = defaultdict(list)
    titles = [entry.normalized_title for entry in entries if entry.normalized_title]
    for paper in sorted(_filter_in(papers, "normalized_title", titles), key=lambda p: p.pk):
        by_title[paper.normalized_title].append(paper)

    claimed: dict[int, _Entry] = {}
    for entry in entries:
        paper = by_arxiv.get(entry.arxiv_id) if entry.arxiv_id else None
        if paper is None and entry.doi:
            paper = by_doi.get(entry.doi)
        if paper is None:
            paper = _title_match(entry, by_title.get(entry.normalized_title, []), claimed)
        if paper is None:
            continue
        if paper.pk in claimed:
            other = claimed[paper.pk]
            raise CatalogueImportError(
                entry.listed.line,
                f"this paper and the one at line {other.listed.line} both match catalogue "
                f"paper #{paper.pk} ({paper.title!r}); expected them to be different papers",
            )
        claimed[paper.pk] = entry
        entry.paper = paper


def _title_match(entry: _Entry, candidates: list[Paper], claimed: dict) -> Paper | None:
    for candidate in candidates:
        # Same title but another arXiv id or DOI: another paper.
        if entry.arxiv_id and candidate.arxiv_id and candidate.arxiv_id != entry.arxiv_id:
            continue
        if entry.doi and candidate.doi and candidate.doi != entry.doi:
            continue
        if candidate.pk not in claimed:
            return candidate
    return None


def _wanted_fields(entry: _Entry, paper: Paper | None) -> dict[str, object]:
    listed = entry.listed
    wanted: dict[str, object] = {
        "title": listed.title,
        "affiliations": listed.affiliations,
        "system_name": listed.system_name,
        "notes": listed.notes,
    }
    # A list without an arXiv or DOI link says nothing about them: keep what the catalogue knows.
    if entry.arxiv_id:
        wanted["arxiv_id"] = entry.arxiv_id
        if entry.arxiv_version is not None:
            wanted["arxiv_version"] = entry.arxiv_version
    if entry.doi:
        wanted["doi"] = entry.doi
    if paper is not None:
        for name in paper.locked_fields or []:
            if name in LISTED_FIELDS:
                wanted.pop(name, None)
    return wanted


def _write_papers(entries: list[_Entry], proceedings: Proceedings, touched: set[int]) -> set[int]:
    """Create and update the papers themselves; returns the ids of the created ones."""
    new: list[Paper] = []
    changed: list[Paper] = []
    changed_fields: set[str] = set()
    for entry in entries:
        paper = entry.paper
        wanted = _wanted_fields(entry, paper)
        wanted["proceedings_id"] = proceedings.pk
        wanted["position"] = entry.position
        if paper is None:
            paper = Paper(**wanted)
            # save() sets this, but bulk_create does not call save().
            paper.normalized_title = entry.normalized_title
            entry.paper = paper
            new.append(paper)
            continue
        differs = [name for name, value in wanted.items() if getattr(paper, name) != value]
        if differs:
            for name in differs:
                setattr(paper, name, wanted[name])
            paper.normalized_title = normalize_title(paper.title)
            changed.append(paper)
            changed_fields.update(differs)
            touched.add(paper.pk)
    if new:
        Paper.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        if "title" in changed_fields:
            changed_fields.add("normalized_title")
        Paper.objects.bulk_update(changed, sorted(changed_fields), batch_size=UPDATE_BATCH)
    return {paper.pk for paper in new}


def _write_topics(
    entries: list[_Entry], topic_ids: dict[tuple[str, str], int], touched: set[int]
) -> None:
    """Each listed paper gets exactly its list's topic: the list is the source for its papers."""
    through = Paper.topics.through
    existing: dict[int, dict[int, int]] = defaultdict(dict)  # paper -> topic -> row id
    rows = through.objects.values_list("id", "paper_id", "topic_id")
    for row_id, paper_id, topic_id in _filter_in(rows, "paper_id", [e.paper.pk for e in entries]):
        existing[paper_id][topic_id] = row_id
    add, remove = [], []
    for entry in entries:
        wanted = topic_ids[entry.topic_key]
        current = existing.get(entry.paper.pk, {})
        stale = [row_id for topic_id, row_id in current.items() if topic_id != wanted]
        if wanted not in current:
            add.append(through(paper_id=entry.paper.pk, topic_id=wanted))
        remove.extend(stale)
        if wanted not in current or stale:
            touched.add(entry.paper.pk)
    if add:
        through.objects.bulk_create(add, batch_size=BATCH)
    for chunk in _chunks(remove):
        through.objects.filter(id__in=chunk).delete()


def _write_links(entries: list[_Entry], summary: ImportSummary, touched: set[int]) -> None:
    """The listed links, in list order; links the list no longer has are removed."""
    existing: dict[int, dict[str, PaperLink]] = defaultdict(dict)
    for link in _filter_in(PaperLink.objects.all(), "paper_id", [e.paper.pk for e in entries]):
        existing[link.paper_id][link.url] = link
    new, changed, removed = [], [], []
    for entry in entries:
        pk = entry.paper.pk
        current = existing.get(pk, {})
        for position, link in enumerate(entry.listed.links):
            row = current.get(link.url)
            if row is None:
                new.append(
                    PaperLink(
                        paper_id=pk,
                        kind=link.kind,
                        label=link.label,
                        url=link.url,
                        position=position,
                    )
                )
                touched.add(pk)
            elif (row.kind, row.label, row.position) != (link.kind, link.label, position):
                row.kind, row.label, row.position = link.kind, link.label, position
                changed.append(row)
                touched.add(pk)
        listed_urls = {link.url for link in entry.listed.links}
        gone = [row.pk for url, row in current.items() if url not in listed_urls]
        if gone:
            removed.extend(gone)
            touched.add(pk)
    if new:
        PaperLink.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        PaperLink.objects.bulk_update(
            changed, ["kind", "label", "position"], batch_size=UPDATE_BATCH
        )
    for chunk in _chunks(removed):
        PaperLink.objects.filter(pk__in=chunk).delete()
    summary.links_created = len(new)
    summary.links_updated = len(changed)
    summary.links_deleted = len(removed)


def _write_acronyms(
    acronyms: list[AcronymEntry], proceedings: Proceedings, summary: ImportSummary
) -> None:
    current = {row.short: row for row in Acronym.objects.filter(proceedings=proceedings)}
    new, changed = [], []
    for entry in acronyms:
        row = current.get(entry.short)
        if row is None:
            new.append(
                Acronym(proceedings=proceedings, short=entry.short, expansion=entry.expansion)
            )
        elif row.expansion != entry.expansion:
            row.expansion = entry.expansion
            changed.append(row)
    listed = {entry.short for entry in acronyms}
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
            Prefetch("topics", queryset=Topic.objects.select_related("parent__parent")),
            Prefetch("links", queryset=PaperLink.objects.order_by("position", "pk")),
        )
    )


def outline(papers: Iterable[Paper]) -> list[tuple[str, list[tuple[str, list[Paper]]]]]:
    """Group papers (in list order) as a list lays them out: [(area, [(subtopic, papers)])].

    Areas, and subtopics within an area, come in the order of their first paper, so the
    outline of an imported list is the list's own even when papers added later (by hand, by
    the schedule) share positions with it. Papers without a topic come last, under "Other".
    """
    areas: dict[str, dict[str, list[Paper]]] = {}
    unfiled: list[Paper] = []
    for paper in papers:
        topic = primary_topic(paper)
        if topic is None:
            unfiled.append(paper)
            continue
        path = topic.path
        subtopic = path[1] if len(path) > 1 else ""
        areas.setdefault(path[0], {}).setdefault(subtopic, []).append(paper)
    if unfiled:
        areas.setdefault(UNFILED_AREA, {}).setdefault("", []).extend(unfiled)
    return [(area, list(sections.items())) for area, sections in areas.items()]


def conference_list_from_db(proceedings: Proceedings) -> ConferenceList:
    """The proceedings as a ConferenceList, ready for conference_list.write()."""
    conference = ConferenceList(
        venue=proceedings.venue.name,
        year=proceedings.year,
        homepage=proceedings.homepage,
        paper_list_urls=list(proceedings.paper_list_urls or []),
        accepted=proceedings.accepted,
        submitted=proceedings.submitted,
        meta_notes=proceedings.notes.strip(),
    )
    for area_name, sections in outline(listed_papers(proceedings)):
        area = Area(name=area_name)
        for subtopic, papers in sections:
            area.sections.append(
                Section(subtopic=subtopic, papers=[_listed(paper) for paper in papers])
            )
        conference.areas.append(area)
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
    listed_dois = {parse_doi(link.url) for link in links if link.kind == "paper"}
    if paper.doi and paper.doi not in listed_dois:
        links.insert(0, Link(kind="paper", label="Paper", url=paper.doi_url))
    if paper.arxiv_id and not any(parse_arxiv_id(link.url) for link in links):
        links.append(Link(kind="arxiv", label="arXiv", url=paper.arxiv_url))
    return ListedPaper(
        title=paper.title,
        links=links,
        affiliations=paper.affiliations,
        system_name=paper.system_name,
        notes=paper.notes.strip(),
    )
