"""Every HTML page of the app (tests/test_permissions.py's URL table), rendered in zh-hans for
each role allowed to see it, shows no English string of the site's catalogue: every wrapped
string is translated when the page renders (not frozen at import time, not left out)."""

from __future__ import annotations

import polib
import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Person
from tests.conftest import FROZEN_NOW
from tests.i18n.test_catalogue import PO
from tests.i18n.texts import shown_texts
from tests.test_permissions import ROLES, TABLE, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.time_machine(FROZEN_NOW)


def english_msgids() -> set[str]:
    """The catalogue's English texts that read differently in Chinese, as a page shows them."""
    texts = set()
    for entry in polib.pofile(str(PO)):
        if entry.msgid_plural or "%" in entry.msgid or "<" in entry.msgid:
            continue
        if entry.msgstr != entry.msgid:
            texts.add(" ".join(entry.msgid.replace("&amp;", "&").split()))
    return texts


def pages():
    for method, name, key, _data, expected in TABLE:
        if method != "GET":
            continue
        for role in ROLES:
            if expected[role] == 200:
                yield name, key, role


@pytest.mark.django_db
def test_every_page_in_chinese_shows_no_english_catalogue_string(world):  # noqa: F811
    english = english_msgids()
    # The world's people are called "Lead", "Other"...: words of the catalogue, not of a page.
    for person in Person.objects.all():
        person.name = f"成员{person.pk}"
        person.save(update_fields=["name"])
    english -= {user.get_username() for user in world.users.values()}  # "lead" is a username
    problems = {}
    checked = 0
    for name, key, role in pages():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(reverse(name, kwargs=world.kwargs(key)))
        if not response["Content-Type"].startswith("text/html"):
            continue
        assert response.status_code == 200, (name, role)
        assert response["Content-Language"] == "zh-hans", name
        html = response.content.decode()
        checked += 1
        if "<html" in html:
            assert '<html lang="zh-hans">' in html, name
        left = sorted({text for text in shown_texts(html) if text in english})
        if left:
            problems[f"{name} as {role}"] = left
    assert checked > 20
    assert problems == {}
