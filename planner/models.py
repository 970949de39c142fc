"""What planning the next sessions stores: nominations and their votes, the sessions a member
cannot attend, and requests to hand a talk to someone else.

The rules the data must keep are constraints here: one nomination per paper, one vote per
member per nomination, one open swap request per presenter row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sessions.models import Presenter


class Nomination(models.Model):
    """A paper a member wants the group to read. Leaves the open queue once on a talk."""

    paper = models.ForeignKey(
        "papers.Paper",
        verbose_name=_("paper"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    nominated_by = models.ForeignKey(
        "schedule.Person",
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The talk an organiser made of it (None while it waits in the queue).
    talk = models.ForeignKey(
        "schedule.Talk",
        verbose_name=_("talk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]
        constraints = [
            # Nominating a paper twice adds a vote to the first nomination instead.
            models.UniqueConstraint(fields=["paper"], name="nomination_one_per_paper"),
        ]

    def __str__(self) -> str:
        return f"Nomination of {self.paper}"


class Vote(models.Model):
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="votes"
    )
    person = models.ForeignKey(
        "schedule.Person", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "person"], name="vote_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.nomination_id}"


class Unavailability(models.Model):
    """A member cannot attend this session (and so should not be asked to present in it)."""

    person = models.ForeignKey(
        "schedule.Person",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="unavailabilities",
    )
    session = models.ForeignKey(
        "schedule.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="unavailabilities",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        constraints = [
            models.UniqueConstraint(fields=["person", "session"], name="unavailable_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} away on {self.session}"


class SwapRequest(models.Model):
    """A presenter asks another member to take their place (same role) on a talk."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Withdrawn")

    presenter = models.ForeignKey(
        "schedule.Presenter",
        verbose_name=_("presenter"),
        on_delete=models.CASCADE,
        related_name="swap_requests",
    )
    talk = models.ForeignKey(
        "schedule.Talk", verbose_name=_("talk"), on_delete=models.CASCADE, related_name="+"
    )
    from_person = models.ForeignKey(
        "schedule.Person",
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="swaps_asked",
    )
    to_person = models.ForeignKey(
        "schedule.Person",
        verbose_name=_("asked of"),
        on_delete=models.CASCADE,
        related_name="swaps_received",
    )
    role = models.CharField(_("role"), max_length=10, choices=Presenter.Role.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["presenter"],
                condition=Q(status="pending"),
                name="swap_one_open_request_per_presenter",
            ),
            models.CheckConstraint(
                condition=~Q(from_person=F("to_person")), name="swap_to_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} → {self.to_person} ({self.status})"
