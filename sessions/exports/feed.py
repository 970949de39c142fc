"""An Atom feed of the upcoming sessions, at /feed/."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from sessions.caching import schedule_cached
from sessions.exports.ical import description, summary
from sessions.models import Session
from sessions.selectors import upcoming_sessions


class UpcomingSessionsFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{settings.GROUP_NAME}: upcoming sessions"

    def subtitle(self) -> str:
        return "The next meetings of the reading group, soonest first."

    def link(self) -> str:
        return reverse("schedule:home")

    def feed_url(self) -> str:
        return reverse("schedule:feed")

    def get_object(self, request: HttpRequest, *args, **kwargs):
        self.site_url = request.build_absolute_uri("/").rstrip("/")
        return None

    def items(self) -> list[Session]:
        return upcoming_sessions(timezone.localdate())

    def item_title(self, item: Session) -> str:
        return f"{item.date:%B} {item.date.day}, {item.date.year}: {summary(item)}"

    def item_description(self, item: Session) -> str:
        return description(item, self.site_url + item.get_absolute_url())

    def item_link(self, item: Session) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Session) -> str:
        return f"session-{item.date.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Session):
        return item.created_at

    def item_updateddate(self, item: Session):
        return item.updated_at


@require_safe
@schedule_cached
def upcoming_feed(request: HttpRequest) -> HttpResponse:
    return UpcomingSessionsFeed()(request)
