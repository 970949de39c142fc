"""Known XSS payloads in every text a person or an imported file can write: none of them may
reach a page as live HTML (a script, an event handler, a javascript: or data: link, an
embedded frame or object)."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from sessions.models import Presenter
from tests import factories
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.time_machine(FROZEN_NOW)

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    "<svg/onload=alert('xss-3')>",
    "<iframe src=\"javascript:alert('xss-4')\"></iframe>",
    "[click](javascript:alert('xss-5'))",
    "[click](JaVaScRiPt:alert('xss-6'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzLTcnKTwvc2NyaXB0Pg==)",
    "![img](x\" onerror=\"alert('xss-8'))",
    "<a href=\"javascript&#58;alert('xss-9')\">link</a>",
    "<details open ontoggle=alert('xss-10')>",
    "<body onload=alert('xss-11')>",
    "<object data=\"javascript:alert('xss-12')\"></object>",
    "<embed src=\"javascript:alert('xss-13')\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-14')>",
    "<a href=\"vbscript:msgbox('xss-15')\">vb</a>",
    "\"><script>alert('xss-16')</script>",
    "'';!--\"<XSS>=&{()}",
    "<style>@import 'javascript:alert(\"xss-17\")';</style>",
    "<form action=\"javascript:alert('xss-18')\"><button>go</button></form>",
    "<input autofocus onfocus=alert('xss-19')>",
]
ALL = "\n\n".join(PAYLOADS)
URL_PAYLOADS = ["javascript:alert('xss-url')", "data:text/html,<script>alert(1)</script>"]

DANGEROUS_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "base", "xss", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}


class LiveHtmlFinder(HTMLParser):
    """Collects whatever in a page would run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "style":
            self._in_style = True
        if tag == "script":
            self._in_script = True
            src = dict(attrs).get("src") or ""
            if src and not src.startswith("/static/"):
                self.problems.append(f"script from {src}")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"<{tag} {name}={value[:30]}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if (self._in_script or self._in_style) and "xss" in data.lower():
            self.problems.append(f"script or style body {data[:40]!r}")


def live_html(html: str) -> list[str]:
    finder = LiveHtmlFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_finds_live_html():
    # A check that cannot fail proves nothing: the raw payloads must all be caught.
    for payload in PAYLOADS[:4] + PAYLOADS[8:14] + PAYLOADS[15:16] + PAYLOADS[17:20]:
        if payload.startswith("["):
            continue
        assert live_html(payload), payload


@pytest.fixture
def hostile(db, media_root):
    """A catalogue and a schedule written by an attacker, in every free-text field."""
    today = timezone.localdate()
    proceedings = factories.ProceedingsFactory(notes=ALL)
    topic = factories.TopicFactory(name=PAYLOADS[0])
    paper = factories.PaperFactory(
        title=PAYLOADS[1],
        proceedings=proceedings,
        notes=ALL,
        abstract=ALL,
        affiliations=PAYLOADS[2],
        system_name=PAYLOADS[3],
        authors=[PAYLOADS[0], PAYLOADS[1]],
        arxiv_comment=PAYLOADS[0],
        arxiv_journal_ref=PAYLOADS[1],
        fetch_status="failed",
        fetch_error=PAYLOADS[0],
        arxiv_id="2412.03131",
    )
    paper.topics.add(topic)
    for url in URL_PAYLOADS:
        factories.PaperLinkFactory(paper=paper, url=url, label=PAYLOADS[1], kind="other")
    term = factories.TermFactory(
        name=PAYLOADS[16],
        requirements=ALL,
        other_information=ALL,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=30),
    )
    sessions = [
        factories.SessionFactory(
            term=term,
            date=today + datetime.timedelta(days=days),
            title=PAYLOADS[0],
            place=PAYLOADS[1],
            notes=ALL,
            kind=kind,
        )
        for days, kind in ((-7, "regular"), (7, "special"))
    ]
    for session in sessions:
        talk = factories.TalkFactory(
            session=session,
            paper=paper,
            title=PAYLOADS[2],
            venue_label=PAYLOADS[0][:50],
            url=URL_PAYLOADS[0],
            slides_url=URL_PAYLOADS[0],
            video_url=URL_PAYLOADS[0],
            summary_url=URL_PAYLOADS[1],
        )
        guest = factories.PersonFactory(name=PAYLOADS[1], affiliation=PAYLOADS[0])
        factories.PresenterFactory(talk=talk, person=guest, role=Presenter.Role.LEAD)
    return {"paper": paper, "term": term, "sessions": sessions, "guest": guest}


def pages(world) -> list[str]:
    paper, term = world["paper"], world["term"]
    proceedings = paper.proceedings
    urls = [
        "/",
        "/papers/",
        f"/papers/?q={PAYLOADS[0]}",
        paper.get_absolute_url(),
        proceedings.get_absolute_url(),
        term.get_absolute_url(),
        "/feed/",
    ]
    urls += [session.get_absolute_url() for session in world["sessions"]]
    return urls


def assert_no_live_html(client: Client, urls: list[str]) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        problems = live_html(response.content.decode())
        assert problems == [], f"{url}: {problems}"


def test_public_pages_show_payloads_as_text(hostile):
    assert_no_live_html(Client(), pages(hostile))


def test_signed_in_pages_show_payloads_as_text(hostile, organiser):
    client = Client()
    client.force_login(organiser)
    term = hostile["term"]
    talk = hostile["sessions"][1].talks.get()
    urls = [
        *pages(hostile),
        f"/organise/terms/{term.slug}/",
        "/organise/",
        "/accounts/people/",
        f"/talks/{talk.pk}/edit/",
    ]
    assert_no_live_html(client, urls)
