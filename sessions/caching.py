"""Cache the public schedule pages for anonymous visitors, keyed on the schedule's last change.

`schedule_state()` reads, in one query, the version row the signals bump (it moves on deletes
too) plus, per schedule table, its row count and newest `updated_at` (indexed), which move on
bulk_create and on queryset updates that set `updated_at`, as the sign-up code does. Its token
keys the cache and the ETag; the newest of those timestamps is Last-Modified. A paper shown on
the schedule bumps the version when it is saved or deleted (sessions/signals.py).

The pages also change with the date (the next session moves on), so today's date is part of
the token and Last-Modified is never earlier than today's midnight.

Signed-in visitors always get a fresh render: their pages carry their own sign-up buttons.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

CACHE_SECONDS = 24 * 60 * 60
# Headers a cached response keeps (the body's own; never Set-Cookie).
_KEPT_HEADERS = ("Content-Disposition", "Content-Language", "Access-Control-Allow-Origin")


@dataclass(frozen=True)
class ScheduleState:
    token: str
    last_modified: datetime.datetime


def schedule_changed() -> None:
    """Bump the version once the current transaction commits (at once outside a transaction).

    After the commit, so that no transaction holds the version row's lock while it works
    (two sign-ups would queue on it, or deadlock with their own row locks); once per
    atomic block, however many rows it saves.
    """
    connection = transaction.get_connection()
    # Entries are (savepoint ids when registered, callback, robust); one per block suffices.
    block = set(connection.savepoint_ids)
    if connection.in_atomic_block and any(
        entry[1] is bump_schedule_version and entry[0] == block
        for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(bump_schedule_version)


def bump_schedule_version() -> None:
    """Record a change to the schedule now (see schedule_changed for the usual way)."""
    from sessions.models import ScheduleVersion

    now = timezone.now()
    updated = ScheduleVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not updated:
        ScheduleVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})


@functools.cache
def _state_sql() -> str:
    from sessions.models import Person, Presenter, ScheduleVersion, Session, Talk, Term

    quote = connection.ops.quote_name
    version = quote(ScheduleVersion._meta.db_table)
    parts = [
        f"(SELECT version FROM {version} WHERE id = 1)",
        f"(SELECT changed_at FROM {version} WHERE id = 1)",
    ]
    for model in (Term, Session, Talk, Presenter, Person):
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT MAX(updated_at) FROM {table})")
    return "SELECT " + ", ".join(parts)


def _as_datetime(value) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is None:
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def schedule_state(today: datetime.date | None = None) -> ScheduleState:
    """The schedule's current version: one query."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_state_sql())
        row = cursor.fetchone()
    midnight = timezone.make_aware(
        datetime.datetime.combine(today, datetime.time.min), timezone.get_default_timezone()
    )
    stamps = [_as_datetime(value) for index, value in enumerate(row) if index in _STAMP_COLUMNS]
    last_modified = max([midnight, *(stamp for stamp in stamps if stamp is not None)])
    raw = "|".join(str(value) for value in row) + f"|{today.isoformat()}"
    token = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]
    return ScheduleState(token=token, last_modified=last_modified)


# Columns of the state row that hold timestamps: the version's changed_at and each table's
# newest updated_at.
_STAMP_COLUMNS = frozenset({1, 3, 5, 7, 9, 11})


def _has_pending_messages(request: HttpRequest) -> bool:
    # len() loads the stored messages without marking them used; the fresh render shows them.
    return len(get_messages(request)) > 0


def _variant(request: HttpRequest) -> str:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return "fragment"
    return "page"


def schedule_cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs from the cache and answer repeat visits with 304.

    The view must render the same bytes for the same URL, HX-Request and schedule state.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated or _has_pending_messages(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            patch_vary_headers(response, ["HX-Request", "Cookie"])
            return response

        state = schedule_state()
        variant = _variant(request)
        key_source = f"{view.__module__}.{view.__name__}|{variant}|{request.get_full_path()}"
        digest = hashlib.sha1(
            f"{key_source}|{state.token}".encode(), usedforsecurity=False
        ).hexdigest()
        etag = f'"{digest[:32]}"'
        last_modified = state.last_modified.timestamp()

        not_modified = get_conditional_response(
            request, etag=etag, last_modified=int(last_modified)
        )
        if not_modified is not None:
            _finish(not_modified, etag, last_modified)
            return not_modified

        cache_key = f"schedule-page:{digest}"
        cached = cache.get(cache_key)
        if cached is not None:
            response = HttpResponse(cached["content"], content_type=cached["content_type"])
            for header, value in cached["headers"].items():
                response[header] = value
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                cache.set(
                    cache_key,
                    {
                        "content": response.content,
                        "content_type": response["Content-Type"],
                        "headers": {h: response[h] for h in _KEPT_HEADERS if h in response},
                    },
                    CACHE_SECONDS,
                )
        if response.status_code == 200:
            _finish(response, etag, last_modified)
        return response

    return wrapper


def _finish(response: HttpResponse, etag: str, last_modified: float) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Revalidate every time: a 304 costs one small query and no rendering.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["HX-Request", "Cookie"])
