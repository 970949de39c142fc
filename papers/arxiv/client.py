"""A polite, batched client for the arXiv API's id_list queries.

What the API really does, and what this client does about it:

- `max_results` defaults to 10 even for id_list queries, so it is always sent.
- An id that does not exist is left out of the feed: asked ids are compared with answered ones.
- A malformed id answers HTTP 200 (older servers: 400) with a single "Error" entry and nothing
  else; the named id is set aside as rejected and the rest of the batch is asked again.
- Throttling answers a bare "Rate exceeded." (429 or 503), never parsed as XML. It, other 5xx,
  timeouts, dropped connections and truncated or malformed XML are transient: retried with
  exponential backoff and jitter, a bounded number of times, every attempt holding a slot of
  the rate limiter (papers/arxiv/ratelimit.py) while it is in flight. What still fails is
  reported per id with a readable message.
"""

from __future__ import annotations

import http.client
import logging
import random
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from papers.arxiv.atom import Entry, Feed, FeedError, parse_feed
from papers.arxiv.ratelimit import RateLimiter
from papers.identifiers import parse_arxiv_id

logger = logging.getLogger("papers.arxiv")

# A feed of 100 entries is a few hundred kilobytes; anything far beyond is not a feed.
MAX_BODY_BYTES = 20 * 1024 * 1024

OutcomeStatus = Literal["fetched", "not_found", "rejected", "failed"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one asked id."""

    arxiv_id: str
    status: OutcomeStatus
    entry: Entry | None = None
    message: str = ""


class ArxivUnavailable(Exception):
    """The API did not give a usable answer (after all retries, or with a permanent error)."""


class _Transient(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _base_id(arxiv_id: str) -> str:
    parsed = parse_arxiv_id(arxiv_id)
    return parsed.id if parsed else arxiv_id.strip()


def _is_rate_limit_body(body: bytes) -> bool:
    return body.lstrip()[:32].lower().startswith(b"rate exceeded")


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After", "") if headers is not None else ""
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def _blamed(message: str, candidates: Iterable[str]) -> list[str]:
    """The asked ids an error entry names ("incorrect id format for 2409.3108")."""
    tokens = set(re.split(r"[\s#,;]+|_for_", message))
    return [candidate for candidate in candidates if candidate in tokens]


class ArxivClient:
    def __init__(
        self,
        *,
        api_url: str,
        limiter: RateLimiter,
        batch_size: int = 100,
        timeout: float = 30.0,
        user_agent: str = "readinggroup",
        max_attempts: int = 4,
        retry_base: float = 3.0,
        retry_max: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.api_url = api_url
        self.limiter = limiter
        self.batch_size = batch_size
        self.timeout = timeout
        self.user_agent = user_agent
        self.max_attempts = max(1, max_attempts)
        self.retry_base = retry_base
        self.retry_max = retry_max
        self._sleep = sleep
        self._rng = rng
        self.requests_sent = 0

    @classmethod
    def from_settings(cls) -> ArxivClient:
        from django.conf import settings

        from papers.arxiv.ratelimit import limiter_from_settings

        return cls(
            api_url=settings.ARXIV_API_URL,
            limiter=limiter_from_settings(),
            batch_size=settings.ARXIV_BATCH_SIZE,
            timeout=settings.ARXIV_TIMEOUT,
            user_agent=settings.ARXIV_USER_AGENT,
            max_attempts=settings.ARXIV_MAX_ATTEMPTS,
            retry_base=settings.ARXIV_RETRY_BASE,
            retry_max=settings.ARXIV_RETRY_MAX,
        )

    # --- public ----------------------------------------------------------------------------

    def fetch(self, arxiv_ids: Iterable[str]) -> dict[str, Outcome]:
        """Ask arXiv about every id, `batch_size` ids per request. Keyed by the asked id."""
        unique = list(dict.fromkeys(i.strip() for i in arxiv_ids if i and i.strip()))
        outcomes: dict[str, Outcome] = {}
        for start in range(0, len(unique), self.batch_size):
            outcomes.update(self.fetch_batch(unique[start : start + self.batch_size]))
        return outcomes

    def fetch_batch(self, arxiv_ids: list[str]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        pending = list(arxiv_ids)
        # A round that asks again has settled at least one id (rejected or found), so this
        # ends after at most len(arxiv_ids) rounds (in practice one or two).
        while pending:
            try:
                feed = self._query(pending)
            except ArxivUnavailable as exc:
                for arxiv_id in pending:
                    outcomes[arxiv_id] = Outcome(arxiv_id, "failed", message=str(exc))
                break
            matched = self._match(pending, feed)
            outcomes.update(matched)
            rejected = self._reject(pending, feed)
            outcomes.update(rejected)
            pending = [i for i in pending if i not in outcomes]
            # The server paged its answer (it found more than it sent, despite max_results):
            # the ids still pending may be on the next page, so ask for them again.
            paged = bool(matched) and (feed.total_results or 0) > len(feed.entries)
            if feed.errors and not rejected:
                # An error no asked id can be blamed for: the query as a whole was refused.
                message = f"arXiv refused the query: {feed.errors[0].message}"
                for arxiv_id in pending:
                    outcomes[arxiv_id] = Outcome(arxiv_id, "rejected", message=message)
                break
            if not rejected and not paged:
                for arxiv_id in pending:
                    outcomes[arxiv_id] = Outcome(
                        arxiv_id, "not_found", message=f"arXiv has no paper {arxiv_id}."
                    )
                break
            # A rejected id hides the rest of the batch on the real API: ask again without it.
            # (Or the answer was paged: ask again for the rest.)
        return outcomes

    # --- matching --------------------------------------------------------------------------

    def _match(self, asked: list[str], feed: Feed) -> dict[str, Outcome]:
        by_base: dict[str, Entry] = {}
        for entry in feed.entries:
            # Some servers answer an unknown id with a bare entry (an id, no title, no dates).
            if entry.title or entry.published:
                by_base.setdefault(entry.arxiv_id, entry)
        outcomes = {}
        for arxiv_id in asked:
            found = by_base.get(_base_id(arxiv_id))
            if found is not None:
                outcomes[arxiv_id] = Outcome(arxiv_id, "fetched", entry=found)
        return outcomes

    def _reject(self, asked: list[str], feed: Feed) -> dict[str, Outcome]:
        outcomes = {}
        for error in feed.errors:
            for arxiv_id in _blamed(f"{error.id} {error.message}", asked):
                outcomes[arxiv_id] = Outcome(
                    arxiv_id, "rejected", message=f"arXiv rejected the id: {error.message}"
                )
        return outcomes

    # --- HTTP ------------------------------------------------------------------------------

    def query_url(self, arxiv_ids: list[str]) -> str:
        params = {"id_list": ",".join(arxiv_ids), "start": 0, "max_results": len(arxiv_ids)}
        return f"{self.api_url}?{urlencode(params, safe=',/:')}"

    def _query(self, arxiv_ids: list[str]) -> Feed:
        url = self.query_url(arxiv_ids)
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                # The slot is held for the request only, not for the backoff after it.
                with self.limiter.slot():
                    return self._get(url)
            except _Transient as exc:
                problem = str(exc)
                if attempt == self.max_attempts:
                    break
                delay = self._backoff(attempt, exc.retry_after)
                logger.warning(
                    "arXiv attempt %d/%d for %d ids failed (%s); retrying in %.2f s",
                    attempt,
                    self.max_attempts,
                    len(arxiv_ids),
                    problem,
                    delay,
                )
                self._sleep(delay)
        raise ArxivUnavailable(
            f"arXiv API gave no usable answer after {self.max_attempts} attempts: {problem}"
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self.retry_max, self.retry_base * 2 ** (attempt - 1))
        # "Equal jitter": at least half the exponential delay, so retries of several workers
        # spread out instead of arriving together.
        delay = ceiling / 2 + self._rng() * ceiling / 2
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.retry_max))
        return delay

    def _get(self, url: str) -> Feed:
        request = urllib.request.Request(
            url,
            headers={"User-Agent": self.user_agent, "Accept": "application/atom+xml"},
        )
        self.requests_sent += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, headers = response.status, response.headers
                body = response.read(MAX_BODY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            status, headers = exc.code, exc.headers
            try:
                body = exc.read(MAX_BODY_BYTES + 1)
            except (OSError, http.client.HTTPException):
                body = b""
        except TimeoutError as exc:
            raise _Transient(f"no answer within {self.timeout:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Transient(f"no answer within {self.timeout:g} s") from exc
            raise _Transient(f"could not connect ({exc.reason})") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise _Transient(f"connection broke off ({exc.__class__.__name__}: {exc})") from exc
        if len(body) > MAX_BODY_BYTES:
            raise ArxivUnavailable(f"arXiv answered more than {MAX_BODY_BYTES} bytes")
        expected = headers.get("Content-Length", "") if headers is not None else ""
        if expected.isdigit() and len(body) < int(expected):
            raise _Transient(f"connection broke off after {len(body)} of {expected} bytes")
        return self._interpret(status, headers, body)

    def _interpret(self, status: int, headers, body: bytes) -> Feed:
        # Throttling comes as plain text, sometimes with odd statuses: never feed it to XML.
        if _is_rate_limit_body(body) or status == 429:
            raise _Transient(f"HTTP {status}: rate exceeded", _retry_after(headers))
        if status == 200:
            try:
                return parse_feed(body)
            except FeedError as exc:
                raise _Transient(f"unreadable answer: {exc}") from exc
        if status >= 500:
            raise _Transient(f"HTTP {status}", _retry_after(headers))
        if status == 400:
            # Older servers answer a malformed id with 400 and the same error feed.
            try:
                feed = parse_feed(body)
            except FeedError:
                feed = None
            if feed is not None and feed.errors:
                return feed
        raise ArxivUnavailable(f"arXiv refused the query: HTTP {status}")
