"""A made-up context per kind, for the template editor's preview and its render check."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from notifications import kinds


def sample_context(kind: str) -> dict[str, object]:
    base = settings.SITE_URL.rstrip("/")
    context: dict[str, object] = {
        "group": settings.GROUP_NAME,
        "name": "Ada Lovelace",
        "member_name": "Alan Turing",
        "other_name": "Grace Hopper",
        "talk_title": "DiffKV: Differentiated Memory Management for Large Language Models",
        "topic": "Topic I",
        "session_date": "Dec. 10, 2026",
        "session_iso_date": "2026-12-10",
        "old_date": "Dec. 3, 2026",
        "session_time": "19:00",
        "place": "Room 101",
        "role": _("lead"),
        "days": 7,
        "missing": [_("slides not uploaded")],
        "talk_url": f"{base}/sessions/2026-12-10/",
        "edit_url": f"{base}/talks/1/edit/",
        "me_url": f"{base}/me/",
        "dashboard_url": f"{base}/organise/terms/demo/",
    }
    if kind == kinds.FOLLOW_UP:
        context["missing"] = [_("video link"), _("summary link")]
    return context
