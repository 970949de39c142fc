"""Organisers edit the catalogue and the schedule in the admin without per-model permissions."""

from django.http import HttpRequest

from readinggroup.permissions import is_organiser


class OrganiserAdminMixin:
    """For ModelAdmin and inlines: organisers may view, add, change and delete the rows."""

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
