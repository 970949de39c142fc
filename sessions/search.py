"""The schedule's part of search: each talk with slides text is a document of the catalogue's
search index (papers/search/), named by its talk and session. Talk and session saves keep it
current; the index lives in papers so that the catalogue search needs no sessions import."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.utils.formats import date_format
from django.utils.translation import gettext

from papers.search import index
from sessions.models import Session, Talk, Term


def talk_label(talk: Talk) -> str:
    """ "Topic I · Tue 2 Dec 2025 · 2025 Fall": which talk, which session."""
    session = talk.session
    return " · ".join(
        [
            gettext("Topic %(number)s") % {"number": talk.roman_position},
            date_format(session.date, "D j M Y"),
            session.term.name,
        ]
    )


def index_talk(talk: Talk) -> None:
    index.put_slides(
        talk.pk,
        paper_id=talk.paper_id,
        title=talk.display_title,
        label=talk_label(talk),
        url=talk.session.get_absolute_url(),
        text=talk.slides_text,
    )


# What a talk's document is made of (index_talk): a save of other fields leaves it as it is.
_INDEXED_FIELDS = {"slides_text", "paper", "paper_id", "title", "position", "session", "session_id"}


def _talk_saved(
    sender, instance: Talk, raw: bool = False, created: bool = False, update_fields=None, **kwargs
) -> None:
    if raw or (update_fields is not None and not _INDEXED_FIELDS & set(update_fields)):
        return
    if not instance.slides_text:
        # Nothing to index; only a save that may have removed the slides text looks further.
        if not created and (update_fields is None or "slides_text" in update_fields):
            index.remove_slides(instance.pk)
        return
    index_talk(instance)


def _talk_deleted(sender, instance: Talk, **kwargs) -> None:
    index.remove_slides(instance.pk)


def _session_saved(sender, instance: Session, raw: bool = False, **kwargs) -> None:
    # A moved date or renamed term changes the label and address of the session's talks.
    if not raw:
        talks = Talk.objects.filter(session=instance).exclude(slides_text="")
        for talk in talks.select_related("session__term", "paper"):
            index_talk(talk)


def _term_saved(sender, instance: Term, raw: bool = False, **kwargs) -> None:
    if not raw:
        talks = Talk.objects.filter(session__term=instance).exclude(slides_text="")
        for talk in talks.select_related("session__term", "paper"):
            index_talk(talk)


def connect() -> None:
    post_save.connect(_talk_saved, sender=Talk, dispatch_uid="search-talk-save")
    post_delete.connect(_talk_deleted, sender=Talk, dispatch_uid="search-talk-delete")
    post_save.connect(_session_saved, sender=Session, dispatch_uid="search-session-save")
    post_save.connect(_term_saved, sender=Term, dispatch_uid="search-term-save")
