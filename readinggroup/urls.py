from django.contrib import admin
from django.urls import include, path

from readinggroup import i18n

# Each app's urls.py spells out its full paths (pages and /api/...), so this file stays a list.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("", include("papers.urls")),
    path("", include("sessions.views.urls")),
    path("", include("planner.urls")),
    path("", include("notifications.urls")),
]

handler403 = "readinggroup.errors.permission_denied"
handler404 = "readinggroup.errors.page_not_found"
handler500 = "readinggroup.errors.server_error"
