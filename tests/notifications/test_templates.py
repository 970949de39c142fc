"""Mail templates: organisers override one kind's subject and text, restore the default; the
template sees only the context given, and cannot put HTML into a mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from notifications import kinds
from notifications.models import MailTemplate
from notifications.rendering import MailTemplateError, default_source, render, render_source
from notifications.samples import sample_context
from sessions import signups
from tests.conftest import FROZEN_NOW

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_every_kind_has_a_default_that_renders(kind):
    rendered = render(kind, sample_context(kind))
    assert rendered.subject and "\n" not in rendered.subject
    assert "Ada Lovelace" in rendered.text or kind.startswith("organiser_")
    assert "{{" not in rendered.text and "{%" not in rendered.text


def test_an_override_is_used_and_the_default_restored(commit, client, organiser, people, talk):
    client.force_login(organiser)
    url = reverse("notifications:template", kwargs={"kind": kinds.SIGNUP_RECEIVED})
    assert "The default is in use" in client.get(url).content.decode()
    response = client.post(
        url, {"subject": "Got it, {{ name }}", "body": "Thanks {{ name }} for {{ talk_title }}."}
    )
    assert response.status_code == 302
    commit(signups.sign_up, talk, people["alice"], "lead")
    email = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert email.subject == "Got it, Alice"
    assert email.body.startswith(f"Thanks Alice for {talk.display_title}.")
    client.post(reverse("notifications:template_restore", kwargs={"kind": kinds.SIGNUP_RECEIVED}))
    assert not MailTemplate.objects.exists()
    assert render(kinds.SIGNUP_RECEIVED, sample_context(kinds.SIGNUP_RECEIVED)).subject.startswith(
        "Sign-up received"
    )


@pytest.mark.parametrize(
    "body",
    [
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% load static %}",
        "{% debug %}",
        "{% if %}",
    ],
)
def test_templates_that_reach_outside_their_context_are_refused(client, organiser, body):
    client.force_login(organiser)
    url = reverse("notifications:template", kwargs={"kind": kinds.REMINDER})
    response = client.post(url, {"subject": "Hi", "body": body})
    assert response.status_code == 200
    assert "template" in response.content.decode().lower()
    assert not MailTemplate.objects.exists()


def test_the_template_sees_no_settings_or_objects():
    text = render_source("[{{ settings.SECRET_KEY }}][{{ request }}][{{ user.password }}]", {})
    assert text == "[][][]"


def test_a_broken_override_falls_back_to_the_default():
    MailTemplate.objects.create(kind=kinds.REMINDER, subject="Hi", body="{% include 'x.html' %}")
    rendered = render(kinds.REMINDER, sample_context(kinds.REMINDER))
    assert rendered.subject == default_subject()


def default_subject() -> str:
    return render_source(default_source(kinds.REMINDER).subject, sample_context(kinds.REMINDER))


def test_html_is_the_escaped_text():
    context = {**sample_context(kinds.ASSIGNED), "talk_title": '<img src=x onerror="alert(1)">'}
    rendered = render(kinds.ASSIGNED, context)
    assert "<img" not in rendered.html and "&lt;img" in rendered.html
    assert '<img src=x onerror="alert(1)">' in rendered.text
    assert '<a href="https://rg.example.org/me/"' in rendered.html


def test_compile_errors_say_what_is_wrong():
    with pytest.raises(MailTemplateError, match="does not compile"):
        render_source("{% for %}", {})
