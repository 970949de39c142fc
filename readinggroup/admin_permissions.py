"""Organisers edit the catalogue and the schedule in the admin without per-model permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.http import HttpRequest

from readinggroup.permissions import is_organiser

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    # What the mixin is mixed into (a ModelAdmin or an inline): its super() calls go there.
    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


class OrganiserAdminMixin(_AdminBase):
    """For ModelAdmin and inlines: organisers may view, add, change and delete the rows."""

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_organiser(request.user) or super().has_view_permission(request, obj)

    # A ModelAdmin asks (request), an inline (request, obj): pass on whatever came.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_organiser(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_organiser(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_organiser(request.user) or super().has_delete_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request.user) or super().has_module_permission(request)
