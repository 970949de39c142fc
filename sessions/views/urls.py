"""The schedule's URLs, by who uses them; each module lists its own paths."""

from sessions.views import urls_members, urls_organiser, urls_public

app_name = "schedule"

urlpatterns = [
    *urls_public.urlpatterns,
    *urls_members.urlpatterns,
    *urls_organiser.urlpatterns,
]
