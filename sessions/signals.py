"""Bump the schedule's version whenever something the public pages show is saved or deleted.

Saves are also seen by the cache key's aggregates (row counts and newest `updated_at`), which
catch bulk_create and queryset updates that set `updated_at`; deletes only move the version's
`changed_at`, which is what Last-Modified needs. Papers are the catalogue's: only a paper that
is on the schedule moves the version (its title and ids show there). Code that changes these
rows with queryset.update() without setting `updated_at` should call schedule_changed().
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete

from papers.models import Paper
from sessions import deletion
from sessions.caching import schedule_changed
from sessions.models import Person, Presenter, Session, Talk, Term

_SCHEDULE_MODELS = (Term, Session, Talk, Presenter, Person)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the fixture's own rows, not an edit
    schedule_changed()


def _paper_changed(sender, instance: Paper, created: bool = False, **kwargs) -> None:
    if kwargs.get("raw") or created:
        return  # a new paper is on no talk yet
    if Talk.objects.filter(paper_id=instance.pk).exists():
        schedule_changed()


def connect() -> None:
    for model in _SCHEDULE_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"schedule-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"schedule-delete-{model.__name__}"
        )
    post_save.connect(_paper_changed, sender=Paper, dispatch_uid="schedule-save-Paper")
    # A deleted paper leaves its talks with SET NULL, which no timestamp records.
    post_delete.connect(_changed, sender=Paper, dispatch_uid="schedule-delete-Paper")
    pre_delete.connect(deletion.paper_deleting, sender=Paper, dispatch_uid="keep-talks-of-Paper")
    post_delete.connect(deletion.talk_deleted, sender=Talk, dispatch_uid="slides-file-of-Talk")
