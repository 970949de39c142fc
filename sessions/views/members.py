"""What a signed-in member does: sign up for talks, withdraw, see their talks, prepare the ones
they lead (paper, slides, links). Views parse the request, call the rule, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from readinggroup.http import AuthenticatedHttpRequest, HtmxHttpRequest
from readinggroup.permissions import is_organiser, signin_redirect
from readinggroup.safe_urls import safe_next
from sessions import preparation, signups, slides
from sessions.forms.members import LinksForm, SlidesForm
from sessions.models import Person, Presenter, Session, SlidesState, Talk
from sessions.people import person_for
from sessions.permissions import lead_or_organiser_required, leads, slides_uploader_required
from sessions.selectors import talks_queryset

SEARCH_LIMIT = 10


# --- helpers ------------------------------------------------------------------------------


def talk_for_display(pk: int) -> Talk:
    """A talk with what schedule/partials/talk.html shows, fetched in a fixed few queries."""
    return get_object_or_404(talks_queryset().select_related("session"), pk=pk)


def _back(request: HttpRequest, talk: Talk) -> str:
    """Where a plain POST returns to: the page it came from, else the talk's session."""
    return safe_next(
        request, request.POST.get("next", ""), request.headers.get("Referer", "")
    ) or _session_url(talk.session)


def _session_url(session: Session) -> str:
    try:
        return session.get_absolute_url()
    except Exception:  # the public session page belongs to the schedule pages; fall back home
        return "/"


def _current_url(request: HtmxHttpRequest) -> str:
    """The page an HTMX request came from (path and query, same origin only), so re-rendered
    forms still carry a good `next`."""
    return (request.htmx.current_url_abs_path or "") if request.htmx else ""


def _talk_response(
    request: HtmxHttpRequest, talk: Talk, *, error: str = "", success: str = ""
) -> HttpResponse:
    """HTMX: the talk re-rendered in place, errors inside it (its new state says what happened).
    Plain POST: a message and a redirect back."""
    if request.htmx:
        context = {
            "talk": talk_for_display(talk.pk),
            "signup_error": error,
            "next_url": _current_url(request),
        }
        return render(request, "schedule/partials/talk.html", context)
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return redirect(_back(request, talk))


# --- sign-ups ----------------------------------------------------------------------------


@require_POST
@vary_on_headers("HX-Request")
def talk_signup(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Talk.objects.select_related("session"), pk=pk)
    if not request.user.is_authenticated:
        return signin_redirect(request, _current_url(request) or _back(request, talk))
    role = request.POST.get("role", "")
    try:
        row = signups.sign_up(talk, person_for(request.user), role)
    except signups.SignupError as exc:
        return _talk_response(request, talk, error=str(exc))
    values = {
        "topic": talk.roman_position,
        "date": formats.date_format(talk.session.date, _("M d")),
    }
    if row.role == Presenter.Role.LEAD:
        success = _(
            "You are the lead of Topic %(topic)s on %(date)s. An organiser will confirm it."
        )
    else:
        success = _(
            "You are a supporter of Topic %(topic)s on %(date)s. An organiser will confirm it."
        )
    return _talk_response(request, talk, success=success % values)


@require_POST
@vary_on_headers("HX-Request")
def talk_withdraw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Talk.objects.select_related("session"), pk=pk)
    if not request.user.is_authenticated:
        return signin_redirect(request, _current_url(request) or _back(request, talk))
    try:
        signups.withdraw(talk, person_for(request.user))
    except signups.SignupError as exc:
        return _talk_response(request, talk, error=str(exc))
    return _talk_response(
        request,
        talk,
        success=_("You withdrew from Topic %(topic)s.") % {"topic": talk.roman_position},
    )


# --- the member's page ---------------------------------------------------------------------


@login_required
def me(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("schedule:member", username=request.user.get_username())


@login_required
@require_safe
def member_page(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(get_user_model().objects.select_related("person"), username=username)
    try:
        person = member.person
    except Person.DoesNotExist:
        person = None
    own = member.pk == request.user.pk
    organiser = is_organiser(request.user)
    today = timezone.localdate()
    rows: QuerySet[Presenter] | list[Presenter] = []
    if person is not None:
        # Through the person's manager, so each row knows its person (for `leads`).
        rows = (
            person.presentations.all()
            .select_related("talk__session", "talk__paper__proceedings__venue")
            .order_by("talk__session__date", "talk__position")
        )
    upcoming: list[dict[str, object]] = []
    past: list[dict[str, object]] = []
    for row in rows:
        item = {
            "presenter": row,
            "talk": row.talk,
            "todo": row.talk.missing(today),
            "can_edit": organiser or leads(request.user, [row]),
        }
        (past if row.talk.is_past(today) else upcoming).append(item)
    past.reverse()
    return render(
        request,
        "schedule/member/member.html",
        {
            "nav": "me" if own else "",
            "member": member,
            "person": person,
            "own": own,
            "show_todo": own or organiser,
            "upcoming": upcoming,
            "past": past,
        },
    )


# --- the lead's talk page ------------------------------------------------------------------


def _search(q: str) -> list:
    from papers.presented import attach_showings
    from papers.selectors import search_papers

    return attach_showings(search_papers(q)[:SEARCH_LIMIT])


@require_safe
@vary_on_headers("HX-Request")
@lead_or_organiser_required
def talk_edit(request: AuthenticatedHttpRequest, talk: Talk) -> HttpResponse:
    talk = talk_for_display(talk.pk)
    q = request.GET.get("q", "").strip()
    results = _search(q) if q else []
    context = {
        "talk": talk,
        "q": q,
        "results": results,
        "links_form": LinksForm(
            initial={"video_url": talk.video_url, "summary_url": talk.summary_url}
        ),
        "slides_form": SlidesForm(),
        "links_allowed": talk.links_allowed(),
        "max_bytes": settings.SLIDES_MAX_BYTES,
    }
    if request.htmx:
        return render(request, "schedule/member/talk_edit.html#paper-results", context)
    return render(request, "schedule/member/talk_edit.html", context)


def _edit_url(talk: Talk) -> str:
    return reverse("schedule:talk_edit", kwargs={"pk": talk.pk})


@require_POST
@lead_or_organiser_required
def talk_paper(request: AuthenticatedHttpRequest, talk: Talk) -> HttpResponse:
    """Choose the talk's paper: one from the catalogue (paper=<id>) or an arXiv id/URL."""
    from papers.models import Paper

    paper = None
    paper_id = request.POST.get("paper", "").strip()
    arxiv = request.POST.get("arxiv", "").strip()
    if paper_id:
        paper = Paper.objects.filter(pk=paper_id).first() if paper_id.isdigit() else None
        if paper is None:
            messages.error(request, _("That paper is not in the catalogue."))
    elif arxiv:
        from papers import services as paper_services

        try:
            paper = paper_services.add_paper_from_arxiv(arxiv)
        except ValueError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Choose a paper from the search results or paste an arXiv id."))
    if paper is not None and paper.pk != talk.paper_id and request.POST.get("confirm") != "1":
        from papers import presented

        shown = presented.showings([paper.pk])[paper.pk]
        if shown.taken:  # warn first: the search results offer "Choose anyway"
            messages.warning(request, presented.warning(paper, shown))
            return redirect(f"{_edit_url(talk)}?{urlencode({'q': paper.title})}")
    if paper is not None:
        preparation.choose_paper(talk, paper)
        messages.success(
            request, _("The paper of this talk is now “%(title)s”.") % {"title": paper.title}
        )
    return redirect(_edit_url(talk))


# Room for the form's other fields and the multipart framing around the file.
MULTIPART_SLACK = 64 * 1024


@csrf_exempt  # checked in _receive_slides, once the uploader is known: the check reads the body
@require_POST
@slides_uploader_required
def talk_slides_upload(request: AuthenticatedHttpRequest, talk: Talk) -> HttpResponse:
    """Nothing of the body is read (no temporary file written) before the uploader is known to
    be allowed; then it is read with the size cut off while reading (slides.SlidesSizeLimit)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.SLIDES_MAX_BYTES + MULTIPART_SLACK:
        messages.error(
            request,
            _("Slides not uploaded: %(reason)s") % {"reason": slides.too_large_message(declared)},
        )
        return redirect(_edit_url(talk))
    limit = slides.SlidesSizeLimit(request, settings.SLIDES_MAX_BYTES)
    request.upload_handlers.insert(0, limit)
    return _receive_slides(request, talk, limit)


@csrf_protect
def _receive_slides(
    request: AuthenticatedHttpRequest, talk: Talk, limit: slides.SlidesSizeLimit
) -> HttpResponse:
    form = SlidesForm(request.POST, request.FILES)
    if limit.exceeded:
        messages.error(
            request, _("Slides not uploaded: %(reason)s") % {"reason": slides.too_large_message()}
        )
        return redirect(_edit_url(talk))
    if not form.is_valid():
        messages.error(request, _("Choose a PDF file to upload."))
        return redirect(_edit_url(talk))
    try:
        talk = slides.submit_slides(talk, form.cleaned_data["slides"])
    except slides.SlidesError as exc:
        messages.error(request, _("Slides not uploaded: %(reason)s") % {"reason": exc})
        return redirect(_edit_url(talk))
    # The task may have run already (eager tasks) or the broker may have refused it.
    talk.refresh_from_db()
    if talk.slides_state == SlidesState.PROCESSING:
        messages.success(request, _("Slides received: they are being processed."))
    elif talk.slides_state == SlidesState.UNQUEUED:
        messages.warning(request, slides_unqueued_message())
    elif talk.slides_state == SlidesState.REFUSED:
        messages.error(
            request, _("Slides not uploaded: %(reason)s") % {"reason": talk.slides_refusal_message}
        )
    else:
        messages.success(
            request,
            ngettext(
                "Slides uploaded (%(pages)d page).",
                "Slides uploaded (%(pages)d pages).",
                talk.slides_pages or 0,
            )
            % {"pages": talk.slides_pages or 0},
        )
    return redirect(_edit_url(talk))


def slides_unqueued_message() -> str:
    return _(
        "Slides received, but they could not be queued for processing (the task queue is "
        "unreachable). They are sent again automatically within a few minutes."
    )


@require_safe
@lead_or_organiser_required
def talk_slides_status(request: AuthenticatedHttpRequest, talk: Talk) -> HttpResponse:
    """The slides part of the talk page, which polls this while an upload is processed."""
    talk = talk_for_display(talk.pk)
    context = {"talk": talk, "max_bytes": settings.SLIDES_MAX_BYTES}
    return render(request, "schedule/member/talk_edit.html#slides", context)


@require_POST
@lead_or_organiser_required
def talk_slides_remove(request: AuthenticatedHttpRequest, talk: Talk) -> HttpResponse:
    slides.remove_slides(talk)
    messages.success(request, _("Slides removed."))
    return redirect(_edit_url(talk))


@require_POST
@lead_or_organiser_required
def talk_links(request: AuthenticatedHttpRequest, talk: Talk) -> HttpResponse:
    form = LinksForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect(_edit_url(talk))
    try:
        preparation.set_links(
            talk,
            video_url=form.cleaned_data["video_url"],
            summary_url=form.cleaned_data["summary_url"],
        )
    except preparation.PreparationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Links saved."))
    return redirect(_edit_url(talk))


@require_safe
def talk_slides(request: HttpRequest, pk: int) -> FileResponse:
    """Anyone may download a talk's slides; served as a PDF attachment, never sniffed."""
    talk = get_object_or_404(Talk, pk=pk)
    if not talk.slides_file:
        raise Http404(_("This talk has no uploaded slides."))
    try:
        handle = talk.slides_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The slides file is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=slides.download_name(talk),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
