"""The arXiv API: Atom parsing (atom), a batched polite client (client), request spacing
shared by all workers (ratelimit), and the service that fills papers in (sync), which the
Celery tasks in papers/tasks.py wrap."""

from papers.arxiv.atom import Author, Entry, ErrorEntry, Feed, FeedError, parse_feed
from papers.arxiv.client import ArxivClient, ArxivUnavailable, Outcome

__all__ = [
    "ArxivClient",
    "ArxivUnavailable",
    "Author",
    "Entry",
    "ErrorEntry",
    "Feed",
    "FeedError",
    "Outcome",
    "parse_feed",
]
