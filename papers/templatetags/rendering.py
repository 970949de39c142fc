from django import template
from django.utils.safestring import SafeString

from readinggroup.markdown import render_markdown, safe_url

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ paper.notes|markdown }}: rendered and sanitised."""
    return render_markdown(text)


@register.filter(name="safe_url")
def safe_url_filter(url: str) -> str:
    """{{ talk.video_url|safe_url }}: the URL, or "" when it is not http(s)/mailto."""
    return safe_url(url)
