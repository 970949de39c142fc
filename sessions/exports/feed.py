"""An Atom feed (RFC 4287) of the upcoming sessions, at /feed/.

Entry ids are tag: URIs (RFC 4151) on the calendar's UID domain, so they are IRIs that do not
change with the host the feed was fetched from or with the session's page address; the group
is the author of the feed and of every entry.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from sessions.caching import schedule_cached
from sessions.exports.ical import description, summary, uid_domain
from sessions.exports.rows import SessionRow, session_rows
from sessions.selectors import upcoming_sessions


def session_tag(session: SessionRow) -> str:
    """tag:<domain>,<year>:session-<date>, the entry's permanent id."""
    return f"tag:{uid_domain()},{session.date.year}:session-{session.date.isoformat()}"


class UpcomingSessionsFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{settings.GROUP_NAME}: upcoming sessions"

    def subtitle(self) -> str:
        return "The next meetings of the reading group, soonest first."

    def author_name(self) -> str:
        return settings.GROUP_NAME

    def item_author_name(self, item: SessionRow) -> str:
        return settings.GROUP_NAME

    def link(self) -> str:
        return reverse("schedule:home")

    def feed_url(self) -> str:
        return reverse("schedule:feed")

    def get_object(self, request: HttpRequest, *args, **kwargs):
        self.site_url = request.build_absolute_uri("/").rstrip("/")
        return None

    def items(self) -> list[SessionRow]:
        return session_rows(upcoming_sessions(timezone.localdate()))

    def item_title(self, item: SessionRow) -> str:
        return f"{item.date:%B} {item.date.day}, {item.date.year}: {summary(item)}"

    def item_description(self, item: SessionRow) -> str:
        return description(item, self.site_url + item.get_absolute_url())

    def item_link(self, item: SessionRow) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: SessionRow) -> str:
        return session_tag(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item: SessionRow):
        return item.created_at

    def item_updateddate(self, item: SessionRow):
        return item.updated_at


@require_safe
@schedule_cached
def upcoming_feed(request: HttpRequest) -> HttpResponse:
    return UpcomingSessionsFeed()(request)
