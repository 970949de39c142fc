"""Mail text from templates, rendered so that an organiser's template sees only what we give it.

Every kind's subject and text is a Django template: the default is a file next to this module
(translatable: {% translate %} / {% blocktranslate %}), an organiser's override is a
MailTemplate row. Both go through the same two engines below, which have no template loaders
(so {% include %} / {% extends %} find nothing), only the i18n library to {% load %}, and a
context of plain strings (no model instance, so no attribute to wander through). {% debug %}
is refused when a template is saved and again when it renders.

The HTML alternative is not a second template: it is the rendered text, escaped, with its
links made clickable and its paragraphs kept (layout.html, autoescaped). So a name or title
with markup in it, or an organiser's template, can never put HTML into a mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.defaulttags import DebugNode
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import MailTemplate

MAIL_TEMPLATES = Path(__file__).parent / "templates" / "notifications" / "mail"

TEXT_ENGINE = Engine(autoescape=False, loaders=[], libraries={"i18n": "django.templatetags.i18n"})


class MailTemplateError(ValueError):
    """A template that does not compile or render; the message says where."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Source:
    subject: str
    body: str
    overridden: bool


def default_source(kind: str) -> Source:
    subject = (MAIL_TEMPLATES / f"{kind}.subject.txt").read_text(encoding="utf-8")
    body = (MAIL_TEMPLATES / f"{kind}.txt").read_text(encoding="utf-8")
    return Source(subject=subject.strip(), body=body, overridden=False)


def source_for(kind: str) -> Source:
    override = MailTemplate.objects.filter(kind=kind).first()
    if override is not None:
        return Source(subject=override.subject, body=override.body, overridden=True)
    return default_source(kind)


def compile_template(source: str) -> Template:
    try:
        template = TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        message = _("The template does not compile: %(error)s") % {"error": exc}
        raise MailTemplateError(message) from exc
    if template.nodelist.get_nodes_by_type(DebugNode):
        raise MailTemplateError(_("{%% debug %%} is not allowed in a mail template."))
    return template


def render_source(source: str, context: dict[str, object]) -> str:
    template = compile_template(source)
    try:
        return template.render(Context(context, autoescape=False))
    except Exception as exc:  # a broken override must not lose the mail: the caller decides
        message = _("The template does not render: %(error)s") % {"error": exc}
        raise MailTemplateError(message) from exc


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:300]


def mail_language() -> str:
    """Mails are written in the group's language (the site's default)."""
    return settings.LANGUAGE_CODE


def render(kind: str, context: dict[str, object], footer: str = "") -> Rendered:
    """Subject, text and HTML of one mail of `kind` (the override if organisers made one).

    A broken override falls back to the default, so an event still tells people.
    """
    with translation.override(mail_language()):
        source = source_for(kind)
        try:
            subject = render_source(source.subject, context)
            body = render_source(source.body, context)
        except MailTemplateError:
            if not source.overridden:
                raise
            fallback = default_source(kind)
            subject = render_source(fallback.subject, context)
            body = render_source(fallback.body, context)
        return compose(one_line(subject), body, footer)


def compose(subject: str, body: str, footer: str = "") -> Rendered:
    """The stored form of a mail: text with its footer, and the HTML made from that text."""
    body = body.strip("\n")
    text = f"{body}\n\n-- \n{footer.strip()}\n" if footer.strip() else f"{body}\n"
    with translation.override(mail_language()):
        html = render_to_string(
            "notifications/mail/layout.html",
            {"subject": subject, "body": body, "footer": footer.strip()},
        )
    return Rendered(subject=subject, text=text, html=html)
