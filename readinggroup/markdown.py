"""User-written markdown to safe HTML: render, then sanitise (nh3) so no script survives."""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

from readinggroup.safe_urls import SAFE_SCHEMES

_EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=_EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)
