"""The organiser's flows in Chromium: generate a term, edit inline, assign a guest, import."""

from __future__ import annotations

import re

import pytest

from sessions.models import Presenter, Session, Term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_a_term_edit_a_session_inline_and_assign_a_guest(
    page, login, screenshot, organiser
):
    login(page, organiser)
    page.goto("/organise/")
    page.get_by_label("Name").fill("2031 Spring")
    page.get_by_label("Meets every").select_option("Tuesday")
    page.get_by_label("Start date").fill("2031-02-24")
    page.get_by_label("Weeks").fill("6")
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("Place").fill("Room 3-201")
    page.get_by_label("Online link").fill("https://meet.example.org/rg")
    page.get_by_label("Skip dates").fill("2031-03-11")
    screenshot(page, "organiser-term-list")
    page.get_by_role("button", name="Generate sessions").click()

    page.wait_for_url("**/organise/terms/2031-spring/")
    assert page.get_by_text("Created 2031 Spring with 5 sessions.").is_visible()
    term = Term.objects.get(slug="2031-spring")
    assert term.sessions.count() == 5
    first = term.sessions.order_by("date").first()
    row = page.locator(f"#session-{first.pk}")
    assert (
        "No lead presenter." in page.locator(f"#talk-{first.talks.get(position=1).pk}").inner_text()
    )
    screenshot(page, "organiser-dashboard")

    # Edit in place: the row turns into a form, the address stays the dashboard's.
    dashboard_url = page.url
    row.get_by_role("link", name="Edit").click()
    form = page.locator(f"#session-{first.pk} form.session-edit-form")
    form.wait_for()
    assert page.url == dashboard_url
    form.get_by_label("Title", exact=True).fill("Kick-off and paper picking")
    form.get_by_label("Kind").select_option("Kick-off")
    form.get_by_label("Place").fill("Room 1-100")
    form.locator(f"[name='s{first.pk}-talks-0-minutes']").fill("30")
    screenshot(page, "organiser-inline-edit")
    form.get_by_role("button", name="Save").click()

    row = page.locator(f"#session-{first.pk}")
    row.get_by_text("Kick-off and paper picking").wait_for()
    assert page.url == dashboard_url
    assert "Room 1-100" in row.inner_text()
    assert "Planned for 30 minutes" in row.inner_text()
    first.refresh_from_db()
    assert (first.kind, first.place) == (Session.Kind.KICK_OFF, "Room 1-100")

    # Bad input: the error shows in the form and nothing changes.
    row.get_by_role("link", name="Edit").click()
    form = page.locator(f"#session-{first.pk} form.session-edit-form")
    second = term.sessions.order_by("date")[1]
    form.get_by_label("Date").fill(second.date.isoformat())
    form.get_by_role("button", name="Save").click()
    page.get_by_text(f"{second.date.isoformat()} already holds a session").wait_for()
    first.refresh_from_db()
    assert first.date != second.date
    page.locator(f"#session-{first.pk}").get_by_role("link", name="Close without saving").click()
    page.locator(f"#session-{first.pk} form.session-edit-form").wait_for(state="detached")

    # A guest presenter with affiliation, as lead of Topic I.
    talk = first.talks.get(position=1)
    item = page.locator(f"#talk-{talk.pk}")
    item.get_by_text("Add presenter").click()
    item.get_by_label("…or a new guest").fill("Mingxuan Liu")
    item.get_by_label("Affiliation").fill("Northwestern Polytechnical University")
    item.get_by_label("Role").select_option("lead")
    item.get_by_role("button", name="Assign").click()
    page.locator(f"#talk-{talk.pk} .organiser-presenters").get_by_text("Mingxuan Liu").wait_for()
    row_text = page.locator(f"#session-{first.pk}").inner_text()
    assert "No lead presenter." not in page.locator(f"#talk-{talk.pk}").inner_text()
    assert "(Northwestern Polytechnical University)" in row_text
    lead = Presenter.objects.get(talk=talk)
    assert (lead.role, lead.person.affiliation, lead.person.user) == (
        "lead",
        "Northwestern Polytechnical University",
        None,
    )
    screenshot(page, "organiser-dashboard-after-edits")


def test_import_a_readme_with_a_preview(page, login, screenshot, organiser, fixtures_dir):
    login(page, organiser)
    page.goto("/organise/import/")
    page.get_by_label("README file (.md)").set_input_files(
        str(fixtures_dir / "schedule-2025-fall.md")
    )
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name=re.compile("Preview")).wait_for()
    assert not Session.objects.exists()
    assert page.get_by_text("Nothing has been saved yet").is_visible()
    assert "DiffKV" in page.content()
    screenshot(page, "organiser-import-preview")

    page.get_by_role("button", name=re.compile("^Import")).click()
    page.wait_for_url("**/organise/terms/**")
    term = Term.objects.get()
    assert term.name == "2025 Fall"
    assert term.sessions.count() > 10
    assert "DiffKV" in page.content()
    screenshot(page, "organiser-imported-term")
