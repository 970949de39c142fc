"""The admin in zh-hans: the index, every changelist and add form of the project's models, and
a paper's change form name our apps, models, fields, fieldsets, filters and actions in Chinese,
and show no English text of the site's catalogue (Django translates its own)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.conftest import FROZEN_NOW
from tests.i18n.test_pages import english_msgids
from tests.i18n.texts import shown_texts

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]

OUR_APPS = {"accounts", "notifications", "papers", "planner", "schedule"}
# Django's admin writes the search icon's alt text untranslated (admin/search_form.html).
DJANGO_UNTRANSLATED = {"Search"}


# Names that read the same in Chinese.
SAME_IN_CHINESE = {"ID", "DOI"}


def test_every_model_and_field_of_ours_has_a_chinese_name():
    untranslated = []
    for config in apps.get_app_configs():
        if config.label not in OUR_APPS:
            continue
        untranslated += [config.label] if _same(config.verbose_name) else []
        for model in config.get_models():
            meta = model._meta
            for text in (meta.verbose_name, meta.verbose_name_plural):
                if _same(text):
                    untranslated.append(f"{meta.label}: {text}")
            for field in meta.get_fields():
                if field.auto_created:
                    continue  # the automatic id, reverse relations
                if _same(field.verbose_name):
                    untranslated.append(f"{meta.label}.{field.name}: {field.verbose_name}")
    assert untranslated == []


def _same(text) -> bool:
    with translation.override("en"):
        english = str(text)
    with translation.override("zh-hans"):
        chinese = str(text)
    return english == chinese and english not in SAME_IN_CHINESE


def our_models() -> list:
    return [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def names(model, language: str) -> set[str]:
    with translation.override(language):
        meta = model._meta
        return {str(meta.verbose_name_plural), str(meta.verbose_name).capitalize()} | {
            str(meta.verbose_name_plural).capitalize()
        }


@pytest.fixture
def chinese_admin(db):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(superuser)
    # One row of each list, named so that no name is a word of the catalogue.
    paper = factories.PaperFactory(title="论文甲", system_name="系统甲", arxiv_id="2412.03131")
    paper.topics.add(factories.TopicFactory(name="存储"))  # an area: the area filter shows
    talk = factories.TalkFactory(paper=paper, title="报告甲")
    factories.PresenterFactory(talk=talk, person=factories.PersonFactory(name="成员甲"))
    return client, paper


def page(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Language"] == "zh-hans", url
    return shown_texts(response.content.decode())


def test_the_admin_index_names_our_apps_and_models_in_chinese(chinese_admin):
    client, _paper = chinese_admin
    texts = set(page(client, reverse("admin:index")))
    models = our_models()
    assert len(models) >= 9
    for model in models:
        with translation.override("zh-hans"):
            chinese = str(model._meta.verbose_name_plural).capitalize()
            app = str(model._meta.app_config.verbose_name)
        assert chinese in texts, model
        assert app in texts, model
        assert not names(model, "en") & texts, model
    for english in ("Paper catalogue", "Schedule", "Papers", "Talks", "People", "Acronyms"):
        assert english not in texts


def test_every_changelist_and_add_form_of_ours_shows_no_english_catalogue_string(chinese_admin):
    client, paper = chinese_admin
    english = english_msgids() - DJANGO_UNTRANSLATED
    problems = {}
    urls = [reverse("admin:index")]
    for model in our_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    urls.append(reverse("admin:papers_paper_change", args=[paper.pk]))
    for url in urls:
        left = sorted({text for text in page(client, url) if text in english})
        if left:
            problems[url] = left
    assert problems == {}


def test_a_paper_s_change_form_labels_fields_and_fieldsets_in_chinese(chinese_admin):
    client, paper = chinese_admin
    texts = set(page(client, reverse("admin:papers_paper_change", args=[paper.pk])))
    for chinese in (
        "系统名",
        "归属与分类",
        "编号",
        "arXiv 元数据",
        "编号（arXiv）",  # noqa: RUF001 (Chinese brackets)
        "获取状态",
        "论文链接",
    ):
        assert any(chinese in text for text in texts), chinese
    for english in (
        "System name",
        "Where it sits",
        "Identifiers",
        "arXiv metadata",
        "Fetch status",
    ):
        assert not any(english in text for text in texts), english
    listing = set(page(client, reverse("admin:papers_paper_changelist")))
    assert "获取 arXiv 元数据" in listing  # the action
    assert "领域" in " ".join(listing)  # the area filter
    assert "Fetch arXiv metadata" not in listing
