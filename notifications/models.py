"""The outbox (one row per mail, its state and text), members' opt-outs, organisers' template
overrides, the outbox setting, and the secret of each member's personal calendar."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications import kinds


class MessageState(models.TextChoices):
    HELD = "held", _("Held for review")
    QUEUED = "queued", _("Queued")
    # The broker refused its delivery task: the periodic sweep hands it over again.
    UNQUEUED = "unqueued", _("Waiting for the task queue")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class Message(models.Model):
    """One mail. `key` names the event it is about, so the same event never makes two mails
    (a second beat run, a retried task, a signal sent twice); the state says how far it got."""

    State = MessageState

    key = models.CharField(_("event key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    # The member it was written for (per-recipient kinds): their opt-out and unsubscribe link.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient (member)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails",
    )
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("Cc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails_written",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="message_state_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=MessageState.values),
                name="message_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def is_held(self) -> bool:
        return self.state == self.State.HELD

    @property
    def is_private(self) -> bool:
        """Its text is for the recipient alone (a password-reset link would let an organiser
        who reads it into that account)."""
        return self.kind == kinds.ACCOUNT


class OptOut(models.Model):
    """A member does not want mails of this kind (profile page or an unsubscribe link)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="mail_opt_outs",
    )
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="optout_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} opted out of {self.kind}"


class MailTemplate(models.Model):
    """An organiser's version of one kind's subject and text; deleting it restores the default."""

    kind = models.CharField(_("kind"), max_length=40, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")

    def __str__(self) -> str:
        return f"template for {self.kind}"


class OutboxSettings(models.Model):
    """One row: whether automatic mails wait in the outbox for an organiser."""

    id = models.PositiveSmallIntegerField(_("ID"), primary_key=True, default=1, editable=False)
    hold_automatic = models.BooleanField(
        default=False,
        verbose_name=_("Hold automatic mails for review"),
        help_text=_(
            "Notifications and reminders wait in the outbox until an organiser sends them."
        ),
    )

    class Meta:
        verbose_name = _("outbox settings")
        verbose_name_plural = _("outbox settings")

    def __str__(self) -> str:
        return "outbox settings"

    @classmethod
    def current(cls) -> OutboxSettings:
        return cls.objects.get_or_create(pk=1)[0]


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a member's personal calendar URL; a new one makes the old URL 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("secret"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"calendar of {self.user}"
