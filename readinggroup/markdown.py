"""User-written markdown to safe HTML: render, then sanitise (nh3) so no script survives."""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

_EXTENSIONS = ["extra", "sane_lists"]
_ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=_EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        url_schemes=_ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)


def safe_url(url: str) -> str:
    """`url` if a browser may follow it from our pages (http, https, mailto), else "".

    Links typed by members or read from imported files are shown as written, but a
    javascript: or data: link must never become a live href.
    """
    url = (url or "").strip()
    scheme, colon, _ = url.partition(":")
    if colon and scheme.lower() in _ALLOWED_URL_SCHEMES and "/" not in scheme:
        return url
    return ""
