"""Filling papers in from the arXiv API: the service that the Celery tasks wrap.

A fetch takes paper ids, asks arXiv about all of them in as few requests as the batch size
allows, then writes each paper in its own short transaction with the row locked. Only papers
still marked "queued" are written (unless forced), so a fetch that runs twice, or two that run at
once, leave the same rows behind: the second finds the work done. Fields a person edited by hand
(Paper.locked_fields) are left alone unless forced. An id arXiv does not know marks its paper
"missing" (kept out of the public catalogue until an organiser decides, see Paper.objects.public).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from papers.arxiv.atom import Entry
from papers.arxiv.client import ArxivClient, Outcome
from papers.models import Paper

logger = logging.getLogger("papers.arxiv")

# Celery task names (papers/tasks.py): services send by name, so they never import the tasks.
FETCH_TASK = "papers.tasks.fetch_arxiv_metadata"
REFRESH_TASK = "papers.tasks.refresh_arxiv_metadata"

Status = Paper.FetchStatus

# Hand-editable fields a fetch may fill; any of them listed in Paper.locked_fields is kept.
LOCKABLE_FIELDS = ("title", "abstract", "authors", "affiliations", "doi")

# A paper left "queued" this long lost its task (broker restarted, worker killed): re-queue.
# A fetch takes seconds; the refresh runs every few minutes (ARXIV_REFRESH_EVERY), so a lost
# task is sent again within about STUCK_AFTER plus one refresh interval. Sending it twice is
# harmless: a fetch only writes papers still "queued".
STUCK_AFTER = datetime.timedelta(minutes=10)
# Failed papers are retried after 1 h, 2 h, 4 h, ... doubling per failed attempt, up to a week.
RETRY_FIRST = datetime.timedelta(hours=1)
RETRY_LONGEST = datetime.timedelta(days=7)
REFRESH_LIMIT = 1000
RETRIED = (Status.FAILED, Status.MISSING)


def retry_delay(attempts: int) -> datetime.timedelta:
    if attempts <= 0:
        return datetime.timedelta(0)
    return min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_LONGEST)


def is_stuck(paper: Paper, now: datetime.datetime | None = None) -> bool:
    """A paper "queued" for longer than any fetch takes: its task was lost."""
    now = now or timezone.now()
    return paper.fetch_status == Status.QUEUED and paper.updated_at < now - STUCK_AFTER


def papers_due_for_refresh(now: datetime.datetime | None = None) -> QuerySet[Paper]:
    """Papers with an arXiv id that the periodic refresh should queue, oldest attempt first."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(days=settings.ARXIV_REFRESH_AFTER_DAYS)
    due = (
        Q(fetch_status=Status.NEVER)
        | Q(fetch_status=Status.FETCHED, fetched_at__lt=stale)
        | Q(fetch_status=Status.FETCHED, fetched_at__isnull=True)
        | Q(fetch_status=Status.QUEUED, updated_at__lt=now - STUCK_AFTER)
        | Q(fetch_status=Status.UNQUEUED)
        | Q(fetch_status__in=RETRIED, fetched_at__isnull=True)
    )
    # Backoff on failures: one clause per attempt count until the delay reaches its cap.
    # Missing papers are asked again the same way: an id may be announced a day after a paste.
    attempts = 1
    while retry_delay(attempts) < RETRY_LONGEST:
        due |= Q(
            fetch_status__in=RETRIED,
            fetch_attempts=attempts,
            fetched_at__lt=now - retry_delay(attempts),
        )
        attempts += 1
    due |= Q(
        fetch_status__in=RETRIED,
        fetch_attempts__gte=attempts,
        fetched_at__lt=now - RETRY_LONGEST,
    )
    return Paper.objects.exclude(arxiv_id="").filter(due).order_by("fetched_at", "pk")


def fetch_papers(
    paper_ids: Iterable[int], *, force: bool = False, client: ArxivClient | None = None
) -> dict[int, str]:
    rows = Paper.objects.filter(pk__in=list(paper_ids)).exclude(arxiv_id="")
    if not force:
        rows = rows.filter(fetch_status=Status.QUEUED)
    wanted = list(rows.order_by("pk").values_list("pk", "arxiv_id"))
    if not wanted:
        return {}
    client = client or ArxivClient.from_settings()
    try:
        outcomes = client.fetch(arxiv_id for _, arxiv_id in wanted)
    except Exception as exc:
        # Whatever went wrong, the papers must not stay "queued" with no one working on them.
        logger.exception("arXiv fetch of %d papers crashed", len(wanted))
        outcomes = {
            arxiv_id: Outcome(arxiv_id, "failed", message=f"Unexpected error: {exc}")
            for _, arxiv_id in wanted
        }
    report = {}
    for pk, arxiv_id in wanted:
        outcome = outcomes.get(arxiv_id) or Outcome(arxiv_id, "failed", message="No answer.")
        report[pk] = store_outcome(pk, outcome, force=force)
    return report


def store_outcome(paper_id: int, outcome: Outcome, *, force: bool = False) -> str:
    """Write one paper's result in its own transaction, the row locked. Returns a summary."""
    with transaction.atomic():
        try:
            # get() drops Paper's default ordering, whose outer join FOR UPDATE cannot lock.
            paper = Paper.objects.select_for_update().get(pk=paper_id)
        except Paper.DoesNotExist:
            return "skipped: the paper was deleted"
        if paper.arxiv_id != outcome.arxiv_id:
            return "skipped: its arXiv id changed meanwhile"
        if paper.fetch_status != Status.QUEUED and not force:
            # Another run of this task stored its result first; the answer is the same.
            return f"skipped: already {paper.fetch_status}"
        now = timezone.now()
        changed = ["fetch_status", "fetch_error", "fetch_attempts", "fetched_at", "updated_at"]
        paper.fetched_at = now
        if outcome.status == "fetched" and outcome.entry is not None:
            changed += apply_entry(paper, outcome.entry, force=force)
            paper.fetch_status = Status.FETCHED
            paper.fetch_error = ""
            paper.fetch_attempts = 0
            summary = "fetched"
        else:
            # "missing": arXiv has no paper with this id (the paper leaves the public catalogue).
            missing = outcome.status == "not_found"
            paper.fetch_status = Status.MISSING if missing else Status.FAILED
            paper.fetch_error = outcome.message
            paper.fetch_attempts += 1
            summary = f"{paper.fetch_status}: {outcome.message}"
        paper.save(update_fields=sorted(set(changed)))
    return summary


def apply_entry(paper: Paper, entry: Entry, *, force: bool = False) -> list[str]:
    """Copy arXiv's metadata onto `paper` (unsaved). Returns the names of fields set."""
    if not force and paper.arxiv_version and entry.version and entry.version < paper.arxiv_version:
        # An older version than we already have (a stale mirror or cache): keep the newer one.
        return []
    locked = set() if force else set(paper.locked_fields or [])
    values: dict[str, object] = {
        "arxiv_version": entry.version,
        "arxiv_published": entry.published,
        "arxiv_updated": entry.updated,
        "arxiv_primary_category": entry.primary_category,
        "arxiv_categories": list(entry.categories),
        "arxiv_journal_ref": entry.journal_ref[:500],
        "arxiv_comment": entry.comment,
    }
    # What a person may have typed is only replaced by something, never by nothing.
    if entry.title:
        values["title"] = entry.title[:500]
    if entry.summary:
        values["abstract"] = entry.summary
    if entry.authors:
        values["authors"] = entry.author_names
    if entry.affiliations:
        values["affiliations"] = " & ".join(entry.affiliations)[:500]
    doi = entry.doi.lower()
    if doi and not paper.doi:
        if Paper.objects.filter(doi=doi).exclude(pk=paper.pk).exists():
            logger.warning(
                "arXiv %s gives DOI %s, which paper %s already has: not copied",
                paper.arxiv_id,
                doi,
                Paper.objects.filter(doi=doi).values_list("pk", flat=True).first(),
            )
        else:
            values["doi"] = doi
    changed = []
    for name, value in values.items():
        if name in LOCKABLE_FIELDS and name in locked:
            continue
        if getattr(paper, name) != value:
            setattr(paper, name, value)
            changed.append(name)
    if "title" in changed:
        changed.append("normalized_title")
    return changed
