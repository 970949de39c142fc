"""The schedule: terms, weekly sessions, their talks (Topic I / Topic II) and presenters."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sessions.numbering import roman

# What makes a talk more than an empty slot, besides a catalogue paper, uploaded slides and
# presenters. A talk parsed from the README has the same fields, so the reader asks the same.
TALK_CONTENT_FIELDS = ("title", "url", "venue_label", "slides_url", "video_url", "summary_url")


def _day(on: datetime.date | None) -> datetime.date:
    """The day a rule is judged on: `on`, else today in the group's time zone."""
    return on or timezone.localdate()


class Term(models.Model):
    name = models.CharField(
        gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy('As the group says it, e.g. "2025 Fall".'),
    )
    slug = models.SlugField(gettext_lazy("slug"), max_length=100, unique=True)
    start_date = models.DateField(gettext_lazy("start date"), null=True, blank=True)
    end_date = models.DateField(gettext_lazy("end date"), null=True, blank=True)
    requirements = models.TextField(
        gettext_lazy("requirements"), blank=True, help_text=gettext_lazy("Markdown.")
    )
    other_information = models.TextField(
        gettext_lazy("other information"), blank=True, help_text=gettext_lazy("Markdown.")
    )

    # The group's rules, checked live on the organiser's dashboard; each can be switched off.
    rule_one_conference_one_arxiv = models.BooleanField(
        gettext_lazy("rule: one conference and one arXiv paper"),
        default=True,
        help_text=gettext_lazy("Each session pairs one SOSP/OSDI paper with one arXiv paper."),
    )
    rule_lead_required = models.BooleanField(
        gettext_lazy("rule: every talk has a lead"),
        default=True,
        help_text=gettext_lazy("Every talk has a lead."),
    )
    rule_min_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("rule: shortest talk (minutes)"),
        default=45,
        help_text=gettext_lazy("Shortest planned talk, in minutes (0 switches the rule off)."),
    )
    rule_recording_required = models.BooleanField(
        gettext_lazy("rule: past talks recorded"),
        default=True,
        help_text=gettext_lazy("A past talk has slides or a video."),
    )
    rule_one_lead_per_member = models.BooleanField(
        gettext_lazy("rule: one lead per member and session"),
        default=True,
        help_text=gettext_lazy("A member leads at most one topic per session."),
    )

    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("term")
        verbose_name_plural = gettext_lazy("terms")
        ordering = ["-start_date", "-id"]
        # The public pages' cache key reads MAX(updated_at) on every request.
        indexes = [models.Index(fields=["updated_at"], name="term_updated_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=models.F("end_date")),
                name="term_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schedule:term", kwargs={"slug": self.slug})

    def extend_to_include(self, day: datetime.date, *, save: bool = True) -> list[str]:
        """Stretch the term's dates so that `day` (a session's date) falls inside them.

        Returns the names of the fields that changed; saves them unless `save=False` (for a
        caller that saves other fields of the term along with them).
        """
        changed = []
        if self.start_date is None or day < self.start_date:
            self.start_date = day
            changed.append("start_date")
        if self.end_date is None or day > self.end_date:
            self.end_date = day
            changed.append("end_date")
        if changed and save:
            self.save(update_fields=[*changed, "updated_at"])
        return changed


class SessionQuerySet(models.QuerySet["Session"]):
    def past(self, on: datetime.date | None = None) -> SessionQuerySet:
        """Sessions before `on` (today); see Session.is_past."""
        return self.filter(date__lt=_day(on))

    def upcoming(self, on: datetime.date | None = None) -> SessionQuerySet:
        """Sessions on or after `on` (today): today's session is still upcoming."""
        return self.filter(date__gte=_day(on))


class Session(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", gettext_lazy("Regular")
        KICK_OFF = "kick-off", gettext_lazy("Kick-off")
        REHEARSAL = "rehearsal", gettext_lazy("Rehearsal")
        SPECIAL = "special", gettext_lazy("Special")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")

    term = models.ForeignKey(
        Term, verbose_name=gettext_lazy("term"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(gettext_lazy("date"))
    start_time = models.TimeField(gettext_lazy("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("duration (minutes)"), default=120
    )
    place = models.CharField(gettext_lazy("place"), max_length=200, blank=True)
    online_link = models.URLField(gettext_lazy("online link"), max_length=500, blank=True)
    kind = models.CharField(
        gettext_lazy("kind"), max_length=20, choices=Kind.choices, default=Kind.REGULAR
    )
    title = models.CharField(
        gettext_lazy("title"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("For special sessions."),
    )
    notes = models.TextField(gettext_lazy("notes"), blank=True, help_text=gettext_lazy("Markdown."))

    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("session")
        verbose_name_plural = gettext_lazy("sessions")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["updated_at"], name="session_updated_at")]
        constraints = [
            # One meeting a day; the date is the session's public address.
            models.UniqueConstraint(fields=["date"], name="session_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}" + (f" {self.title}" if self.title else "")

    def get_absolute_url(self) -> str:
        return reverse("schedule:session", kwargs={"date": self.date.isoformat()})

    @property
    def starts_at(self) -> datetime.datetime | None:
        if self.start_time is None:
            return None
        naive = datetime.datetime.combine(self.date, self.start_time)
        return timezone.make_aware(naive, timezone.get_default_timezone())

    def is_past(self, on: datetime.date | None = None) -> bool:
        """Past from the day after the session; on the day itself it is still upcoming."""
        return self.date < _day(on)

    @property
    def is_cancelled(self) -> bool:
        return self.kind == self.Kind.CANCELLED

    def is_open(self, on: datetime.date | None = None) -> bool:
        """Members may sign up for talks of a session that is neither cancelled nor over."""
        return not self.is_cancelled and not self.is_past(on)


class TalkQuerySet(models.QuerySet["Talk"]):
    def past(self, on: datetime.date | None = None) -> TalkQuerySet:
        return self.filter(session__date__lt=_day(on))

    def upcoming(self, on: datetime.date | None = None) -> TalkQuerySet:
        return self.filter(session__date__gte=_day(on))


class SlidesState(models.TextChoices):
    """Where a talk's latest slides upload is (the current slides are never touched by it)."""

    NONE = "", gettext_lazy("no upload pending")
    PROCESSING = "processing", gettext_lazy("being processed")
    UNQUEUED = "unqueued", gettext_lazy("waiting for the task queue")
    REFUSED = "refused", gettext_lazy("refused")


class Talk(models.Model):
    """One topic slot of a session ("Topic I", "Topic II"), presented 1+N."""

    session = models.ForeignKey(
        Session,
        verbose_name=gettext_lazy("session"),
        on_delete=models.CASCADE,
        related_name="talks",
    )
    position = models.PositiveSmallIntegerField(
        gettext_lazy("topic number"), default=1, help_text=gettext_lazy("1 for Topic I, 2 for II.")
    )
    paper = models.ForeignKey(
        "papers.Paper",
        verbose_name=gettext_lazy("paper"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talks",
    )
    # A talk may have no catalogue paper (a free topic); then title and url say what it is.
    title = models.CharField(gettext_lazy("title"), max_length=500, blank=True)
    url = models.URLField(gettext_lazy("link"), max_length=1000, blank=True)
    venue_label = models.CharField(
        gettext_lazy("venue label"),
        max_length=50,
        blank=True,
        help_text=gettext_lazy("e.g. SOSP'25, arXiv."),
    )
    slides_file = models.FileField(gettext_lazy("slides file"), upload_to="slides/%Y/", blank=True)
    slides_filename = models.CharField(
        gettext_lazy("slides file name"),
        max_length=255,
        blank=True,
        help_text=gettext_lazy("Name as uploaded."),
    )
    slides_pages = models.PositiveIntegerField(gettext_lazy("slides pages"), null=True, blank=True)
    slides_text = models.TextField(
        gettext_lazy("slides text"), blank=True, help_text=gettext_lazy("Extracted for search.")
    )
    # A new upload waits here, beside the talk's current slides, until the slides task has
    # read it (sessions/slides.py): then it becomes the slides, or is refused and deleted.
    slides_pending = models.FileField(
        gettext_lazy("slides being processed"), upload_to="slides/%Y/", blank=True
    )
    slides_pending_filename = models.CharField(
        gettext_lazy("name of the slides being processed"), max_length=255, blank=True
    )
    slides_state = models.CharField(
        gettext_lazy("slides upload"),
        max_length=10,
        choices=SlidesState.choices,
        blank=True,
        default=SlidesState.NONE,
    )
    # Why the last upload was refused, as {"message": msgid, "params": {...}}: translated when
    # shown, so each reader sees it in their language.
    slides_refusal = models.JSONField(
        gettext_lazy("why the slides were refused"), default=dict, blank=True
    )
    # Runs of the task on the pending file; a file that keeps killing the worker is refused.
    slides_attempts = models.PositiveSmallIntegerField(
        gettext_lazy("slides processing attempts"), default=0
    )
    slides_queued_at = models.DateTimeField(gettext_lazy("slides queued at"), null=True, blank=True)
    slides_url = models.CharField(gettext_lazy("slides link"), max_length=1000, blank=True)
    video_url = models.CharField(gettext_lazy("video link"), max_length=1000, blank=True)
    summary_url = models.CharField(gettext_lazy("summary link"), max_length=1000, blank=True)
    minutes = models.PositiveSmallIntegerField(gettext_lazy("planned minutes"), default=45)

    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("talk")
        verbose_name_plural = gettext_lazy("talks")
        ordering = ["session__date", "position"]
        indexes = [models.Index(fields=["updated_at"], name="talk_updated_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="talk_unique_position_in_session"
            ),
            models.CheckConstraint(
                condition=Q(slides_state__in=SlidesState.values),
                name="talk_slides_state_valid",
            ),
            # A pending file exactly while an upload is waiting for the task.
            models.CheckConstraint(
                condition=(
                    Q(slides_state__in=[SlidesState.PROCESSING, SlidesState.UNQUEUED])
                    & ~Q(slides_pending="")
                )
                | (
                    Q(slides_state__in=[SlidesState.NONE, SlidesState.REFUSED])
                    & Q(slides_pending="")
                ),
                name="talk_slides_pending_while_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · Topic {self.roman_position} · {self.display_title}"

    @property
    def roman_position(self) -> str:
        return roman(self.position)

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return self.paper.title if self.paper is not None else "(topic to be chosen)"

    # --- the talk's state: one definition each, used by the rules, pages and planning ---

    def is_past(self, on: datetime.date | None = None) -> bool:
        return self.session.is_past(on)

    def links_allowed(self, on: datetime.date | None = None) -> bool:
        """Video and summary links may be added from the day of the session on."""
        return self.session.date <= _day(on)

    @property
    def has_topic(self) -> bool:
        """A paper is chosen, or a free title says what the talk is about."""
        return bool(self.paper_id or self.title)

    @property
    def has_slides(self) -> bool:
        return bool(self.slides_file or self.slides_url)

    @property
    def slides_waiting(self) -> bool:
        """An upload is stored and waits for the slides task (queued, or not yet queued)."""
        return self.slides_state in (SlidesState.PROCESSING, SlidesState.UNQUEUED)

    @property
    def slides_refusal_message(self) -> str:
        """Why the last upload was refused, in the reader's language ("" if it was not)."""
        if self.slides_state != SlidesState.REFUSED:
            return ""
        message = str(self.slides_refusal.get("message") or "")
        params = self.slides_refusal.get("params") or {}
        try:
            return _(message) % params if params else _(message)
        except (KeyError, TypeError, ValueError):  # a msgid reworded since it was stored
            return message

    @property
    def is_recorded(self) -> bool:
        """Something of the talk stays for those who missed it: slides or a video."""
        return self.has_slides or bool(self.video_url)

    @property
    def has_content(self) -> bool:
        """Anything written about the talk, presenters aside (see TALK_CONTENT_FIELDS)."""
        return bool(self.paper_id or self.slides_file) or any(
            getattr(self, name) for name in TALK_CONTENT_FIELDS
        )

    def is_empty(self) -> bool:
        """A planned slot nobody has filled: no content and no presenters (may query)."""
        return not self.has_content and not self.presenters.exists()

    def missing(self, on: datetime.date | None = None) -> list[str]:
        """What the talk still lacks, as its presenters would want to be reminded (not done
        while this is non-empty). A cancelled session's talks lack nothing."""
        if self.session.is_cancelled:
            return []
        todo = []
        if not self.has_topic:
            todo.append(_("paper not chosen"))
        if not self.has_slides:
            todo.append(_("slides not uploaded"))
        if self.is_past(on) and not self.video_url:
            todo.append(_("video link missing"))
        return todo


class Person(models.Model):
    """Someone who presents. A guest has no account; a member's Person is their profile."""

    name = models.CharField(gettext_lazy("name"), max_length=200)
    affiliation = models.CharField(gettext_lazy("affiliation"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("person")
        ordering = ["name"]
        verbose_name_plural = gettext_lazy("people")
        indexes = [models.Index(fields=["updated_at"], name="person_updated_at")]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None


class Presenter(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", gettext_lazy("Lead")
        SUPPORT = "support", gettext_lazy("Supporter")

    talk = models.ForeignKey(
        Talk, verbose_name=gettext_lazy("talk"), on_delete=models.CASCADE, related_name="presenters"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=gettext_lazy("member"),
        on_delete=models.CASCADE,
        related_name="presentations",
    )
    role = models.CharField(gettext_lazy("role"), max_length=10, choices=Role.choices)
    # Order as written (lead first, then supporters in the README's order).
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    # A member's own sign-up waits for an organiser; imported and assigned rows are confirmed.
    confirmed = models.BooleanField(gettext_lazy("confirmed"), default=True)

    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("presenter")
        verbose_name_plural = gettext_lazy("presenters")
        ordering = ["talk", "position", "id"]
        indexes = [models.Index(fields=["updated_at"], name="presenter_updated_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["talk"], condition=Q(role="lead"), name="presenter_one_lead_per_talk"
            ),
            models.UniqueConstraint(fields=["talk", "person"], name="presenter_once_per_talk"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ScheduleVersion(models.Model):
    """One row: bumped on every change that shows on the public schedule (deletes too).

    Cached public pages are keyed on it and their ETag/Last-Modified come from it, so every
    web worker sees the same "last change" with one primary-key lookup. Kept in the database
    rather than the cache because a local-memory cache is per process.
    """

    id = models.PositiveSmallIntegerField(
        gettext_lazy("ID"), primary_key=True, default=1, editable=False
    )
    version = models.PositiveBigIntegerField(gettext_lazy("version"), default=0)
    changed_at = models.DateTimeField(gettext_lazy("changed at"))

    class Meta:
        verbose_name_plural = gettext_lazy("schedule versions")
        verbose_name = gettext_lazy("schedule version")

    def __str__(self) -> str:
        return f"schedule version {self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
