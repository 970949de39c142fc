"""Query-string parameters of the public lists and APIs, read in one place with bounds.

Every public page or API that reads its query string declares what it reads:

    @bounded_query({"page": Number(), "venue": Text(max_chars=100)})
    def view(request): ... request.params["page"] ...

and the decorator answers 400 with the reason (JSON `{"error": ...}` for an API, the error
page otherwise) before the view runs when a value is out of its bounds: a NUL byte (which
PostgreSQL text cannot hold), a number beyond `high` (SQLite's integers stop at 2**63 - 1), a
text longer than `max_chars`, a value not among a choice's. Parameters not declared are not
read by the view and are left alone. The search box's own limits (words and characters, the
extra dropped and the page says so) live in papers.search.text.parse_query; here `q` is only
bounded in length before it gets there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Ids, years and page numbers all stay far below this; it fits a 32-bit column anywhere.
MAX_NUMBER = 2_147_483_647
# Longer than any venue, slug or presenter id; a search box's text is cut further by its parser.
MAX_TEXT_CHARS = 200
# A raw search query is refused beyond this (the parser then reads its first 200 characters).
MAX_QUERY_CHARS = 1000


class BadParameter(ValueError):
    """A query parameter out of its bounds; `str(error)` is the message to show."""


def _shown(raw: str) -> str:
    return repr(raw[:40] + ("…" if len(raw) > 40 else ""))


def _no_nul(name: str, raw: str) -> None:
    if "\x00" in raw:
        raise BadParameter(_("%(name)s may not contain a NUL character") % {"name": name})


@dataclass(frozen=True)
class Number:
    """A whole number between low and high; empty gives the default. A `lenient` one lets
    a value that is no number through as None, for a page whose form reports it in place (a
    number out of range is still refused)."""

    low: int = 1
    high: int = MAX_NUMBER
    default: int | None = None
    lenient: bool = False

    def parse(self, name: str, raw: str) -> int | None:
        raw = raw.strip()
        if not raw:
            return self.default
        _no_nul(name, raw)
        digits = raw[1:] if raw.startswith("-") else raw
        if not (digits.isascii() and digits.isdigit()):
            if self.lenient:
                return None
            raise BadParameter(
                _("%(name)s must be a whole number, got %(value)s")
                % {"name": name, "value": _shown(raw)}
            )
        # Checked as text first: int() of a 10,000-digit string is itself slow.
        too_long = len(digits.lstrip("0")) > len(str(max(abs(self.low), abs(self.high))))
        value = 0 if too_long else int(raw)
        if too_long or value > self.high:
            raise BadParameter(
                _("%(name)s must be at most %(high)d") % {"name": name, "high": self.high}
            )
        if value < self.low:
            raise BadParameter(
                _("%(name)s must be %(low)d or more, got %(value)d")
                % {"name": name, "low": self.low, "value": value}
            )
        return value


@dataclass(frozen=True)
class Text:
    """Free text of at most max_chars characters, stripped; no NUL."""

    max_chars: int = MAX_TEXT_CHARS
    default: str = ""

    def parse(self, name: str, raw: str) -> str:
        _no_nul(name, raw)
        raw = raw.strip()
        if len(raw) > self.max_chars:
            raise BadParameter(
                _("%(name)s may be at most %(max)d characters long")
                % {"name": name, "max": self.max_chars}
            )
        return raw or self.default


@dataclass(frozen=True)
class Choice:
    """One of a few words (compared without case); empty gives the default."""

    values: tuple[str, ...]
    default: str = ""

    def parse(self, name: str, raw: str) -> str:
        _no_nul(name, raw)
        value = raw.strip().lower()
        if not value:
            return self.default
        if value not in self.values:
            raise BadParameter(
                _("%(name)s must be one of %(choices)s, got %(value)s")
                % {"name": name, "choices": ", ".join(self.values), "value": _shown(raw)}
            )
        return value


Param = Number | Text | Choice

# The search box: bounded here, cut to its words and characters by papers.search.text.
QUERY = Text(max_chars=MAX_QUERY_CHARS)
_ID = Number()


def parse_id(raw: object) -> int | None:
    """A row's id as a form or a link gives it, or None when the text is none (not ASCII
    digits, out of the database's range): the one check, since "²".isdigit() is true too."""
    try:
        return _ID.parse("id", str(raw))
    except BadParameter:
        return None


def parse_params(query: QueryDict, spec: Mapping[str, Param]) -> dict[str, Any]:
    """The declared parameters' values (the last one given of each); raises BadParameter."""
    values: dict[str, Any] = {}
    for name, param in spec.items():
        given = query.getlist(name)
        for raw in given[:-1]:  # a repeated parameter: the earlier values are checked too
            param.parse(name, raw)
        values[name] = param.parse(name, given[-1] if given else "")
    return values


def bad_request(request: HttpRequest, message: str, *, as_json: bool = False) -> HttpResponse:
    if as_json:
        return JsonResponse({"error": message}, status=400)
    body = render_to_string("400.html", {"reason": message}, request)
    return HttpResponseBadRequest(body)


def bounded_query(spec: Mapping[str, Param], *, as_json: bool = False) -> Callable:
    """Parse the declared query parameters into `request.params` before the view runs; a
    value out of bounds answers 400 with the reason (JSON for an API)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                request.params = parse_params(request.GET, spec)  # type: ignore[attr-defined]
            except BadParameter as exc:
                return bad_request(request, str(exc), as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
