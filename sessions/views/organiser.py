"""The organiser's pages: the list of terms, a term's rules and README export, README import.

The term dashboard (rows, inline editing, presenters) is in organiser_dashboard.py. Every view
checks the role on the server (`organiser_required`).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readinggroup.http import AuthenticatedHttpRequest
from readinggroup.permissions import organiser_required
from readinggroup.previews import PreviewError, load_preview, sign_preview
from sessions import planning
from sessions.forms.organiser import (
    NewTermForm,
    ReadmeUploadForm,
    RulesForm,
)
from sessions.models import Session, Term
from sessions.paging import page_number_of
from sessions.readme.exporter import export_term
from sessions.readme.importer import ImportResult, import_schedule
from sessions.readme.parsed import FormatWarning, ScheduleFormatError

TEMPLATES = "schedule/organiser"

# What the README import reports, in the viewer's language (results.py keeps the codes).
KIND_LABELS = {
    "terms": gettext_lazy("terms"),
    "sessions": gettext_lazy("sessions"),
    "talks": gettext_lazy("talks"),
    "people": gettext_lazy("people"),
    "presenters": gettext_lazy("presenters"),
    "papers": gettext_lazy("papers"),
}
ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "removed": gettext_lazy("removed"),
}
IMPORT_SALT = "schedule.organiser.readme-import"


def dashboard_url(term: Term, session: Session | None = None) -> str:
    url = reverse("schedule:organiser_term", kwargs={"slug": term.slug})
    if session is None:
        return url
    # The dashboard is paged (sessions/paging.py): land on the page that holds the row.
    return f"{url}?page={page_number_of(session)}#session-{session.pk}"


# --- terms ---------------------------------------------------------------------------------


@organiser_required
@require_http_methods(["GET", "POST"])
def term_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = planning.generate_term(
                data["name"],
                data["slug"],
                weekday=data["weekday"],
                start_date=data["start_date"],
                weeks=data["weeks"],
                start_time=data["start_time"],
                place=data["place"],
                online_link=data["online_link"],
                skip_dates=data["skip_dates"],
                talks_per_session=data["talks_per_session"],
                minutes=data["minutes"],
            )
        except planning.PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            count = term.sessions.count()
            messages.success(
                request,
                ngettext(
                    "Created %(term)s with %(count)d session.",
                    "Created %(term)s with %(count)d sessions.",
                    count,
                )
                % {"term": term.name, "count": count},
            )
            return redirect(dashboard_url(term))
    terms = Term.objects.annotate(
        session_count=Count("sessions"), first_date=Min("sessions__date")
    ).order_by("-start_date", "-id")
    return render(
        request, f"{TEMPLATES}/term_list.html", {"terms": terms, "form": form, "nav": "organise"}
    )


@organiser_required
@require_POST
def term_rules(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    form = RulesForm(request.POST, instance=term)
    if form.is_valid():
        planning.set_rules(term, form.cleaned_data)
        messages.success(request, _("Rules saved; the checks below follow them."))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Rules not saved: %(errors)s") % {"errors": errors})
    return redirect(dashboard_url(term))


@organiser_required
@require_GET
def term_export(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    # Uploaded slides are linked with the site's address, so the file works anywhere.
    site_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        export_term(term, site_url=site_url), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{term.slug}.md"'
    return response


# --- README import -------------------------------------------------------------------------


@organiser_required
@require_http_methods(["GET", "POST"])
def readme_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _import_confirm(request)
    form = ReadmeUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context: dict = {"form": form, "nav": "organise"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = {
            "text": data["markdown"],
            "term_name": data["term_name"] or None,
            "base_url": data["base_url"],
        }
        note = data["decoding_note"]
        try:
            result = import_schedule(
                job["text"], term_name=job["term_name"], base_url=job["base_url"], dry_run=True
            )
        except ScheduleFormatError as exc:
            form.add_error(None, _("This README cannot be imported: %(reason)s") % {"reason": exc})
            if note:
                # A wrong guess of the encoding may be why: say how the file was read.
                form.add_error(None, f"{data['filename']}:1: {note}")
        else:
            sessions = sorted(result.schedule.sessions, key=lambda s: s.date)
            # How the file was read (when it was not plain UTF-8) is a warning about line 1.
            warnings = [FormatWarning(1, note)] if note else []
            context.update(
                result=result,
                warnings=warnings + result.warnings,
                filename=data["filename"],
                sessions=sessions,
                counts=[
                    (KIND_LABELS.get(kind, kind), result.counts[kind]) for kind in result.counts
                ],
                changes=[
                    (ACTION_LABELS.get(c.action, c.action), KIND_LABELS.get(c.kind, c.kind), c)
                    for c in result.changes
                ],
                payload=sign_preview(job, request.user.pk, IMPORT_SALT),
            )
    return render(request, f"{TEMPLATES}/import.html", context)


def _summary(result: ImportResult) -> str:
    """ "Imported 2025 Fall: sessions 15 created; talks 25 created; …" (what changed only)."""
    parts = []
    for kind, tally in result.counts.items():
        done = [
            f"{count} {ACTION_LABELS[action]}"
            for count, action in (
                (tally.created, "created"),
                (tally.updated, "updated"),
                (tally.removed, "removed"),
            )
            if count
        ]
        if done and kind != "terms":
            parts.append(f"{KIND_LABELS.get(kind, kind)} {', '.join(done)}")
    return _("Imported %(term)s: %(changes)s.") % {
        "term": result.term.name,
        "changes": "; ".join(parts) or _("nothing changed"),
    }


def _import_confirm(request: HttpRequest) -> HttpResponse:
    """Save what the preview showed: the markdown comes back signed, so nobody can swap it."""
    try:
        job = load_preview(request.POST.get("payload", ""), request.user.pk, IMPORT_SALT)
    except PreviewError as exc:
        error = str(exc)
    else:
        try:
            result = import_schedule(
                job["text"], term_name=job["term_name"], base_url=job["base_url"], dry_run=False
            )
        except ScheduleFormatError as exc:
            # The database changed since the preview (e.g. a date taken meanwhile).
            error = _("Nothing was imported: %(reason)s") % {"reason": exc}
        else:
            messages.success(request, _summary(result))
            return redirect(dashboard_url(result.term))
    context = {"form": ReadmeUploadForm(), "import_error": error, "nav": "organise"}
    return render(request, f"{TEMPLATES}/import.html", context, status=400)
