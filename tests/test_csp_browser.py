"""The Content-Security-Policy in Chromium (issue 12): the main pages, anonymous, as a member
and as an organiser, raise no `securitypolicyviolation` event and log no CSP error, while
HTMX still swaps the schedule and the catalogue in place."""

from __future__ import annotations

import re

import pytest

from papers.catalogue_import import import_conference_list
from papers.conference_list import parse
from sessions.models import Person, Presenter, Session, Talk
from tests.papers.test_conference_list import SEED
from tests.schedule.helpers import import_shifted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Before any page script: collect every violation the page reports.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "camera=()" in response.headers["permissions-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
        assert console == [], (path, console)

    visit.page = page
    visit.console = console
    return visit


@pytest.fixture
def schedule(transactional_db):
    import_conference_list(parse(SEED))
    return import_shifted()


def _pages(schedule) -> list[str]:
    term = schedule.term
    session = Session.objects.filter(term=term).order_by("date").first()
    talk = Talk.objects.filter(session__term=term, paper__isnull=False).first()
    return [
        "/",
        f"/terms/{term.slug}/",
        f"/sessions/{session.date.isoformat()}/",
        "/papers/",
        "/papers/?q=gpu",
        f"/papers/{talk.paper_id}/",
        "/queue/",
        "/accounts/login/",
        "/accounts/register/",
    ]


def test_public_pages_pass_the_policy_and_htmx_still_works(watched, schedule):
    for path in _pages(schedule):
        watched(path)

    page = watched.page
    # The schedule filter swaps in place (an HTMX request), and the empty filters are left out
    # of the address by static/js/app.js (was an hx-on attribute, which the policy blocks).
    watched("/")
    page.evaluate("window.__notReloaded = true")
    person = Person.objects.filter(presentations__talk__session__term=schedule.term).first()
    page.select_option("select[name=presenter]", str(person.pk))
    page.wait_for_url(re.compile(rf"/\?presenter={person.pk}$"))
    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("window.__csp") == []

    # The catalogue's search as you type, in place, with its indicator styled by app.css.
    watched("/papers/")
    page.evaluate("window.__notReloaded = true")
    page.locator("#id_q").press_sequentially("gpu check", delay=30)
    page.wait_for_url(re.compile(r"/papers/\?q=gpu\+check"))
    assert page.locator(".paper-card").count() == 1
    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("window.__csp") == []
    assert watched.console == []


def test_member_and_organiser_pages_pass_the_policy(watched, schedule, login, member, organiser):
    talk = Talk.objects.filter(session__term=schedule.term).order_by("session__date").last()
    person, _ = Person.objects.get_or_create(user=member, defaults={"name": "Member"})
    talk.presenters.filter(role=Presenter.Role.LEAD).delete()
    Presenter.objects.create(talk=talk, person=person, role=Presenter.Role.LEAD)
    login(watched.page, member)
    for path in ["/me/", f"/talks/{talk.pk}/edit/", "/accounts/profile/", "/papers/add-arxiv/"]:
        watched(path)

    watched.page.context.clear_cookies()
    login(watched.page, organiser)
    for path in [
        "/organise/",
        f"/organise/terms/{schedule.term.slug}/",
        "/accounts/invites/",
        "/accounts/people/",
        "/admin/",
    ]:
        watched(path)
