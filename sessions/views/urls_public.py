"""Public pages of the schedule: anyone may read and subscribe."""

from django.urls import URLPattern, path

from sessions import citations
from sessions.exports import feed, ical, schedule_json
from sessions.views import public as views_public

urlpatterns: list[URLPattern] = [
    path("", views_public.home, name="home"),
    path("terms/<slug:slug>/", views_public.term_detail, name="term"),
    path("terms/<slug:slug>/README.md", views_public.term_readme, name="term_readme"),
    path("terms/<slug:slug>/schedule.ics", ical.term_ics, name="term_ical"),
    path("terms/<slug:slug>/papers.bib", citations.term_bib, name="term_bib"),
    path("terms/<slug:slug>/papers.csl.json", citations.term_csl, name="term_csl"),
    path("sessions/<str:date>/", views_public.session_detail, name="session"),
    path("schedule.ics", ical.schedule_ics, name="ical"),
    path("feed/", feed.upcoming_feed, name="feed"),
    path("api/schedule.json", schedule_json.schedule_json, name="api"),
]
