"""Celery tasks of the catalogue: thin wrappers (ids in, one service call).

The work lives in papers.arxiv.sync (fetching and storing) and papers.services (queueing).
Services send these by name (papers.arxiv.sync.FETCH_TASK), so they never import this module.
"""

from __future__ import annotations

import logging

from celery import shared_task

from papers import services
from papers.arxiv import sync
from papers.search import index

logger = logging.getLogger("papers.arxiv")


@shared_task(name=sync.FETCH_TASK, acks_late=True)
def fetch_arxiv_metadata(paper_ids: list[int], force: bool = False) -> dict[str, str]:
    """Fetch and store arXiv metadata of these papers. Returns {paper id: what happened}."""
    return {str(pk): result for pk, result in sync.fetch_papers(paper_ids, force=force).items()}


@shared_task(name=sync.REFRESH_TASK)
def refresh_arxiv_metadata(limit: int = sync.REFRESH_LIMIT) -> int:
    """Periodic (celery beat): queue never-fetched, failed-and-due, stale and stuck papers."""
    queued = services.queue_refresh(limit)
    logger.info("arXiv refresh queued %d papers", len(queued))
    return len(queued)


@shared_task(name=index.MERGE_TASK)
def merge_search_index() -> int:
    """After a bulk import: merge the new documents into the search index (PostgreSQL)."""
    return index.merge_pending_documents()
