"""Organisers import a conference list from the browser: upload, preview, confirm.

The preview runs the import itself as a dry run (same service, one transaction, rolled back),
so it shows exactly what confirming will create, update and merge, and every warning.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from papers.catalogue_import import CatalogueImportError, ImportSummary
from papers.conference_list import Issue, ParseError
from papers.import_stamps import import_text
from papers.models import Proceedings
from readinggroup.permissions import is_organiser
from readinggroup.previews import PreviewError, load_preview, sign_preview
from readinggroup.uploads import MarkdownUploadForm

TEMPLATE = "papers/organiser/import.html"
SALT = "papers.organiser.conference-list-import"
# The signed preview travels back in a form field: keep it well under Django's 2.5 MB limit
# for a request body (markdown compresses about fivefold). Bigger lists: manage.py import_papers.
LIST_MAX_BYTES = 2 * 1024 * 1024


class ConferenceListUploadForm(MarkdownUploadForm):
    max_bytes = LIST_MAX_BYTES
    file_label = gettext_lazy("Conference list (.md)")
    empty_message = gettext_lazy("Upload a conference list or paste its markdown.")
    too_large_hint = gettext_lazy("Use manage.py import_papers for bigger lists.")


def _organiser_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_organiser(request.user):
        raise PermissionDenied(_("Only organisers can import conference lists."))
    return None


def _context(summary: ImportSummary, filename: str, decoding_note: str | None) -> dict:
    rows = [
        (_("Papers"), summary.papers_created, summary.papers_updated, summary.papers_unchanged),
        (_("Links"), summary.links_created, summary.links_updated, None),
        (_("Topics"), summary.topics_created, None, None),
        (_("Acronyms"), summary.acronyms_created, summary.acronyms_updated, None),
    ]
    # How the file was read (when it was not plain UTF-8) is a warning about line 1 like any other.
    warnings = [Issue(1, decoding_note)] if decoding_note else []
    warnings += summary.issues
    return {"summary": summary, "rows": rows, "filename": filename, "warnings": warnings}


@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    denied = _organiser_only(request)
    if denied is not None:
        return denied
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request)
    post = request.method == "POST"
    form = ConferenceListUploadForm(request.POST if post else None, request.FILES if post else None)
    context: dict = {"form": form, "nav": "organise"}
    if post and form.is_valid():
        text, filename = form.cleaned_data["markdown"], form.cleaned_data["filename"]
        note = form.cleaned_data["decoding_note"]
        try:
            summary = import_text(text, dry_run=True)
        except (ParseError, CatalogueImportError) as exc:
            form.add_error(
                None,
                _("This file cannot be imported: %(file)s:%(line)s: %(message)s")
                % {"file": filename, "line": exc.line, "message": exc.message},
            )
            if note:
                # A wrong guess of the encoding may be why: say how the file was read.
                form.add_error(None, f"{filename}:1: {note}")
        else:
            context.update(_context(summary, filename, note))
            # The decoded text, not the file's bytes: confirming imports what the preview read,
            # with no second guess of the encoding.
            context["payload"] = sign_preview(
                {"text": text, "filename": filename}, request.user.pk, SALT
            )
    return render(request, TEMPLATE, context, status=200 if not form.errors else 400)


def _confirm(request: HttpRequest) -> HttpResponse:
    """Import what the preview showed: the markdown comes back signed, so nobody can swap it."""
    try:
        job = load_preview(request.POST.get("payload", ""), request.user.pk, SALT)
        summary = import_text(job["text"])
    except PreviewError as exc:
        error = str(exc)
    except (ParseError, CatalogueImportError) as exc:
        error = _("Nothing was imported: line %(line)s: %(message)s") % {
            "line": exc.line,
            "message": exc.message,
        }
    else:
        messages.success(request, "; ".join(summary.lines()[:2]))
        proceedings = Proceedings.objects.select_related("venue").get(
            venue__name__iexact=summary.venue, year=summary.year
        )
        return redirect(proceedings.get_absolute_url())
    context = {"form": ConferenceListUploadForm(), "import_error": error, "nav": "organise"}
    return render(request, TEMPLATE, context, status=400)
