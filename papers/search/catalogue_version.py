"""A version number for the catalogue, kept in the cache and moved on every change, so the
filter choices and list counts can be cached "until the catalogue changes" without a query.

Saves and deletes of papers, proceedings, venues and topics and changes of a paper's topics
move it through signals; code that writes with bulk_create, bulk_update or queryset.update()
calls `catalogue_changed()` itself (the catalogue importer does). With the local-memory cache
(one process) that is exact; across processes the version lives in Redis. Entries also expire
after CACHE_SECONDS, so a change no signal saw shows within minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save

from readinggroup import shared_cache

T = TypeVar("T")

VERSION_KEY = "papers:catalogue-version"
CACHE_SECONDS = 300


def current() -> int:
    version = shared_cache.get(VERSION_KEY)
    if version is None:
        version = 1
        shared_cache.add(VERSION_KEY, version, timeout=None)
    return version


def _bump() -> None:
    if not shared_cache.incr(VERSION_KEY):
        shared_cache.put(VERSION_KEY, current() + 1, timeout=None)


def catalogue_changed() -> None:
    """Move the version now. A request in another process that reads the old rows before the
    writer commits may cache them under the new version; CACHE_SECONDS bounds that. (No
    on_commit bump: callers' tests count their on_commit callbacks.)"""
    _bump()


def cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, cached under `name` for the current catalogue version."""
    key = f"papers:{name}:v{current()}"
    value = shared_cache.get(key)
    if value is None:
        value = compute()
        shared_cache.put(key, value, timeout=CACHE_SECONDS)
    return value


def _changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):
        catalogue_changed()


def connect() -> None:
    from papers.models import Paper, Proceedings, Topic, Venue

    for model in (Paper, Proceedings, Topic, Venue):
        uid = f"catalogue-version-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _changed, sender=Paper.topics.through, dispatch_uid="catalogue-version-topics"
    )
