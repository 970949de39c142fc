"""A fake arXiv API: a real HTTP server on 127.0.0.1 that answers like export.arxiv.org.

It answers `id_list` queries with Atom XML in arXiv's own format (namespaces atom, arxiv,
opensearch), in the newer shape (namespaces declared once on the root, https URLs) or the older
one (namespaces declared on each element, http URLs, HTTP 400 for errors). Like the real API it
honours `start` and `max_results` (default 10, also for id_list), leaves out unknown ids, and
answers a single "Error" entry, and nothing else, when any asked id is malformed.

Every request is recorded with the time it arrived on this server's clock (time.monotonic), so
tests measure request spacing where arXiv would. `fail_next()` makes the next requests fail the
ways the real API and the network do.

Used by the tests (fixture in tests/arxiv/conftest.py) and by bench/arxiv_fetch.py.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import textwrap
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
# The newer feed writes its own schema URI with https, the older one with http.
ARXIV_NEW = "https://arxiv.org/schemas/atom"
ARXIV_OLD = "http://arxiv.org/schemas/atom"

FAILURES = {"503", "429", "500", "timeout", "truncated", "drop", "malformed"}

_NEW_ID = re.compile(r"^(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:v(?P<version>\d+))?$")
_OLD_ID = re.compile(r"^(?P<id>[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?$")


def split_id(text: str) -> tuple[str, int | None] | None:
    """arXiv's own idea of a well-formed id: the month exists, 4 digits until 1412, then 5."""
    match = _NEW_ID.match(text)
    if match:
        yymm = match.group("yymm")
        if not 1 <= int(yymm[2:]) <= 12:
            return None
        if len(match.group("number")) != (4 if yymm <= "1412" else 5):
            return None
        version = match.group("version")
        return f"{yymm}.{match.group('number')}", int(version) if version else None
    match = _OLD_ID.match(text)
    if match:
        version = match.group("version")
        return match.group("id"), int(version) if version else None
    return None


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _wrapped(text: str) -> str:
    # arXiv hard-wraps titles and abstracts and keeps runs of spaces at the joins.
    return textwrap.fill(text, width=76, subsequent_indent="  ")


@dataclass
class FakePaper:
    arxiv_id: str
    title: str
    summary: str = "We present a system. It is fast, and it is correct."
    authors: list[tuple[str, list[str]]] = field(default_factory=lambda: [("Ada Lovelace", [])])
    version: int = 1
    published: datetime.datetime = datetime.datetime(2024, 12, 4, 9, 0, 1, tzinfo=datetime.UTC)
    updated: datetime.datetime | None = None
    primary_category: str = "cs.DC"
    categories: list[str] = field(default_factory=lambda: ["cs.DC"])
    doi: str = ""
    journal_ref: str = ""
    comment: str = ""

    def new_version(self, **changes) -> None:
        """arXiv announced version N+1 (optionally with a changed title, abstract...)."""
        self.version += 1
        self.updated = (self.updated or self.published) + datetime.timedelta(days=7)
        for name, value in changes.items():
            setattr(self, name, value)


@dataclass
class RecordedRequest:
    at: float  # time.monotonic() when the request arrived
    path: str
    params: dict[str, str]
    ids: list[str]
    user_agent: str
    answer: str  # "feed", "error-entry", or the failure mode used


class FakeArxiv:
    def __init__(self, *, style: str = "new", timeout_delay: float = 1.0) -> None:
        if style not in {"new", "old"}:
            raise ValueError("style is 'new' or 'old'")
        self.style = style
        self.timeout_delay = timeout_delay
        # A server that caps a page below the max_results asked for (None: no cap).
        self.page_cap: int | None = None
        self.papers: dict[str, FakePaper] = {}
        self.requests: list[RecordedRequest] = []
        self._failures: deque[str] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeArxiv:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._handle(self, time.monotonic())

            def log_message(self, format, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/query"

    # --- what it knows and how it misbehaves -----------------------------------------------

    def add(self, arxiv_id: str, title: str | None = None, **fields) -> FakePaper:
        paper = FakePaper(
            arxiv_id=arxiv_id, title=title or f"A paper numbered {arxiv_id}", **fields
        )
        with self._lock:
            self.papers[arxiv_id] = paper
        return paper

    def add_generated(self, ids: list[str]) -> None:
        for n, arxiv_id in enumerate(ids):
            self.add(
                arxiv_id,
                title=f"Generated paper {n}: scaling the {arxiv_id} system",
                authors=[(f"Author {n}", []), ("Grace Hopper", ["Navy"])],
            )

    def fail_next(self, *modes: str) -> None:
        unknown = set(modes) - FAILURES
        if unknown:
            raise ValueError(f"unknown failure modes: {sorted(unknown)}")
        with self._lock:
            self._failures.extend(modes)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._failures.clear()

    # --- what the tests read ---------------------------------------------------------------

    @property
    def times(self) -> list[float]:
        return sorted(request.at for request in self.requests)

    def gaps(self) -> list[float]:
        times = self.times
        return [later - earlier for earlier, later in itertools.pairwise(times)]

    def asked_ids(self) -> list[str]:
        return [i for request in self.requests for i in request.ids]

    # --- answering -------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, arrived: float) -> None:
        parts = urlsplit(handler.path)
        params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        ids = [i.strip() for i in params.get("id_list", "").split(",") if i.strip()]
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
        record = RecordedRequest(
            at=arrived,
            path=parts.path,
            params=params,
            ids=ids,
            user_agent=handler.headers.get("User-Agent", ""),
            answer=failure or "feed",
        )
        with self._lock:
            self.requests.append(record)

        if parts.path != "/api/query":
            return self._send(handler, 404, b"Not Found", "text/plain")
        if failure in {"503", "429"}:
            return self._send(handler, int(failure), b"Rate exceeded.", "text/plain")
        if failure == "500":
            return self._send(
                handler, 500, b"<html><body>Internal error</body></html>", "text/html"
            )
        if failure == "timeout":
            time.sleep(self.timeout_delay)
            handler.close_connection = True
            return None

        status, body, kind = self.answer(params)
        if failure is None:
            record.answer = kind
        data = body.encode("utf-8")
        if failure == "truncated":
            return self._send(handler, 200, data[: len(data) // 2], "application/atom+xml")
        if failure == "drop":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/atom+xml; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data[: len(data) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return None
        if failure == "malformed":
            broken = data.replace(b"</title>", b"</titel>", 1)
            return self._send(handler, 200, broken, "application/atom+xml")
        return self._send(handler, status, data, "application/atom+xml; charset=utf-8")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes, content_type: str):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def answer(self, params: dict[str, str]) -> tuple[int, str, str]:
        """Status, Atom body and kind ("feed" or "error-entry") arXiv would answer."""
        ids = [i.strip() for i in params.get("id_list", "").split(",") if i.strip()]
        start = int(params.get("start", "0") or 0)
        max_results = int(params.get("max_results", "10") or 10)
        if self.page_cap is not None:
            max_results = min(max_results, self.page_cap)
        for arxiv_id in ids:
            if split_id(arxiv_id) is None:
                status = 200 if self.style == "new" else 400
                return status, self.error_feed(params, arxiv_id), "error-entry"
        found = []
        with self._lock:
            for arxiv_id in ids:
                base, version = split_id(arxiv_id)
                paper = self.papers.get(base)
                if paper is not None and (version is None or version <= paper.version):
                    found.append((paper, version or paper.version))
        page = found[start : start + max_results]
        feed = self.feed(params, page, total=len(found), start=start, per_page=max_results)
        return 200, feed, "feed"

    # --- XML -------------------------------------------------------------------------------

    def _scheme(self) -> str:
        return "https" if self.style == "new" else "http"

    def _query_echo(self, params: dict[str, str]) -> str:
        return (
            f"search_query=&id_list={params.get('id_list', '')}"
            f"&start={params.get('start', '0')}&max_results={params.get('max_results', '10')}"
        )

    def _head(self, params: dict[str, str], *, total: int, start: int, per_page: int) -> str:
        echo = self._query_echo(params)
        digest = hashlib.sha1(echo.encode()).hexdigest()[:27]
        now = _stamp(datetime.datetime.now(datetime.UTC))
        scheme = self._scheme()
        if self.style == "new":
            return (
                "<?xml version='1.0' encoding='UTF-8'?>\n"
                f'<feed xmlns:opensearch="{OPENSEARCH}" xmlns:arxiv="{ARXIV_NEW}" xmlns="{ATOM}">\n'
                f"  <id>{scheme}://arxiv.org/api/{digest}</id>\n"
                f"  <title>arXiv Query: {escape(echo)}</title>\n"
                f"  <updated>{now}</updated>\n"
                f"  <link href={quoteattr(f'{scheme}://arxiv.org/api/query?{echo}')}"
                ' type="application/atom+xml"/>\n'
                f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
                f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
                f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
            )
        os_ns = f'xmlns:opensearch="{OPENSEARCH}"'
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feed xmlns="{ATOM}">\n'
            f"  <link href={quoteattr(f'{scheme}://arxiv.org/api/query?{echo}')}"
            ' rel="self" type="application/atom+xml"/>\n'
            f'  <title type="html">ArXiv Query: {escape(echo)}</title>\n'
            f"  <id>{scheme}://arxiv.org/api/{digest}</id>\n"
            f"  <updated>{now[:10]}T00:00:00-05:00</updated>\n"
            f"  <opensearch:totalResults {os_ns}>{total}</opensearch:totalResults>\n"
            f"  <opensearch:startIndex {os_ns}>{start}</opensearch:startIndex>\n"
            f"  <opensearch:itemsPerPage {os_ns}>{per_page}</opensearch:itemsPerPage>\n"
        )

    def _arxiv(self, name: str, attrs: str = "", text: str | None = None) -> str:
        declare = "" if self.style == "new" else f' xmlns:arxiv="{ARXIV_OLD}"'
        if text is None:
            return f"<arxiv:{name}{declare}{attrs}/>"
        return f"<arxiv:{name}{declare}{attrs}>{escape(text)}</arxiv:{name}>"

    def entry(self, paper: FakePaper, version: int) -> str:
        scheme = self._scheme()
        abs_url = f"{scheme}://arxiv.org/abs/{paper.arxiv_id}v{version}"
        pdf_url = f"{scheme}://arxiv.org/pdf/{paper.arxiv_id}v{version}"
        updated = paper.updated if version == paper.version and paper.updated else paper.published
        lines = [
            "  <entry>",
            f"    <id>{abs_url}</id>",
            f"    <updated>{_stamp(updated)}</updated>",
            f"    <published>{_stamp(paper.published)}</published>",
            f"    <title>{escape(_wrapped(paper.title))}</title>",
            f"    <summary>  {escape(_wrapped(paper.summary))}\n</summary>",
        ]
        for name, affiliations in paper.authors:
            inner = "".join(
                "\n      " + self._arxiv("affiliation", text=affiliation)
                for affiliation in affiliations
            )
            lines.append(f"    <author>\n      <name>{escape(name)}</name>{inner}\n    </author>")
        if paper.doi:
            lines.append("    " + self._arxiv("doi", text=paper.doi))
            lines.append(
                f'    <link title="doi" href="{scheme}://dx.doi.org/{escape(paper.doi)}"'
                ' rel="related"/>'
            )
        if paper.comment:
            lines.append("    " + self._arxiv("comment", text=_wrapped(paper.comment)))
        if paper.journal_ref:
            lines.append("    " + self._arxiv("journal_ref", text=paper.journal_ref))
        lines.append(f'    <link href="{abs_url}" rel="alternate" type="text/html"/>')
        lines.append(
            f'    <link title="pdf" href="{pdf_url}" rel="related" type="application/pdf"/>'
        )
        lines.append(
            "    "
            + self._arxiv(
                "primary_category",
                attrs=f' term="{paper.primary_category}" scheme="{ARXIV_OLD}"',
            )
        )
        for category in paper.categories:
            lines.append(f'    <category term="{category}" scheme="{ARXIV_OLD}"/>')
        lines.append("  </entry>")
        return "\n".join(lines) + "\n"

    def feed(
        self,
        params: dict[str, str],
        page: list[tuple[FakePaper, int]],
        *,
        total: int,
        start: int,
        per_page: int,
    ) -> str:
        head = self._head(params, total=total, start=start, per_page=per_page)
        return head + "".join(self.entry(paper, version) for paper, version in page) + "</feed>\n"

    def error_feed(self, params: dict[str, str], bad_id: str) -> str:
        scheme = self._scheme()
        anchor = f"{scheme}://arxiv.org/api/errors#incorrect_id_format_for_{bad_id}"
        now = _stamp(datetime.datetime.now(datetime.UTC))
        head = self._head(params, total=1, start=0, per_page=1)
        return (
            head
            + "  <entry>\n"
            + f"    <id>{escape(anchor)}</id>\n"
            + "    <title>Error</title>\n"
            + f"    <summary>incorrect id format for {escape(bad_id)}</summary>\n"
            + f"    <updated>{now}</updated>\n"
            + f'    <link href={quoteattr(anchor)} rel="alternate" type="text/html"/>\n'
            + "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
            + "  </entry>\n</feed>\n"
        )
