"""The search index: one row per paper and per talk with slides text."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """What search matches. Rows of kind "paper" are written by database triggers on
    papers_paper (migration 0002), never by Python; rows of kind "slides" by `index.put_slides`.

    `paper_id` and `talk_id` are plain integers, not foreign keys: the triggers delete a paper's
    row, and the papers app must not know the sessions app's Talk model.
    """

    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        SLIDES = "slides", _("Slides")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The paper itself, or the paper a talk presented (null for a free topic).
    paper_id = models.IntegerField(_("paper id"), null=True, blank=True, db_index=True)
    talk_id = models.IntegerField(_("talk id"), null=True, blank=True, unique=True)
    title = models.TextField(_("title"), blank=True)
    authors = models.TextField(_("authors"), blank=True)
    # Abstract, affiliations, system name and notes (paper); empty for slides.
    body = models.TextField(_("text"), blank=True)
    slides = models.TextField(_("slides text"), blank=True)
    # For a slides document: "Topic I · Tue 2 Dec 2025 · 2025 Fall" and the session's address.
    label = models.CharField(_("label"), max_length=300, blank=True)
    url = models.CharField(_("URL"), max_length=300, blank=True)
    # The catalogue's list order (newest proceedings first, then venue, then list position),
    # copied from the paper's proceedings by the triggers so that the unfiltered list and the
    # venue and year filters read a page straight off an index instead of sorting a join.
    # Year 0 for a paper without proceedings (listed last); venue "arXiv" for a preprint.
    sort_year = models.IntegerField(_("sort year"), default=0)
    sort_venue = models.CharField(_("sort venue"), max_length=50, blank=True)
    sort_position = models.IntegerField(_("sort position"), default=0)
    # PostgreSQL only: the weighted tsvector (trigger-maintained). An unused column on SQLite,
    # which takes any type name.
    vector = SearchVectorField(_("search vector"), null=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(
                fields=["kind", "-sort_year", "sort_venue", "sort_position", "title", "paper_id"],
                name="searchdoc_list_order",
            ),
            models.Index(
                fields=["kind", "sort_venue", "-sort_year", "sort_position", "title", "paper_id"],
                name="searchdoc_venue_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["paper_id"],
                condition=models.Q(kind="paper"),
                name="searchdocument_one_per_paper",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
