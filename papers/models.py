"""The paper catalogue: venues, proceedings, a topic taxonomy, papers and their links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from readinggroup.safe_urls import external_url

if TYPE_CHECKING:
    from papers.showings import Showings

# The group's preprint server: a paper with an arXiv id and no proceedings is an arXiv paper.
# papers.venues is the home of venue rules; it lives here only because Paper.venue_label needs it.
PREPRINT_VENUE = "arXiv"


class Venue(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        JOURNAL = "journal", _("Journal")
        WORKSHOP = "workshop", _("Workshop")
        PREPRINT = "preprint", _("Preprint server")

    # Short name as the community writes it: SOSP, OSDI, EuroSys, arXiv.
    name = models.CharField(_("short name"), max_length=50)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONFERENCE)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="venue_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_preprint(self) -> bool:
        return self.kind == self.Kind.PREPRINT


class Proceedings(models.Model):
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="proceedings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # What a list's title says after the year: "ACM Conference on AI and Agentic Systems".
    full_name = models.CharField(_("full name"), max_length=300, blank=True)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)
    # The "Paper List" links of a conference page (accepted list, ACM DL proceedings, ...).
    paper_list_urls = models.JSONField(_("paper list links"), default=list, blank=True)
    accepted = models.PositiveIntegerField(_("accepted papers"), null=True, blank=True)
    submitted = models.PositiveIntegerField(_("submitted papers"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))

    class Meta:
        verbose_name = _("proceedings")
        ordering = ["-year", "venue__name"]
        verbose_name_plural = _("proceedings")
        constraints = [
            models.UniqueConstraint(fields=["venue", "year"], name="proceedings_unique_venue_year"),
            models.CheckConstraint(
                condition=Q(accepted__isnull=True)
                | Q(submitted__isnull=True)
                | Q(accepted__lte=models.F("submitted")),
                name="proceedings_accepted_le_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse(
            "papers:proceedings", kwargs={"venue": self.venue.name.lower(), "year": self.year}
        )

    @property
    def acceptance_rate(self) -> float | None:
        """Percentage, e.g. 17.7 for 65 of 368."""
        if not self.accepted or not self.submitted:
            return None
        return round(100 * self.accepted / self.submitted, 1)


class AcceptanceCycle(models.Model):
    """One submission cycle of a proceedings (Spring, Fall, ...): its own acceptance figures."""

    proceedings = models.ForeignKey(
        Proceedings, verbose_name=_("proceedings"), on_delete=models.CASCADE, related_name="cycles"
    )
    name = models.CharField(_("name"), max_length=100)
    accepted = models.PositiveIntegerField(_("accepted papers"))
    submitted = models.PositiveIntegerField(_("submitted papers"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("acceptance cycle")
        verbose_name_plural = _("acceptance cycles")
        ordering = ["proceedings", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted__lte=models.F("submitted")) & Q(submitted__gt=0),
                name="cycle_accepted_le_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.accepted} / {self.submitted}"

    @property
    def acceptance_rate(self) -> float:
        return round(100 * self.accepted / self.submitted, 1)


class Topic(models.Model):
    """A node of the taxonomy: an area (no parent) or a subtopic below it."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(parent__isnull=False),
                name="topic_unique_name_under_parent",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="topic_unique_area_name"
            ),
        ]

    def __str__(self) -> str:
        return " / ".join(self.path)

    @property
    def path(self) -> list[str]:
        """Names from the area down to this node. Walks parents: select_related them first."""
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return names[::-1]


class PaperQuerySet(models.QuerySet["Paper"]):
    def public(self) -> PaperQuerySet:
        """What the public catalogue shows (list, search, API, a paper's page for visitors).

        A paper known only by an arXiv id that arXiv says does not exist (a typo, or an id not
        announced yet) stays out until arXiv has it or an organiser keeps it. A paper of a
        proceedings stays listed whatever its arXiv link says.
        """
        return self.exclude(
            fetch_status=Paper.FetchStatus.MISSING, proceedings__isnull=True, kept_public=False
        )


class Paper(models.Model):
    class FetchStatus(models.TextChoices):
        NEVER = "never", _("Never fetched")
        QUEUED = "queued", _("Queued")
        FETCHED = "fetched", _("Fetched")
        FAILED = "failed", _("Failed")
        MISSING = "missing", _("Not on arXiv")
        # The fetch could not be handed to the task queue (broker down): the periodic refresh
        # sends it again; fetch_error says why.
        UNQUEUED = "unqueued", _("Waiting for the task queue")

    title = models.CharField(_("title"), max_length=500)
    # Lower-case, punctuation-free title: how a paper is found again when no id matches.
    normalized_title = models.CharField(_("normalized title"), max_length=500, editable=False)
    authors = models.JSONField(
        _("authors"), default=list, blank=True, help_text=_("Names, in order.")
    )
    affiliations = models.CharField(
        _("affiliations"),
        max_length=500,
        blank=True,
        help_text=_("As written, e.g. 'HKU & ByteDance Seed'."),
    )
    system_name = models.CharField(_("system name"), max_length=200, blank=True)
    # As a list names them: "Best Paper Award", "Distinguished Artifact Award".
    awards = models.JSONField(_("awards"), default=list, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))

    proceedings = models.ForeignKey(
        Proceedings,
        verbose_name=_("proceedings"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="papers",
    )
    # Order within its proceedings' list, so a proceedings page reads like its source.
    position = models.PositiveIntegerField(_("position in the list"), default=0)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="papers"
    )

    arxiv_id = models.CharField(
        _("arXiv id"), max_length=40, blank=True, help_text=_("Without version.")
    )
    arxiv_version = models.PositiveSmallIntegerField(_("arXiv version"), null=True, blank=True)
    doi = models.CharField(
        _("DOI"), max_length=200, blank=True, help_text=_("Lower-case, e.g. 10.1145/...")
    )

    # What the arXiv API told us last time.
    arxiv_published = models.DateTimeField(_("first on arXiv"), null=True, blank=True)
    arxiv_updated = models.DateTimeField(_("updated on arXiv"), null=True, blank=True)
    arxiv_primary_category = models.CharField(
        _("arXiv primary category"), max_length=50, blank=True
    )
    arxiv_categories = models.JSONField(_("arXiv categories"), default=list, blank=True)
    arxiv_journal_ref = models.CharField(_("arXiv journal reference"), max_length=500, blank=True)
    arxiv_comment = models.TextField(_("arXiv comment"), blank=True)
    fetch_status = models.CharField(
        _("fetch status"),
        max_length=10,
        choices=FetchStatus.choices,
        default=FetchStatus.NEVER,
    )
    fetch_error = models.TextField(_("fetch error"), blank=True)
    fetch_attempts = models.PositiveSmallIntegerField(_("fetch attempts"), default=0)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    # Fields a person edited by hand; a metadata fetch leaves them alone unless forced.
    locked_fields = models.JSONField(_("fields edited by hand"), default=list, blank=True)
    kept_public = models.BooleanField(
        _("keep in the public catalogue"),
        default=False,
        help_text=_(
            "Show this paper although arXiv has no paper with its id (an organiser's call)."
        ),
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PaperQuerySet.as_manager()

    # Not a column: papers.presented.attach_showings sets it on the papers a page lists.
    showings: Showings
    # Not a column either: papers.selectors.attach_topics sets it, [(topic id, label)].
    topic_links: list[tuple[int, str]]

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["proceedings", "position", "title"]
        # Plain b-trees: db_index on a CharField adds a second, LIKE-prefix index on
        # PostgreSQL that no query uses (titles are matched whole, statuses by value), and that
        # a large import writes a row into per paper.
        indexes = [
            models.Index(fields=["normalized_title"], name="paper_normalized_title"),
            models.Index(fields=["fetch_status"], name="paper_fetch_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["arxiv_id"], condition=~Q(arxiv_id=""), name="paper_unique_arxiv_id"
            ),
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="paper_unique_doi"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        from papers.identifiers import normalize_title

        self.normalized_title = normalize_title(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("papers:detail", kwargs={"pk": self.pk})

    @property
    def venue_label(self) -> str:
        """How the group writes it: SOSP'25, OSDI'25, arXiv."""
        proceedings = self.proceedings
        if proceedings is None:
            return PREPRINT_VENUE if self.arxiv_id else ""
        if proceedings.venue.is_preprint:
            return proceedings.venue.name
        return f"{proceedings.venue.name}'{proceedings.year % 100:02d}"

    @property
    def year(self) -> int | None:
        """The year it appeared: its proceedings', else its first arXiv version's."""
        if self.proceedings is not None:
            return self.proceedings.year
        return self.arxiv_published.year if self.arxiv_published else None

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class PaperLink(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        ARXIV = "arxiv", _("arXiv")
        CODE = "code", _("Code")
        ARTIFACT = "artifact", _("Artifact")
        SLIDES = "slides", _("Slides")
        VIDEO = "video", _("Video")
        DOCS = "docs", _("Docs")
        HOMEPAGE = "homepage", _("Homepage")
        NOTES = "notes", _("Personal Notes")
        OTHER = "other", _("Other")

    # No index of its own: the unique (paper, kind, url) constraint's index starts with paper.
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("paper"),
        on_delete=models.CASCADE,
        related_name="links",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # The label as written in the source list, kept for "other" links and round trips.
    label = models.CharField(_("label"), max_length=100, blank=True)
    # Blank for a label a list gives without a URL yet ("\\[Paper]").
    url = models.CharField(_("URL"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("paper link")
        verbose_name_plural = _("paper links")
        ordering = ["paper", "position", "id"]
        constraints = [
            # One URL may be both the slides and the video: unique per kind.
            models.UniqueConstraint(
                fields=["paper", "kind", "url"], name="paperlink_unique_kind_url_per_paper"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.url}"

    @property
    def kind_label(self) -> str:
        """get_kind_display() for the lists: that one hashes every (translated) choice on each
        call, a tenth of a catalogue page's time with a chip per link."""
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:  # a kind no longer among the choices
            return self.kind

    @property
    def href(self) -> str:
        """The URL when our pages may link it (a safe scheme), else "": a relative link of the
        source list, or anything typed in the admin, is shown as text."""
        return external_url(self.url)


class Acronym(models.Model):
    """A glossary entry of a conference list ("## Acronyms")."""

    proceedings = models.ForeignKey(
        Proceedings,
        verbose_name=_("proceedings"),
        on_delete=models.CASCADE,
        related_name="acronyms",
    )
    short = models.CharField(_("acronym"), max_length=50)
    expansion = models.CharField(_("expansion"), max_length=300)

    class Meta:
        verbose_name = _("acronym")
        verbose_name_plural = _("acronyms")
        ordering = ["short"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceedings", "short"], name="acronym_unique_per_proceedings"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short}: {self.expansion}"


# The search index lives in its own module; importing it here registers it with the app.
from papers.search.models import SearchDocument  # noqa: E402, F401


class ImportStamp(models.Model):
    """What the catalogue looked like right after a conference list was imported (see
    papers.import_stamps): the same text imported again onto the same catalogue is a no-op."""

    # sha256 of the list's exact text and of the importer's code.
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    stamp = models.JSONField(_("catalogue stamp"))
    # The summary a full re-import gives, as papers.import_stamps stores it.
    summary = models.JSONField(_("import summary"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("import stamp")
        verbose_name_plural = _("import stamps")

    def __str__(self) -> str:
        return self.digest
