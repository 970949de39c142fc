"""The schedule in the Django admin: a fallback for edits the organiser's pages do not cover.

Organisers (the "Organisers" group) get these permissions from the classes below, as in the
catalogue's admin; the admin site itself still asks for `is_staff` to let anyone in.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from readinggroup.roles import is_organiser
from sessions.models import Person, Presenter, Session, Talk, Term


class OrganiserPermissions:
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_organiser(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return is_organiser(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_organiser(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_organiser(request.user) or super().has_delete_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request.user) or super().has_module_permission(request)


class TalkInline(OrganiserPermissions, admin.StackedInline):
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


class PresenterInline(OrganiserPermissions, admin.TabularInline):
    model = Presenter
    extra = 0
    fields = ["person", "role", "position", "confirmed"]
    autocomplete_fields = ["person"]


@admin.register(Term)
class TermAdmin(OrganiserPermissions, admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Session)
class SessionAdmin(OrganiserPermissions, admin.ModelAdmin):
    list_display = ["date", "term", "kind", "title", "start_time", "place"]
    list_filter = ["term", "kind"]
    date_hierarchy = "date"
    search_fields = ["title", "place", "talks__title", "talks__paper__title"]
    list_select_related = ["term"]
    inlines = [TalkInline]


@admin.register(Talk)
class TalkAdmin(OrganiserPermissions, admin.ModelAdmin):
    list_display = ["__str__", "venue_label"]
    list_filter = ["session__term"]
    search_fields = ["title", "paper__title", "presenters__person__name"]
    list_select_related = ["session", "paper"]
    raw_id_fields = ["paper", "session"]
    inlines = [PresenterInline]


@admin.register(Person)
class PersonAdmin(OrganiserPermissions, admin.ModelAdmin):
    list_display = ["name", "affiliation", "user"]
    search_fields = ["name", "affiliation", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
