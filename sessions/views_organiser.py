"""The organiser's pages: terms, the term dashboard with inline editing, presenters, README import.

Every view checks the role on the server (`organiser_required`). Views that HTMX calls answer
with the changed fragment for HTMX and with a redirect (or the full page) for a plain submit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from papers.selectors import search_papers
from readinggroup.roles import is_organiser
from sessions import planning, signups
from sessions.forms_organiser import (
    AssignPresenterForm,
    MoveTalkForm,
    NewTermForm,
    ReadmeUploadForm,
    RulesForm,
    SessionForm,
    TalkFormSet,
)
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.readme_export import export_term
from sessions.readme_format import ScheduleFormatError, roman
from sessions.readme_import import ImportResult, import_schedule
from sessions.rules import Problem, check_session, sessions_for_checks

TEMPLATES = "schedule/organiser"
IMPORT_SALT = "schedule.organiser.readme-import"
IMPORT_MAX_AGE = 6 * 60 * 60  # seconds a preview stays valid


def organiser_required(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; signed-in non-organisers get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_organiser(request.user):
            raise PermissionDenied("Only organisers can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- rows of the dashboard -----------------------------------------------------------------


@dataclass
class Row:
    """One session as the dashboard shows it, with its rule problems laid out."""

    session: Session
    problems: list[Problem]
    session_problems: list[Problem] = field(default_factory=list)
    error: str = ""
    # Rendered with hx-swap-oob: a second row that changed too (the target of a move).
    oob: bool = False

    def __post_init__(self) -> None:
        by_talk: dict[int, list[str]] = {}
        for problem in self.problems:
            if problem.talk_id is None:
                self.session_problems.append(problem)
            else:
                by_talk.setdefault(problem.talk_id, []).append(problem.detail)
        for talk in self.session.talks.all():
            talk.rule_problems = by_talk.get(talk.pk, [])
            talk.pending = [p for p in talk.presenters.all() if not p.confirmed]
            talk.label = talk.venue_label or (talk.paper.venue_label if talk.paper else "")


def _rows(term: Term, sessions: Iterable[Session]) -> list[Row]:
    today = timezone.localdate()
    return [Row(session, check_session(session, term, today=today)) for session in sessions]


def _people() -> list[Person]:
    return list(Person.objects.only("id", "name", "affiliation", "user_id").order_by("name"))


def _row_context(term: Term, rows: list[Row], all_sessions: list[Session]) -> dict:
    people = _people()
    return {
        "term": term,
        "rows": rows,
        "move_targets": all_sessions,
        "members": [p for p in people if p.user_id is not None],
        "guests": [p for p in people if p.user_id is None],
        "roles": Presenter.Role.choices,
    }


def _render_rows(
    request: HttpRequest,
    term: Term,
    session_ids: list[int],
    *,
    error: str = "",
    error_session_id: int | None = None,
) -> HttpResponse:
    """The rows of these sessions: the first is the swap target, the others go out of band."""
    sessions = list(sessions_for_checks(term))
    by_id = {s.pk: s for s in sessions}
    rows = []
    for index, session_id in enumerate(session_ids):
        session = by_id.get(session_id)
        if session is None:
            continue
        row = _rows(term, [session])[0]
        row.error = error if session_id == (error_session_id or session_ids[0]) else ""
        row.oob = index > 0
        rows.append(row)
    context = _row_context(term, rows, sessions)
    return _vary(render(request, f"{TEMPLATES}/term.html#session-rows", context))


def _dashboard_url(term: Term, session: Session | None = None) -> str:
    url = reverse("schedule:organiser_term", kwargs={"slug": term.slug})
    return f"{url}#session-{session.pk}" if session is not None else url


def _answer(
    request: HttpRequest,
    session: Session,
    *,
    success: str = "",
    error: str = "",
    also: Iterable[int] = (),
) -> HttpResponse:
    """After a change to a row: the re-rendered row(s) for HTMX, else back to the dashboard."""
    term = session.term
    if request.htmx:
        return _render_rows(request, term, [session.pk, *also], error=error)
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return _vary(HttpResponseRedirect(_dashboard_url(term, session)))


# --- terms ---------------------------------------------------------------------------------


@organiser_required
@require_http_methods(["GET", "POST"])
def term_list(request: HttpRequest) -> HttpResponse:
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
            messages.success(request, f"Created {term.name} with {count} sessions.")
            return redirect(_dashboard_url(term))
    terms = Term.objects.annotate(
        session_count=Count("sessions"), first_date=Min("sessions__date")
    ).order_by("-start_date", "-id")
    return render(
        request, f"{TEMPLATES}/term_list.html", {"terms": terms, "form": form, "nav": "organise"}
    )


@organiser_required
@require_GET
def term_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    sessions = list(sessions_for_checks(term))
    rows = _rows(term, sessions)
    context = _row_context(term, rows, sessions)
    context.update(
        nav="organise",
        rules_form=RulesForm(instance=term),
        problem_count=sum(len(row.problems) for row in rows),
        pending_count=sum(len(t.pending) for s in sessions for t in s.talks.all()),
    )
    return render(request, f"{TEMPLATES}/term.html", context)


@organiser_required
@require_POST
def term_rules(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    form = RulesForm(request.POST, instance=term)
    if form.is_valid():
        form.save()
        messages.success(request, "Rules saved; the checks below follow them.")
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"Rules not saved: {errors}")
    return redirect(_dashboard_url(term))


@organiser_required
@require_GET
def term_export(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    # Uploaded slides are linked with the site's address, so the file works anywhere.
    site_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        export_term(term, site_url=site_url), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{term.slug}.md"'
    return response


# --- a session row: view, edit, cancel, talk slots ------------------------------------------


def _session(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("term"), pk=pk)


@organiser_required
@require_GET
def session_row(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    if request.htmx:
        return _render_rows(request, session.term, [session.pk])
    return _vary(redirect(_dashboard_url(session.term, session)))


def _edit_forms(session: Session, data=None) -> tuple[SessionForm, TalkFormSet]:
    form = SessionForm(data, instance=session, auto_id=f"s{session.pk}-%s")
    talks = TalkFormSet(
        data,
        instance=session,
        prefix=f"s{session.pk}-talks",
        queryset=session.talks.select_related("paper").order_by("position"),
    )
    return form, talks


@organiser_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    form, talks = _edit_forms(session, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and talks.is_valid():
        with transaction.atomic():
            # Unchanged rows are left alone, so "Save" without edits touches no timestamps.
            saved = form.save() if form.has_changed() else session
            talks.save()
            _widen_term(saved)
        if request.htmx:
            return _render_rows(request, saved.term, [saved.pk])
        messages.success(request, f"Saved the session of {saved.date:%d %B %Y}.")
        return _vary(redirect(_dashboard_url(saved.term, saved)))
    # Unsaved edits must not leak into the page's header (e.g. a rejected date).
    session.refresh_from_db()
    context = {
        "session": session,
        "term": session.term,
        "form": form,
        "talks": talks,
        "nav": "organise",
    }
    template = (
        f"{TEMPLATES}/term.html#session-form"
        if request.htmx
        else (f"{TEMPLATES}/session_edit.html")
    )
    return _vary(render(request, template, context))


def _widen_term(session: Session) -> None:
    """A session moved outside its term's dates stretches the term to hold it."""
    term = session.term
    changed = []
    if term.start_date is None or session.date < term.start_date:
        term.start_date = session.date
        changed.append("start_date")
    if term.end_date is None or session.date > term.end_date:
        term.end_date = session.date
        changed.append("end_date")
    if changed:
        term.save(update_fields=[*changed, "updated_at"])


@organiser_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        planning.cancel_session(session)
    except planning.PlanningError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(request, session, success=f"Cancelled the session of {session.date:%d %B}.")


@organiser_required
@require_POST
def talk_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        talk = planning.add_talk_slot(session)
    except planning.PlanningError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(request, session, success=f"Added Topic {talk.roman_position}.")


def _talk(pk: int) -> Talk:
    return get_object_or_404(Talk.objects.select_related("session__term"), pk=pk)


@organiser_required
@require_POST
def talk_remove(request: HttpRequest, pk: int) -> HttpResponse:
    talk = _talk(pk)
    try:
        planning.remove_talk_slot(talk)
    except planning.PlanningError as exc:
        return _answer(request, talk.session, error=str(exc))
    return _answer(request, talk.session, success=f"Removed Topic {talk.roman_position}.")


@organiser_required
@require_POST
def talk_move(request: HttpRequest, pk: int) -> HttpResponse:
    talk = _talk(pk)
    source = talk.session
    form = MoveTalkForm(request.POST, term=source.term)
    if not form.is_valid():
        return _answer(request, source, error="Pick the session to move the talk to.")
    target = form.cleaned_data["to_session"]
    try:
        planning.move_talk(talk, target)
    except planning.PlanningError as exc:
        return _answer(request, source, error=str(exc))
    return _answer(
        request,
        source,
        success=f"Moved “{talk.display_title}” to {target.date:%d %B}.",
        also=[target.pk],
    )


# --- presenters ----------------------------------------------------------------------------


@organiser_required
@require_POST
def presenter_assign(request: HttpRequest, pk: int) -> HttpResponse:
    talk = _talk(pk)
    form = AssignPresenterForm(request.POST)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        return _answer(request, talk.session, error=" ".join(errors))
    try:
        with transaction.atomic():
            person = form.person_to_assign()
            presenter = signups.assign_presenter(talk, person, form.cleaned_data["role"])
    except signups.SignupError as exc:
        return _answer(request, talk.session, error=str(exc))
    return _answer(
        request,
        talk.session,
        success=f"{presenter.person.name} presents Topic {talk.roman_position} "
        f"as {presenter.get_role_display().lower()}.",
    )


def _presenter(pk: int) -> Presenter:
    return get_object_or_404(
        Presenter.objects.select_related("talk__session__term", "person"), pk=pk
    )


@organiser_required
@require_POST
def presenter_remove(request: HttpRequest, pk: int) -> HttpResponse:
    presenter = _presenter(pk)
    session = presenter.talk.session
    try:
        signups.remove_presenter(presenter)
    except signups.SignupError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(request, session, success=f"Removed {presenter.person.name}.")


@organiser_required
@require_POST
def presenter_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    presenter = _presenter(pk)
    session = presenter.talk.session
    try:
        signups.confirm_presenter(presenter)
    except signups.SignupError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(request, session, success=f"Confirmed {presenter.person.name}.")


@organiser_required
@require_GET
def paper_suggestions(request: HttpRequest) -> HttpResponse:
    """<option>s for the paper field's datalist, from the catalogue search, as one types."""
    # The field's name carries its form prefix (s12-talks-0-paper), so take any *paper value.
    query = next(
        (v for k, v in request.GET.items() if k == "q" or k.endswith("-paper")), ""
    ).strip()
    papers = list(search_papers(query)[:10]) if len(query) >= 2 else []
    return render(request, f"{TEMPLATES}/paper_options.html", {"papers": papers})


# --- README import -------------------------------------------------------------------------


@organiser_required
@require_http_methods(["GET", "POST"])
def readme_import(request: HttpRequest) -> HttpResponse:
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
            "user": request.user.pk,
        }
        try:
            result = import_schedule(
                job["text"], term_name=job["term_name"], base_url=job["base_url"], dry_run=True
            )
        except ScheduleFormatError as exc:
            form.add_error(None, f"This README cannot be imported: {exc}")
        else:
            sessions = sorted(result.schedule.sessions, key=lambda s: s.date)
            for talk in (t for s in sessions for t in s.talks):
                talk.topic = f"Topic {roman(talk.position)}"
            context.update(
                result=result,
                sessions=sessions,
                counts=[(kind, result.counts[kind]) for kind in result.counts],
                payload=signing.dumps(job, salt=IMPORT_SALT, compress=True),
            )
    return render(request, f"{TEMPLATES}/import.html", context)


def _summary(result: ImportResult) -> str:
    """ "Imported 2025 Fall: sessions 15 created; talks 25 created; …" (what changed only)."""
    parts = []
    for kind, tally in result.counts.items():
        done = [
            f"{count} {action}"
            for count, action in (
                (tally.created, "created"),
                (tally.updated, "updated"),
                (tally.removed, "removed"),
            )
            if count
        ]
        if done and kind != "terms":
            parts.append(f"{kind} {', '.join(done)}")
    return f"Imported {result.term.name}: {'; '.join(parts) or 'nothing changed'}."


def _import_confirm(request: HttpRequest) -> HttpResponse:
    """Save what the preview showed: the markdown comes back signed, so nobody can swap it."""
    try:
        job = signing.loads(
            request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
        if job.get("user") != request.user.pk:
            raise signing.BadSignature("preview made for someone else")
    except signing.SignatureExpired:
        error = "This preview is more than six hours old; upload the README again."
    except signing.BadSignature:
        error = "The preview could not be verified; upload the README again. Nothing was saved."
    else:
        try:
            result = import_schedule(
                job["text"], term_name=job["term_name"], base_url=job["base_url"], dry_run=False
            )
        except ScheduleFormatError as exc:
            # The database changed since the preview (e.g. a date taken meanwhile).
            error = f"Nothing was imported: {exc}"
        else:
            messages.success(request, _summary(result))
            return redirect(_dashboard_url(result.term))
    context = {"form": ReadmeUploadForm(), "import_error": error, "nav": "organise"}
    return render(request, f"{TEMPLATES}/import.html", context, status=400)
