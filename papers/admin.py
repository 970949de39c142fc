"""The catalogue in the Django admin: organisers edit venues, proceedings, topics and papers here.

Organisers (the "Organisers" group) get the catalogue's permissions from these classes; the
admin site itself still asks for `is_staff` to let anyone in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import Count, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from papers.models import Acronym, Paper, PaperLink, Proceedings, Topic, Venue
from papers.services import keep_in_catalogue, request_fetch
from readinggroup.admin_permissions import OrganiserAdminMixin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from papers.selectors import PaperCount


# Fields that, once edited by hand, an arXiv fetch or a list import leaves alone.
LOCKABLE_FIELDS = ("title", "authors", "affiliations", "system_name", "abstract", "notes")


@admin.register(Venue)
class VenueAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["name", "full_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "full_name"]


class AcronymInline(OrganiserAdminMixin, admin.TabularInline):
    model = Acronym
    extra = 0


@admin.register(Proceedings)
class ProceedingsAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "venue", "year", "accepted", "submitted", "paper_count"]
    list_filter = ["venue", "year"]
    search_fields = ["venue__name"]
    list_select_related = ["venue"]
    inlines = [AcronymInline]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(paper_count=Count("papers"))

    @admin.display(description=gettext_lazy("papers"), ordering="paper_count")
    def paper_count(self, obj: WithAnnotations[Proceedings, PaperCount]) -> int:
        return obj.paper_count


@admin.register(Topic)
class TopicAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "name", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent__parent"]
    autocomplete_fields = ["parent"]


class PaperLinkInline(OrganiserAdminMixin, admin.TabularInline):
    model = PaperLink
    extra = 1
    fields = ["position", "kind", "label", "url"]


class AreaFilter(admin.SimpleListFilter):
    """Papers of an area, its subtopics included (the topics filter alone lists every node)."""

    title = gettext_lazy("area")
    parameter_name = "area"

    def lookups(self, request, model_admin):
        return [(t.pk, t.name) for t in Topic.objects.filter(parent__isnull=True).order_by("name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        from papers.selectors import topic_and_descendants

        ids = topic_and_descendants(int(value))
        through = Paper.topics.through.objects.filter(topic_id__in=ids)
        return queryset.filter(pk__in=through.values("paper_id"))


@admin.register(Paper)
class PaperAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["title", "venue_label", "system_name", "arxiv_id", "doi", "fetch_status"]
    list_filter = ["proceedings", AreaFilter, "fetch_status", "kept_public"]
    search_fields = ["title", "system_name", "affiliations", "arxiv_id", "doi", "notes"]
    list_select_related = ["proceedings__venue"]
    autocomplete_fields = ["topics"]
    inlines = [PaperLinkInline]
    readonly_fields = [
        "normalized_title",
        "fetch_status",
        "fetch_error",
        "fetch_attempts",
        "fetched_at",
        "arxiv_published",
        "arxiv_updated",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "authors", "affiliations", "system_name"]}),
        (gettext_lazy("Where it sits"), {"fields": ["proceedings", "position", "topics"]}),
        (gettext_lazy("Identifiers"), {"fields": ["arxiv_id", "arxiv_version", "doi"]}),
        (gettext_lazy("Abstract and notes"), {"fields": ["abstract", "notes"]}),
        (
            gettext_lazy("arXiv metadata"),
            {
                "classes": ["collapse"],
                "fields": [
                    "fetch_status",
                    "fetch_error",
                    "fetch_attempts",
                    "fetched_at",
                    "arxiv_published",
                    "arxiv_updated",
                    "arxiv_primary_category",
                    "arxiv_categories",
                    "arxiv_journal_ref",
                    "arxiv_comment",
                    "locked_fields",
                    "kept_public",
                ],
            },
        ),
        (
            gettext_lazy("Record"),
            {"classes": ["collapse"], "fields": ["normalized_title", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=gettext_lazy("venue"), ordering="proceedings")
    def venue_label(self, obj: Paper) -> str:
        return obj.venue_label

    actions = ["fetch_arxiv_metadata", "keep_public"]

    @admin.action(description=gettext_lazy("Fetch arXiv metadata"), permissions=["change"])
    def fetch_arxiv_metadata(self, request: HttpRequest, queryset) -> None:
        # Hand-edited (locked) fields stay; `manage.py fetch_arxiv --force` overwrites them.
        queued = request_fetch(queryset.values_list("pk", flat=True))
        skipped = queryset.count() - len(queued)
        message = ngettext(
            "Queued %(count)d paper for an arXiv metadata fetch.",
            "Queued %(count)d papers for an arXiv metadata fetch.",
            len(queued),
        ) % {"count": len(queued)}
        if skipped:
            message += " " + ngettext(
                "%(count)d without an arXiv id left out.",
                "%(count)d without an arXiv id left out.",
                skipped,
            ) % {"count": skipped}
        self.message_user(request, message, messages.SUCCESS if queued else messages.WARNING)

    @admin.action(
        description=gettext_lazy("Keep in the public catalogue (arXiv has no such paper)"),
        permissions=["change"],
    )
    def keep_public(self, request: HttpRequest, queryset) -> None:
        kept = keep_in_catalogue(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d paper kept in the public catalogue.",
                "%(count)d papers kept in the public catalogue.",
                kept,
            )
            % {"count": kept},
            messages.SUCCESS,
        )

    def get_deleted_objects(self, objs, request: HttpRequest):
        # The talks of a deleted paper are kept (SET NULL, their title and link copied from the
        # paper first: sessions/deletion.py), which Django's cascade list leaves out; say so.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        papers = list(objs)
        prefetch_related_objects(papers, "talks__session")  # two queries, however many papers
        talks = [
            f"{talk} ({paper.title})"
            for paper in papers
            for talk in sorted(paper.talks.all(), key=lambda t: (t.session.date, t.position))
        ]
        if talks:
            # Django's list nests (admin's unordered_list renders it); django-stubs has it flat.
            kept = [_("Talks kept, with the paper's title and link copied onto them:"), talks]
            to_delete += kept  # type: ignore[arg-type]
            model_count[ngettext("talk kept", "talks kept", len(talks))] = len(talks)
        return to_delete, model_count, perms_needed, protected

    def save_model(self, request: HttpRequest, obj: Paper, form, change: bool) -> None:
        # A hand edit wins over the next arXiv fetch or list import: remember what was edited.
        if change:
            edited = [name for name in LOCKABLE_FIELDS if name in form.changed_data]
            if edited:
                obj.locked_fields = sorted({*(obj.locked_fields or []), *edited})
        super().save_model(request, obj, form, change)


@admin.register(Acronym)
class AcronymAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["short", "expansion", "proceedings"]
    list_filter = ["proceedings"]
    search_fields = ["short", "expansion"]
    list_select_related = ["proceedings__venue"]
