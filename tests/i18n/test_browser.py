"""The language switcher in Chromium: the browser's language is the default, the header's button
switches (no JavaScript needed, signed in or not) and the choice sticks."""

from __future__ import annotations

import pytest

from tests.members.conftest import make_talk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_switches_to_chinese_and_back(page, screenshot):
    make_talk(days=10)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Schedule", exact=True).is_visible()

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="日程").is_visible()
    assert nav.get_by_role("link", name="论文").is_visible()
    page.get_by_role("heading", name="下次组会").wait_for()
    assert "登录后报名" in page.locator("#schedule").inner_text()
    assert "年" in page.locator(".session-card time").first.inner_text()
    screenshot(page, "i18n-schedule-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "i18n-schedule-zh-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The cookie keeps it on the next page (a cached page too), until switched back.
    page.goto("/papers/")
    page.get_by_role("heading", name="论文").wait_for()
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Papers").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"


def test_chinese_browser_gets_chinese_and_a_member_can_switch(browser, live_server, login, member):
    make_talk(days=10)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.get_by_role("heading", name="下次组会").wait_for()

        login(page, member)  # signed in: the form carries the CSRF token
        page.goto("/")
        page.get_by_role("button", name="退出登录").wait_for()
        page.get_by_role("button", name="English").click()
        page.get_by_role("button", name="Sign out").wait_for()
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()


def test_an_organiser_reads_the_admin_in_chinese(page, login, organiser, live_server, screenshot):
    from tests.factories import PaperFactory, TopicFactory

    paper = PaperFactory(title="论文甲", system_name="系统甲", arxiv_id="2412.03131")
    paper.topics.add(TopicFactory(name="存储"))
    login(page, organiser)
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": live_server.url}]
    )
    page.goto("/admin/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    catalogue = page.locator("#content-main").get_by_role("table", name="论文库")
    assert catalogue.get_by_role("link", name="论文集").is_visible()
    assert page.locator("#content-main").get_by_role("table", name="日程").is_visible()
    assert "Paper catalogue" not in page.locator("#content-main").inner_text()
    screenshot(page, "admin-index-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "admin-index-zh-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/admin/papers/paper/")
    page.get_by_role("heading", name="选择 论文 来修改").wait_for()
    assert page.get_by_role("option", name="获取 arXiv 元数据").count() == 1
    screenshot(page, "admin-papers-zh")
    page.goto(f"/admin/papers/paper/{paper.pk}/change/")
    page.get_by_role("heading", name="归属与分类").wait_for()
    assert page.get_by_text("系统名:").is_visible()
    screenshot(page, "admin-paper-zh")
