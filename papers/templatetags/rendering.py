from django import template
from django.utils.safestring import SafeString

from readinggroup.markdown import render_markdown
from readinggroup.safe_urls import external_url

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ paper.notes|markdown }}: rendered and sanitised."""
    return render_markdown(text)


@register.filter(name="safe_url")
def safe_url_filter(url: str) -> str:
    """{{ talk.video_url|safe_url }}: the URL when it may be an href here, else "".

    Relative links of an imported README point into the README's folder, not this site,
    so they are never hrefs (templates show them as text with `is_relative_url`).
    """
    return external_url(url)
