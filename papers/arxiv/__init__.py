"""The arXiv API: Atom parsing (atom), a batched polite client (client), request spacing
shared by all workers (ratelimit). Celery tasks that use them live in papers/tasks.py."""

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
