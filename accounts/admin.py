"""Sign-in lockouts in the admin: organisers see who is locked out and unlock them."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from readinggroup.admin_permissions import OrganiserAdminMixin

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(OrganiserAdminMixin, AccessAttemptAdmin):
    """django-axes' failed attempts; deleting one (or "Unlock") lets that account sign in."""

    actions = ["unlock", *AccessAttemptAdmin.actions]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False  # attempts are recorded by sign-ins, never typed in

    @admin.action(description=_("Unlock: forget these failed sign-ins"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        names = sorted({attempt.username for attempt in queryset})
        count, _deleted = queryset.delete()
        self.message_user(
            request,
            ngettext(
                "Unlocked %(names)s (%(count)d attempt record removed).",
                "Unlocked %(names)s (%(count)d attempt records removed).",
                count,
            )
            % {"names": ", ".join(names), "count": count},
            messages.SUCCESS,
        )
