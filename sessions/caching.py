"""Cache the public schedule pages for anonymous visitors, keyed on the schedule's last change.

`schedule_state()` reads, in one query of primary-key and index lookups, the version row the
signals bump (it moves on deletes too) plus, per schedule table, its newest `id` and newest
`updated_at`, which move on bulk_create and on queryset updates that set `updated_at`, as the
sign-up code does. Its token keys the cache and the ETag; the newest of those timestamps is
Last-Modified. The cache keeps that row for STATE_SECONDS and a bump drops it, so a cache
hit or a 304 usually costs no query at all. A paper shown on the schedule bumps the
version when it is saved or deleted (sessions/signals.py).

The pages also change with the date (the next session moves on), so today's date is part of
the token and Last-Modified is never earlier than today's midnight.

Once a page has been rendered, it is answered even earlier: `EarlyPageCacheMiddleware`, right
after SecurityMiddleware, computes the same validators (`_validators`) and returns the 304, or
the cached body with the headers the CSP, permissions-policy, frame and locale middleware gave
it the first time, before any of that middleware runs again.

Two ways in, one code path (`_serve`): `PublicPageCacheMiddleware`, placed before the session,
auth and message middleware, answers anonymous visitors (no session or messages cookie) from
the cache or with a 304 before any of that work; the `schedule_cached` decorator on each view
covers whoever the middleware let through (a stale session cookie, say). Signed-in visitors
and visitors with a pending message always get a fresh render: their pages are their own.

The cache is an optimisation: when it fails (Redis down), the error is logged and the page is
rendered as if nothing were cached.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag

from readinggroup import shared_cache

CACHE_SECONDS = 24 * 60 * 60
# How long the cache keeps the schedule's state row (see schedule_state).
STATE_SECONDS = 2
_STATE_KEY = "schedule-state"
# Headers a cached response keeps (the body's own; never Set-Cookie).
_KEPT_HEADERS = (
    "Content-Disposition",
    "Content-Language",
    "Access-Control-Allow-Origin",
    "Link",
)
# The request attribute that tells the view's decorator the middleware is serving this request.
_SERVED_FLAG = "_schedule_cache_serving"


# --- Recording a change ---------------------------------------------------------------------


class _Bump:
    """One pending version bump, registered with on_commit by the block it belongs to.

    Django drops the callbacks of a rolled-back transaction or savepoint, which frees this
    object; the weak reference below then tells `schedule_changed` to register a new one.
    """

    done = False

    def __init__(self, block: tuple) -> None:
        self.block = block

    def __call__(self) -> None:
        self.done = True
        bump_schedule_version()


_pending = threading.local()


def schedule_changed() -> None:
    """Bump the version once the current transaction commits (at once outside a transaction).

    After the commit, so that no transaction holds the version row's lock while it works
    (two sign-ups would queue on it, or deadlock with their own row locks); once per
    atomic block, however many rows it saves.
    """
    # At once, so that this process's next read (the page after an edit) sees the change
    # through the tables' updated_at; the bump after the commit drops it again.
    shared_cache.delete(_STATE_KEY)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        bump_schedule_version()
        return
    block = tuple(connection.savepoint_ids)
    ref = getattr(_pending, "bump", None)
    pending = ref() if ref is not None else None
    if pending is not None and not pending.done and pending.block == block:
        return
    bump = _Bump(block)
    _pending.bump = weakref.ref(bump)
    transaction.on_commit(bump)


def bump_schedule_version() -> None:
    """Record a change to the schedule now (see schedule_changed for the usual way)."""
    from sessions.models import ScheduleVersion

    now = timezone.now()
    updated = ScheduleVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not updated:
        ScheduleVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    # Drop the cached state, so that the next request reads the new one (see schedule_state);
    # dropping rather than writing it keeps a write path's query count as it was.
    shared_cache.delete(_STATE_KEY)


# --- Reading the state ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleState:
    token: str
    last_modified: datetime.datetime


def _tables() -> dict[str, str]:
    from sessions.models import Person, Presenter, Session, Talk, Term

    # Keyed by _meta.model_name, the class name in lower case (which django-stubs types as
    # optional: it is set once the class is made).
    return {
        model.__name__.lower(): model._meta.db_table
        for model in (Term, Session, Talk, Presenter, Person)
    }


@functools.cache
def _state_sql() -> str:
    from sessions.models import ScheduleVersion

    quote = connection.ops.quote_name
    version = quote(ScheduleVersion._meta.db_table)
    columns = [
        f"(SELECT version FROM {version} WHERE id = 1) AS version",
        f"(SELECT changed_at FROM {version} WHERE id = 1) AS changed_at",
    ]
    for name, table in _tables().items():
        # Both are index lookups: the primary key and the updated_at index.
        columns.append(f"(SELECT MAX(id) FROM {quote(table)}) AS {name}_last_id")
        columns.append(f"(SELECT MAX(updated_at) FROM {quote(table)}) AS {name}_updated_at")
    return "SELECT " + ", ".join(columns)


def _as_datetime(value) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands raw timestamps back as text
        value = parse_datetime(value)
        if value is None:
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _read_state() -> tuple[str, datetime.datetime | None]:
    """The state row as text, and its newest timestamp: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_state_sql())
        names = [column[0].lower() for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    stamps = [_as_datetime(row["changed_at"])]
    stamps += [_as_datetime(row[f"{name}_updated_at"]) for name in _tables()]
    newest = max((stamp for stamp in stamps if stamp is not None), default=None)
    return "|".join(f"{name}={row[name]}" for name in sorted(row)), newest


def schedule_state(today: datetime.date | None = None) -> ScheduleState:
    """The schedule's current version: no query while the cache holds it, else one.

    The cache keeps the state row for STATE_SECONDS and a version bump drops it, so
    with a shared cache (Redis) every worker sees a change at once. A per-process cache (the
    embedded default's local memory) cannot be told by another worker: there a change shows
    within STATE_SECONDS, as does a bulk write that bumps no version (read from the tables'
    newest ids and updated_at when the cached row expires).
    """
    today = today or timezone.localdate()
    state = shared_cache.get(_STATE_KEY)
    if state is None:
        state = _read_state()
        shared_cache.put(_STATE_KEY, state, STATE_SECONDS)
    raw, newest = state
    return _state_of(raw, newest, today, timezone.get_default_timezone())


# The same row, day and zone give the same state: every request but the first after a change
# (or at midnight) skips the hashing and the date arithmetic.
@functools.lru_cache(maxsize=64)
def _state_of(
    raw: str, newest: datetime.datetime | None, today: datetime.date, zone: datetime.tzinfo
) -> ScheduleState:
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min), zone)
    last_modified = max(midnight, newest) if newest is not None else midnight
    text = f"{raw}|{today.isoformat()}"
    token = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]
    return ScheduleState(token=token, last_modified=last_modified)


# --- Serving --------------------------------------------------------------------------------


def _is_fragment(request: HttpRequest) -> bool:
    # What django-htmx's HtmxDetails reads (bool() and history_restore_request), from META:
    # request.headers would build a dict of every header, a good part of a 304's cost.
    meta = request.META
    return (
        meta.get("HTTP_HX_REQUEST") == "true"
        and meta.get("HTTP_HX_HISTORY_RESTORE_REQUEST") != "true"
    )


def _keep_only(request: HttpRequest, params: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Drop the query parameters the page does not read, so that what it renders (a sign-in
    link's `next`, say) depends only on the cache key."""
    if not request.META.get("QUERY_STRING"):
        return []  # most requests: no QueryDict to parse
    kept = [(name, request.GET.getlist(name)) for name in params if name in request.GET]
    if len(kept) != len(request.GET):
        query = QueryDict(mutable=True)
        for name, values in kept:
            query.setlist(name, values)
        query_string = query.urlencode()
        request.GET = QueryDict(query_string)  # immutable, like Django's own
        request.META["QUERY_STRING"] = query_string
    return kept


def _validators(
    request: HttpRequest, view_name: str, params: tuple[str, ...], language: str | None = None
) -> tuple[str, ScheduleState]:
    """The page's cache key digest (its ETag) and the schedule state, for `language` (by
    default the active one)."""
    state = schedule_state()
    kept = _keep_only(request, params)
    variant = "fragment" if _is_fragment(request) else "page"
    # The host too: the exports write absolute links. The language LocaleMiddleware activated
    # (cookie or Accept-Language) picks the page's words and dates.
    language = language or translation.get_language()
    where = f"{request.get_host()}{request.path}"
    return _digest(f"{view_name}|{variant}|{language}|{where}|{kept!r}|{state.token}"), state


@functools.lru_cache(maxsize=1024)
def _digest(key_source: str) -> str:
    return hashlib.sha1(key_source.encode(), usedforsecurity=False).hexdigest()[:32]


def _page_key(digest: str) -> str:
    return f"schedule-page:{digest}"


def _revalidate_headers(response: HttpResponse) -> None:
    # Revalidate every time: a 304 costs no rendering (and no query while the state is cached).
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["HX-Request", "Cookie", "Accept-Language"])


def _serve(
    request: HttpRequest,
    view_name: str,
    params: tuple[str, ...],
    render: Callable[[HttpRequest], HttpResponse],
) -> HttpResponse:
    digest, state = _validators(request, view_name, params)
    cache_key = _page_key(digest)

    def respond(request: HttpRequest) -> HttpResponse:
        cached = shared_cache.get(cache_key)
        if cached is not None:
            response = HttpResponse(cached["content"], content_type=cached["content_type"])
            for header, value in cached["headers"].items():
                response[header] = value
            return response
        response = render(request)
        # The validators are the schedule state's (the syndication view sets its own).
        for header in ("ETag", "Last-Modified"):
            if response.has_header(header):
                del response[header]
        # A response that sets a cookie (a CSRF token, say) belongs to one visitor.
        if response.status_code == 200 and not response.streaming and not response.cookies:
            shared_cache.put(
                cache_key,
                {
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "headers": {h: response[h] for h in _KEPT_HEADERS if h in response},
                },
                CACHE_SECONDS,
            )
        return response

    # What django.views.decorators.http.condition does, without building a decorator per request.
    etag = quote_etag(digest)
    last_modified = int(state.last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = respond(request)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(last_modified)
    if not response.has_header("ETag"):
        response["ETag"] = etag
    if response.status_code in (200, 304):
        _revalidate_headers(response)
        if not response.streaming and not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
    else:  # an error page is never revalidated against the schedule's version
        for header in ("ETag", "Last-Modified"):
            if response.has_header(header):
                del response[header]
    return response


def _has_pending_messages(request: HttpRequest) -> bool:
    # len() loads the stored messages without marking them used; the fresh render shows them.
    return len(get_messages(request)) > 0


def schedule_cached(
    view: Callable[..., HttpResponse] | None = None, *, params: Iterable[str] = ()
) -> Callable:
    """Serve anonymous GETs from the cache and answer repeat visits with 304.

    `params` names the query parameters the view reads; the others are dropped before it
    renders and are not part of the cache key. The view must render the same bytes for the
    same path, parameters, HX-Request and schedule state.
    """
    if view is None:
        return functools.partial(schedule_cached, params=params)
    kept = tuple(params)
    view_name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, _SERVED_FLAG, False) or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated or _has_pending_messages(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            patch_vary_headers(response, ["HX-Request", "Cookie"])
            return response
        return _serve(request, view_name, kept, lambda r: view(r, *args, **kwargs))

    wrapper.schedule_cache = (view_name, kept)  # type: ignore[attr-defined]
    return wrapper


@functools.lru_cache(maxsize=2048)
def _cache_marker(path: str) -> tuple[str, tuple[str, ...]] | None:
    """The schedule_cached view at `path` (its name and parameters), or None: resolving was a
    good part of a 304's cost, and the URLconf does not change while the process runs."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "schedule_cache", None)


class PublicPageCacheMiddleware:
    """Answer anonymous visitors' GETs of cached pages before the session/auth/messages work.

    Place it after the middleware that only add response headers (security, WhiteNoise,
    X-Frame-Options) and before SessionMiddleware: a cache hit or a 304 returns from here.
    A visitor with a session or messages cookie goes the usual way (the view's decorator
    then decides), as does every page that is not decorated with `schedule_cached`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or any(c in request.COOKIES for c in self.cookies):
            return self.get_response(request)
        marker = _cache_marker(request.path_info)
        if marker is None:
            return self.get_response(request)
        view_name, params = marker

        def render(request: HttpRequest) -> HttpResponse:
            setattr(request, _SERVED_FLAG, True)
            return self.get_response(request)

        return _serve(request, view_name, params, render)


class EarlyPageCacheMiddleware:
    """Answer an anonymous visitor's GET of a cached page first of all: a 304 when its
    validators match, else the cached page with the headers the whole stack gave it.

    It sits right after SecurityMiddleware (whose HTTPS redirect and headers still apply),
    picks the language as LocaleMiddleware would and computes the same validators as `_serve`.
    A 304 has no body for the CSP, permissions-policy, frame or language headers to guard (the
    browser keeps those of the page it has). A page is answered here once its first render
    has been down the stack: the headers that middleware added are kept beside the body
    `_serve` cached. Everything else goes on down the stack unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        marker = _cache_marker(request.path_info)
        if marker is None or any(c in request.COOKIES for c in self.cookies):
            return self.get_response(request)
        # The language LocaleMiddleware will activate (this site has no language prefixes).
        language = translation.get_language_from_request(request)
        digest, state = _validators(request, *marker, language=language)
        etag = quote_etag(digest)
        last_modified = int(state.last_modified.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is not None:
            if response.status_code != 304:
                return self.get_response(request)
            # A new response: the headers _revalidate_headers would add, set outright.
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = "no-cache"
            response["Vary"] = "HX-Request, Cookie, Accept-Language"
            return response
        headers_key = f"schedule-page-headers:{digest}"
        headers = shared_cache.get(headers_key)
        if headers is not None:
            cached = shared_cache.get(_page_key(digest))
            if cached is not None:
                return HttpResponse(cached["content"], headers=headers)
        response = self.get_response(request)
        # Only the page _serve answered for this very key (its ETag says so), for no one.
        if (
            response.status_code == 200
            and response.get("ETag") == etag
            and not response.cookies
            and not response.streaming
        ):
            shared_cache.put(headers_key, dict(response.items()), CACHE_SECONDS)
        return response
