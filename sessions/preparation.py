"""What a talk's lead (or an organiser) prepares: its paper and its video/summary links.

Slides are in sessions/slides.py. Views call these after checking the permission
(sessions.permissions); the rules about when a change is allowed live here and on the models.
"""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from papers.models import Paper
from sessions.models import Talk


class PreparationError(Exception):
    """A change the rules refuse; `str(error)` is the message to show."""


def choose_paper(talk: Talk, paper: Paper) -> Talk:
    """The talk presents `paper`; the paper now names the talk, so a free title from before
    (which would hide it) goes, and the venue label follows the paper."""
    talk.paper = paper
    talk.title = ""
    talk.url = ""
    talk.venue_label = paper.venue_label
    talk.save(update_fields=["paper", "title", "url", "venue_label", "updated_at"])
    return talk


def set_links(
    talk: Talk, *, video_url: str, summary_url: str, on: datetime.date | None = None
) -> Talk:
    """Save the talk's video and summary links, once the session has taken place."""
    if not talk.links_allowed(on):
        raise PreparationError(
            _("Video and summary links can be added once the session has taken place (%(date)s).")
            % {"date": formats.date_format(talk.session.date, _("M d, Y"))}
        )
    talk.video_url = video_url
    talk.summary_url = summary_url
    talk.save(update_fields=["video_url", "summary_url", "updated_at"])
    return talk
