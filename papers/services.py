"""Business rules of the catalogue that more than one entry point shares."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from papers.arxiv.sync import FETCH_TASK, REFRESH_LIMIT, is_stuck, papers_due_for_refresh
from papers.identifiers import InvalidArxivId, normalize_title, validate_arxiv_id
from papers.models import Paper
from papers.search.catalogue_version import catalogue_changed
from readinggroup import queue

logger = logging.getLogger("papers.arxiv")

__all__ = [
    "InvalidArxivId",
    "add_paper_from_arxiv",
    "enqueue_fetch",
    "find_paper",
    "get_or_create_arxiv_paper",
    "queue_refresh",
    "request_fetch",
]


def find_paper(*, arxiv_id: str = "", doi: str = "", title: str = "") -> Paper | None:
    """The catalogue's paper for these identifiers: arXiv id first, then DOI, then title.

    One paper, one row: whichever entry point meets a paper (a conference list, a schedule
    line, a pasted link) asks here before creating one.
    """
    if arxiv_id:
        paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
        if paper is not None:
            return paper
    if doi:
        paper = Paper.objects.filter(doi=doi.lower()).first()
        if paper is not None:
            return paper
    normalized = normalize_title(title)
    if normalized:
        return Paper.objects.filter(normalized_title=normalized).order_by("id").first()
    return None


# --- arXiv -------------------------------------------------------------------------------


def request_fetch(paper_ids: Iterable[int], force: bool = False) -> list[int]:
    """Mark these papers "queued" and fetch their arXiv metadata once this transaction commits.

    Papers without an arXiv id are left out. `force` also overwrites fields a person locked.
    Returns the ids queued.
    """
    ids = sorted({int(pk) for pk in paper_ids})
    with transaction.atomic():
        queued = list(
            Paper.objects.filter(pk__in=ids)
            .exclude(arxiv_id="")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # update() skips auto_now; updated_at is how a lost task's "queued" is noticed.
        Paper.objects.filter(pk__in=queued).update(
            fetch_status=Paper.FetchStatus.QUEUED, updated_at=timezone.now()
        )
        if queued:  # a paper "not on arXiv" queued again is public again: cached lists move
            catalogue_changed()
        enqueue_fetch(queued, force=force)
    return queued


def enqueue_fetch(paper_ids: list[int], force: bool = False) -> None:
    """Send one fetch task per batch once the current transaction commits (at once outside one).

    A batch the broker refuses (Redis down, a full disk under the filesystem queue) is marked
    "unqueued" with the reason instead of raising: the request that asked still answers, and
    the periodic refresh sends it again. The task is looked up by name: papers.tasks wraps
    this module, so this one never imports it.
    """
    size = settings.ARXIV_BATCH_SIZE
    for start in range(0, len(paper_ids), size):
        batch = paper_ids[start : start + size]
        queue.send_on_commit(FETCH_TASK, (batch, force), partial(_mark_unqueued, batch))


def _mark_unqueued(paper_ids: list[int], exc: Exception) -> None:
    # Only rows still waiting for this task: an eager run may have stored its result.
    Paper.objects.filter(pk__in=paper_ids, fetch_status=Paper.FetchStatus.QUEUED).update(
        fetch_status=Paper.FetchStatus.UNQUEUED,
        fetch_error=gettext(
            "The fetch could not be queued (the task queue is unreachable: %(error)s). "
            "It is sent again automatically within a few minutes."
        )
        % {"error": queue.error_text(exc)},
        updated_at=timezone.now(),
    )


def queue_refresh(limit: int = REFRESH_LIMIT) -> list[int]:
    """Queue never-fetched, failed-and-due, stale and stuck papers (the periodic refresh)."""
    due = list(papers_due_for_refresh().values_list("pk", flat=True)[:limit])
    return request_fetch(due)


def get_or_create_arxiv_paper(arxiv_id: str) -> tuple[Paper, bool]:
    """The paper with this arXiv id (no version), created titled "arXiv:<id>" if new.

    Queues nothing: callers that add many papers queue them together with request_fetch.
    """
    paper = find_paper(arxiv_id=arxiv_id)
    if paper is not None:
        return paper, False
    try:
        with transaction.atomic():
            return Paper.objects.create(title=f"arXiv:{arxiv_id}", arxiv_id=arxiv_id), True
    except IntegrityError:
        # Someone added the same id a moment ago: theirs is the one row.
        return Paper.objects.get(arxiv_id=arxiv_id), False


def add_paper_from_arxiv(text: str) -> Paper:
    """The catalogue's paper for a pasted arXiv id or link, created if new, fetch queued.

    Accepts 2412.03131, 2412.03131v2, arXiv:2412.03131, abs/pdf/html links, cs/0112017.
    A new paper is titled "arXiv:<id>" until its metadata arrives. Raises InvalidArxivId.
    """
    # The grammar is checked before anything is written: a malformed id changes nothing.
    parsed = validate_arxiv_id(text)
    with transaction.atomic():
        paper, _ = get_or_create_arxiv_paper(parsed.id)
        newer_version = bool(parsed.version and parsed.version > (paper.arxiv_version or 0))
        if (
            paper.fetch_status
            in (
                Paper.FetchStatus.NEVER,
                Paper.FetchStatus.FAILED,
                Paper.FetchStatus.MISSING,
                Paper.FetchStatus.UNQUEUED,
            )
            or (newer_version and paper.fetch_status == Paper.FetchStatus.FETCHED)
            or is_stuck(paper)
        ):
            request_fetch([paper.pk])
    # With eager tasks (tests) the fetch ran when the block above committed: show its result.
    paper.refresh_from_db()
    return paper


def keep_in_catalogue(paper_ids: Iterable[int]) -> int:
    """An organiser's call: show these papers although arXiv has no paper with their ids."""
    kept = Paper.objects.filter(pk__in=list(paper_ids)).update(
        kept_public=True, updated_at=timezone.now()
    )
    if kept:  # an update sends no signal: the catalogue's cached lists and counts are stale
        catalogue_changed()
    return kept
