"""Planning flows in Chromium: nominate → vote → schedule, marking unavailability, a swap.
Screenshots of every planner page at 1280 px and 390 px go to screenshots/."""

from __future__ import annotations

import pytest

from papers.models import Paper
from planner.models import Nomination, SwapRequest, Unavailability, Vote
from sessions.models import Presenter
from tests import factories
from tests.members.conftest import make_talk, person_of
from tests.planner.conftest import arxiv, sosp, topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def both_widths(page, screenshot, name):
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_nominate_vote_and_schedule(page, login, screenshot, member, other_member, organiser):
    person_of(member, "Mia Member")
    person_of(other_member, "Otto Other")
    person_of(organiser, "Olga Organiser")
    llm = topic("LLM")
    jenga = sosp(
        "Jenga: Effective Memory Management for Serving LLM", [topic("LLM Inference", llm)]
    )
    talk = make_talk(days=9, paper=None, title="", venue_label="")

    # Mia finds Jenga in the catalogue search, picks it and nominates it with a reason.
    login(page, member)
    page.goto("/queue/")
    page.get_by_label("Search the catalogue").fill("jenga")
    page.get_by_role("button", name="Pick").click()
    page.get_by_text("Nominating").wait_for()
    page.get_by_label("Why the group should read it").fill("Memory for heterogeneous models")
    page.get_by_role("button", name="Nominate").click()
    row = page.locator("#queue-body .queue-row").first
    row.get_by_text("Jenga").wait_for()
    assert Nomination.objects.get().paper == jenga

    # Otto votes in place: the row changes, the page does not reload.
    page.context.clear_cookies()
    login(page, other_member)
    page.goto("/queue/")
    page.evaluate("window.__marker = 'still here'")
    row = page.locator(".queue-row").first
    row.get_by_role("button", name="Vote").click()
    page.get_by_role("button", name="Withdraw vote").wait_for()
    assert page.evaluate("window.__marker") == "still here"
    assert page.locator(".queue-votes strong").first.inner_text() == "2"
    assert Vote.objects.count() == 2
    both_widths(page, screenshot, "planner-queue")

    # The organiser schedules it on the open talk in one click; it leaves the open queue.
    page.context.clear_cookies()
    login(page, organiser)
    page.goto("/queue/")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("Nothing in the queue yet").wait_for()
    talk.refresh_from_db()
    assert talk.paper == jenga
    both_widths(page, screenshot, "planner-queue-scheduled")


def test_member_marks_a_session_they_cannot_attend(page, login, screenshot, member):
    person = person_of(member, "Mia Member")
    talk = make_talk(days=5)
    make_talk(days=12)
    factories.PresenterFactory(talk=talk, person=person, role="support")
    login(page, member)
    page.goto("/me/")
    item = page.locator(f"#availability-{talk.session.pk}")
    page.evaluate("window.__marker = 'still here'")
    item.get_by_role("button", name="I can't come").click()
    page.locator(f"#availability-{talk.session.pk}.away").wait_for()
    assert page.evaluate("window.__marker") == "still here"
    assert Unavailability.objects.filter(person=person, session=talk.session).exists()
    both_widths(page, screenshot, "planner-my-talks-availability")
    page.locator(f"#availability-{talk.session.pk}").get_by_role(
        "button", name="I can come after all"
    ).click()
    page.locator(f"#availability-{talk.session.pk}:not(.away)").wait_for()
    assert not Unavailability.objects.exists()


def test_a_swap_asked_accepted_and_seen_by_organisers(
    page, login, screenshot, member, other_member, organiser
):
    mia = person_of(member, "Mia Member")
    otto = person_of(other_member, "Otto Other")
    person_of(organiser, "Olga Organiser")
    talk = make_talk(days=8)
    make_talk(days=8, position=2, paper=None, title="", venue_label="")
    row = factories.PresenterFactory(talk=talk, person=mia, role="lead", confirmed=True)

    login(page, member)
    page.goto("/me/")
    page.get_by_label("Ask").select_option(label="Otto Other")
    page.get_by_role("button", name="Ask to swap").click()
    page.get_by_text("waiting for Otto Other").wait_for()
    assert SwapRequest.objects.get().status == "pending"

    page.context.clear_cookies()
    login(page, other_member)
    page.goto("/me/")
    page.get_by_text("Mia Member asks you to take their place").wait_for()
    both_widths(page, screenshot, "planner-my-talks-swap")
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("You now present Topic I").wait_for()
    row.refresh_from_db()
    assert (row.person, row.role, row.confirmed) == (otto, Presenter.Role.LEAD, True)

    page.context.clear_cookies()
    login(page, organiser)
    page.goto(f"/organise/terms/{talk.session.term.slug}/")
    page.get_by_text("Mia Member → Otto Other (lead)").wait_for()
    page.locator(".planner-card").scroll_into_view_if_needed()
    both_widths(page, screenshot, "planner-dashboard")


def test_screens_of_suggestions_topics_related_and_the_lead_page(
    page, login, screenshot, member, organiser
):
    person_of(organiser, "Olga Organiser")
    mia = person_of(member, "Mia Member")
    llm = topic("LLM")
    inference = topic("LLM Inference", llm)
    gpu = topic("GPU")
    jenga = sosp("Jenga: Effective Memory Management for Serving LLM", [inference])
    sosp("PrefillOnly: An Inference Engine for Prefill-only Workloads", [inference], year=2024)
    aegaeon = sosp("Aegaeon: Effective GPU Pooling for Concurrent LLM Serving", [inference])
    make_talk(days=-14, paper=aegaeon)
    sosp("LithOS: An Operating System for Efficient Machine Learning on GPUs", [gpu])
    arxiv("Kimi Linear: An Expressive, Efficient Attention Architecture", [inference])
    bare = arxiv("KV cache eviction for long-context LLM inference serving")
    talk = make_talk(days=6, paper=None, title="", venue_label="")
    make_talk(days=6, position=2, paper=None, title="", venue_label="")
    lead_talk = make_talk(days=13, paper=jenga)
    factories.PresenterFactory(talk=lead_talk, person=mia, role="lead")

    login(page, organiser)
    page.goto(f"/organise/sessions/{talk.session.pk}/suggestions/")
    page.get_by_text("Paper pairs").wait_for()
    both_widths(page, screenshot, "planner-suggestions")
    page.get_by_role("button", name="Use this pair").first.click()
    page.get_by_text("now pairs").wait_for()
    assert Paper.objects.filter(talks=talk).exists()
    page.goto("/papers/?presented=yes")
    page.get_by_text("presented", exact=False).first.wait_for()
    assert "Aegaeon" in page.content() and "LithOS" not in page.content()
    page.goto("/papers/")
    both_widths(page, screenshot, "planner-catalogue-presented")
    page.goto("/organise/topics/")
    both_widths(page, screenshot, "planner-topics")
    page.goto(bare.get_absolute_url())
    page.get_by_text("Suggested topics").wait_for()
    both_widths(page, screenshot, "planner-paper-page")

    page.context.clear_cookies()
    login(page, member)
    page.goto(f"/talks/{lead_talk.pk}/edit/")
    page.get_by_text("As a markdown list for your slides").wait_for()
    assert "PrefillOnly" in page.locator("#related-markdown").input_value()
    both_widths(page, screenshot, "planner-lead-related")
