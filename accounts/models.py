"""Invite links: how people join when registration is by invitation."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITE_DAYS = 14


def new_token() -> str:
    # 32 random bytes, URL-safe: the link itself is the secret.
    return secrets.token_urlsafe(32)


def default_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=INVITE_DAYS)


class Invite(models.Model):
    """A single-use registration link an organiser hands to someone."""

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Whom it is for, so the list makes sense later."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invites_created",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"), default=default_expiry)
    used_by = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("used by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invite_used",
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invite")
        verbose_name_plural = _("invites")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.note or f"Invite {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("register_invite", kwargs={"token": self.token})

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return not self.is_used and not self.is_expired(now)

    @property
    def status(self) -> str:
        if self.is_used:
            return "used"
        return "expired" if self.is_expired() else "open"
