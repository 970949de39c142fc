"""The schedule in the Django admin: a fallback for edits the organiser's pages do not cover.

Organisers (the "Organisers" group) get these permissions from the classes below, as in the
catalogue's admin; the admin site itself still asks for `is_staff` to let anyone in.
"""

from __future__ import annotations

from django.contrib import admin

from readinggroup.admin_permissions import OrganiserAdminMixin
from sessions.models import Person, Presenter, Session, Talk, Term


class TalkInline(OrganiserAdminMixin, admin.StackedInline):
    model = Talk
    extra = 0
    fields = [
        ("position", "minutes"),
        ("paper", "venue_label"),
        ("title", "url"),
        ("slides_url", "video_url", "summary_url"),
    ]
    raw_id_fields = ["paper"]
    show_change_link = True


class PresenterInline(OrganiserAdminMixin, admin.TabularInline):
    model = Presenter
    extra = 0
    fields = ["person", "role", "position", "confirmed"]
    autocomplete_fields = ["person"]


@admin.register(Term)
class TermAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Session)
class SessionAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["date", "term", "kind", "title", "start_time", "place"]
    list_filter = ["term", "kind"]
    date_hierarchy = "date"
    search_fields = ["title", "place", "talks__title", "talks__paper__title"]
    list_select_related = ["term"]
    inlines = [TalkInline]


@admin.register(Talk)
class TalkAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "venue_label"]
    list_filter = ["session__term"]
    search_fields = ["title", "paper__title", "presenters__person__name"]
    list_select_related = ["session", "paper"]
    raw_id_fields = ["paper", "session"]
    inlines = [PresenterInline]
    # The slides task's bookkeeping (sessions/slides.py): shown, never edited by hand.
    readonly_fields = [
        "slides_pending",
        "slides_pending_filename",
        "slides_state",
        "slides_refusal",
        "slides_attempts",
        "slides_queued_at",
    ]


@admin.register(Person)
class PersonAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["name", "affiliation", "user"]
    search_fields = ["name", "affiliation", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
