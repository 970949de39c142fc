"""Which URLs may become a live link on our pages: the one home of that rule.

Links come from members, imported READMEs and conference lists, and the admin. They are shown as
written, but only a link with a safe scheme (or none) may become an href: a `javascript:` or
`data:` link must never be followable. Browsers ignore leading/trailing control characters and
spaces and drop tabs and newlines anywhere in a URL ("java\\tscript:" is "javascript:"), so the
scheme is read the way a browser reads it.

Where a form sends its visitor back to (its `next` field, the Referer) is the other half: only
a page of this site, so a crafted link cannot make our redirect an open one (`safe_next`).
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

SAFE_SCHEMES = ("http", "https", "mailto")

# A URL scheme as the WHATWG URL standard reads it: a letter, then letters, digits, + - .
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What browsers strip from both ends (C0 controls and space) and remove inside (tab, LF, CR).
_EDGES = "".join(chr(c) for c in range(0x21))
_INSIDE = re.compile(r"[\t\n\r]")


def _clean(url: str) -> str:
    return _INSIDE.sub("", (url or "").strip(_EDGES))


def is_relative_url(url: str) -> bool:
    """A path or fragment without a scheme (./slides/x.pdf, notes.md, #top); not //host/..."""
    cleaned = _clean(url)
    return bool(cleaned) and not _SCHEME.match(cleaned) and not cleaned.startswith(("//", "\\\\"))


def is_safe_url(url: str) -> bool:
    """True for http(s)/mailto URLs and for relative URLs and fragments; False otherwise."""
    cleaned = _clean(url)
    if not cleaned:
        return False
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def safe_url(url: str) -> str:
    """The URL (trimmed as a browser would) when it is safe, else ""."""
    return _clean(url) if is_safe_url(url) else ""


def external_url(url: str) -> str:
    """The URL when it leads somewhere with a safe scheme, else "".

    A relative link of an imported file (./slides/x.pdf) points at the file's own folder,
    which is nowhere on this site: it is shown as text, never linked.
    """
    cleaned = _clean(url)
    match = _SCHEME.match(cleaned)
    return cleaned if match and match.group(1).lower() in SAFE_SCHEMES else ""


def safe_next(request: HttpRequest, *candidates: str) -> str | None:
    """The first candidate that is a page of this site (same host; https if the request is),
    for a redirect back to where a form came from; None when no candidate is."""
    for candidate in candidates:
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return None
