"""The organiser's term dashboard: one row per session, edited inline, talk slots, presenters.

Views that HTMX calls answer with the changed row(s) for HTMX and with a redirect (or the full
page) for a plain submit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib import messages
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from papers.presented import attach_showings
from papers.selectors import search_papers
from readinggroup.http import AuthenticatedHttpRequest, HtmxHttpRequest
from readinggroup.permissions import organiser_required
from sessions import paging, planning, signups
from sessions.forms.organiser import (
    AssignPresenterForm,
    MoveTalkForm,
    RulesForm,
    SessionForm,
    TalkForm,
    TalkFormSet,
)
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.rules import Problem, check_session, sessions_for_checks
from sessions.views.organiser import TEMPLATES, dashboard_url

# --- rows of the dashboard -----------------------------------------------------------------


@dataclass(frozen=True)
class TalkRow:
    """One talk of a dashboard row: its rule problems, pending sign-ups and venue label."""

    talk: Talk
    problems: list[str]
    pending: list[Presenter]
    label: str


@dataclass
class Row:
    """One session as the dashboard shows it, with its rule problems laid out."""

    session: Session
    problems: list[Problem]
    error: str = ""
    # Rendered with hx-swap-oob: a second row that changed too (the target of a move).
    oob: bool = False
    session_problems: list[Problem] = field(init=False)
    talks: list[TalkRow] = field(init=False)

    def __post_init__(self) -> None:
        by_talk: dict[int, list[str]] = {}
        self.session_problems = []
        for problem in self.problems:
            if problem.talk_id is None:
                self.session_problems.append(problem)
            else:
                by_talk.setdefault(problem.talk_id, []).append(problem.detail)
        self.talks = [
            TalkRow(
                talk=talk,
                problems=by_talk.get(talk.pk, []),
                pending=[p for p in talk.presenters.all() if not p.confirmed],
                label=talk.venue_label or (talk.paper.venue_label if talk.paper else ""),
            )
            for talk in self.session.talks.all()
        ]


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
    # Only these rows, and the page of the first as move targets: a 10,000-session term
    # costs what a small one does.
    by_id = {s.pk: s for s in sessions_for_checks(term).filter(pk__in=session_ids)}
    rows = []
    for index, session_id in enumerate(session_ids):
        session = by_id.get(session_id)
        if session is None:
            continue
        row = _rows(term, [session])[0]
        row.error = error if session_id == (error_session_id or session_ids[0]) else ""
        row.oob = index > 0
        rows.append(row)
    targets = paging.page_of(rows[0].session) if rows else []
    context = _row_context(term, rows, targets)
    return render(request, f"{TEMPLATES}/term.html#session-rows", context)


def _answer(
    request: HtmxHttpRequest,
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
    return HttpResponseRedirect(dashboard_url(term, session))


@organiser_required
@require_GET
def term_dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    page = paging.dashboard_page(term, request.GET.get("page"), timezone.localdate())
    sessions = list(page.object_list)
    rows = _rows(term, sessions)
    context = _row_context(term, rows, sessions)
    context.update(
        nav="organise",
        page=page,
        rules_form=RulesForm(instance=term),
        problem_count=sum(len(row.problems) for row in rows),
        pending_count=Presenter.objects.filter(talk__session__term=term, confirmed=False).count(),
    )
    return render(request, f"{TEMPLATES}/term.html", context)


# --- a session row: view, edit, cancel, talk slots ------------------------------------------


def _session(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("term"), pk=pk)


@organiser_required
@require_GET
@vary_on_headers("HX-Request")
def session_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    if request.htmx:
        return _render_rows(request, session.term, [session.pk])
    return redirect(dashboard_url(session.term, session))


def _edit_forms(
    session: Session, data: QueryDict | None = None
) -> tuple[SessionForm, BaseInlineFormSet[Talk, Session, TalkForm]]:
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
@vary_on_headers("HX-Request")
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    form, talks = _edit_forms(session, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and talks.is_valid():
        deleted = talks.deleted_forms
        try:
            saved = planning.update_session(
                session,
                {name: form.cleaned_data[name] for name in form.changed_data},
                [
                    (f.instance, {name: f.cleaned_data[name] for name in TalkForm.Meta.fields})
                    for f in talks.forms
                    if f.has_changed() and f not in deleted
                ],
                [f.instance for f in deleted if f.instance.pk],
            )
        except planning.PlanningError as exc:
            return _answer(request, session, error=str(exc))
        if request.htmx:
            return _render_rows(request, saved.term, [saved.pk])
        messages.success(
            request,
            _("Saved the session of %(date)s.")
            % {"date": formats.date_format(saved.date, _("d F Y"))},
        )
        return redirect(dashboard_url(saved.term, saved))
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
    return render(request, template, context)


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        planning.cancel_session(session)
    except planning.PlanningError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(
        request,
        session,
        success=_("Cancelled the session of %(date)s.")
        % {"date": formats.date_format(session.date, _("d F"))},
    )


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def talk_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        talk = planning.add_talk_slot(session)
    except planning.PlanningError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(
        request, session, success=_("Added Topic %(topic)s.") % {"topic": talk.roman_position}
    )


def _talk(pk: int) -> Talk:
    return get_object_or_404(Talk.objects.select_related("session__term"), pk=pk)


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def talk_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = _talk(pk)
    try:
        planning.remove_talk_slot(talk)
    except planning.PlanningError as exc:
        return _answer(request, talk.session, error=str(exc))
    return _answer(
        request,
        talk.session,
        success=_("Removed Topic %(topic)s.") % {"topic": talk.roman_position},
    )


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def talk_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = _talk(pk)
    source = talk.session
    form = MoveTalkForm(request.POST, term=source.term)
    if not form.is_valid():
        return _answer(request, source, error=_("Pick the session to move the talk to."))
    target = form.cleaned_data["to_session"]
    try:
        planning.move_talk(talk, target)
    except planning.PlanningError as exc:
        return _answer(request, source, error=str(exc))
    return _answer(
        request,
        source,
        success=_("Moved “%(title)s” to %(date)s.")
        % {"title": talk.display_title, "date": formats.date_format(target.date, _("d F"))},
        also=[target.pk],
    )


# --- presenters ----------------------------------------------------------------------------


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def presenter_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = _talk(pk)
    form = AssignPresenterForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _answer(request, talk.session, error=" ".join(errors))
    data = form.cleaned_data
    try:
        presenter = signups.assign_person_or_guest(
            talk,
            data["role"],
            person=data["person"],
            guest_name=data["guest_name"],
            guest_affiliation=data["guest_affiliation"],
        )
    except signups.SignupError as exc:
        return _answer(request, talk.session, error=str(exc))
    return _answer(
        request,
        talk.session,
        success=_("%(name)s presents Topic %(topic)s as %(role)s.")
        % {
            "name": presenter.person.name,
            "topic": talk.roman_position,
            "role": presenter.get_role_display().lower(),
        },
    )


def _presenter(pk: int) -> Presenter:
    return get_object_or_404(
        Presenter.objects.select_related("talk__session__term", "person"), pk=pk
    )


def _change_presenter(
    request: AuthenticatedHttpRequest,
    pk: int,
    change: Callable[[Presenter], object],
    success: str,
) -> HttpResponse:
    """Apply one sign-up rule (remove, confirm) to a presenter and answer with the session."""
    presenter = _presenter(pk)
    session = presenter.talk.session
    try:
        change(presenter)
    except signups.SignupError as exc:
        return _answer(request, session, error=str(exc))
    return _answer(request, session, success=success % {"name": presenter.person.name})


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def presenter_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _change_presenter(request, pk, signups.remove_presenter, _("Removed %(name)s."))


@organiser_required
@require_POST
@vary_on_headers("HX-Request")
def presenter_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _change_presenter(request, pk, signups.confirm_presenter, _("Confirmed %(name)s."))


@organiser_required
@require_GET
def paper_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """<option>s for the paper field's datalist, from the catalogue search, as one types."""
    # The field's name carries its form prefix (s12-talks-0-paper), so take any *paper value.
    query = next(
        (
            v
            for k, v in request.GET.items()
            if (k == "q" or k.endswith("-paper")) and isinstance(v, str)
        ),
        "",
    ).strip()
    papers = attach_showings(search_papers(query)[:10]) if len(query) >= 2 else []
    return render(request, f"{TEMPLATES}/paper_options.html", {"papers": papers})
