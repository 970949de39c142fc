"""Adding a paper from arXiv in the browser, and watching or re-doing its metadata fetch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from papers.models import Paper
from papers.services import (
    InvalidArxivId,
    add_paper_from_arxiv,
    keep_in_catalogue,
    request_fetch,
)
from readinggroup.http import AuthenticatedHttpRequest, HtmxHttpRequest
from readinggroup.permissions import is_organiser, require
from readinggroup.safe_urls import safe_next

STATUS_FRAGMENT = "papers/partials/fetch_status.html"
_DONE = {Paper.FetchStatus.FETCHED, Paper.FetchStatus.FAILED, Paper.FetchStatus.MISSING}


def _next_or(request: HttpRequest, fallback: str) -> str:
    # One candidate, not two: an unsafe `next` in the form falls back, never to the URL's.
    return safe_next(request, request.POST.get("next") or request.GET.get("next") or "") or fallback


def _status_context(request: HtmxHttpRequest, paper: Paper) -> dict:
    # A fragment swapped into a page keeps that page as where its forms return to.
    page = request.htmx.current_url_abs_path if request.htmx else None
    return {
        "paper": paper,
        "show_title": request.GET.get("title") == "1" or request.POST.get("title") == "1",
        "status_next": page or paper.get_absolute_url(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def add_arxiv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member pastes an arXiv id or link; the paper is found or created and fetched."""
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("arxiv", "")
        try:
            added = add_paper_from_arxiv(text)
        except InvalidArxivId as exc:
            error = str(exc)
        else:
            return redirect(f"{reverse('papers:add_arxiv')}?paper={added.pk}")

    paper: Paper | None = None
    shown = request.GET.get("paper", "")
    if shown.isdigit():
        paper = Paper.objects.filter(pk=int(shown)).exclude(arxiv_id="").first()
    context = {
        "nav": "papers",
        "text": text,
        "error": error,
        "paper": paper,
        "status_next": request.get_full_path(),
    }
    return render(request, "papers/add_arxiv.html", context, status=400 if error else 200)


def _status_fragment(request: HtmxHttpRequest, paper: Paper) -> HttpResponse:
    context = _status_context(request, paper)
    response = render(request, STATUS_FRAGMENT, context)
    if request.htmx and not context["show_title"] and paper.fetch_status in _DONE:
        # The page around the fragment (the paper page) shows the fields the fetch just
        # changed: reload it once. It then polls no more, since the status is final.
        response["HX-Refresh"] = "true"
    return response


@never_cache
@require_safe
def fetch_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The status fragment; while a fetch is queued the fragment polls this view."""
    # A member who pasted an id watches it even when arXiv turns out not to know it.
    papers = Paper.objects.all() if request.user.is_authenticated else Paper.objects.public()
    return _status_fragment(request, get_object_or_404(papers, pk=pk))


@require_POST
@require(is_organiser, gettext_lazy("Only organisers can re-fetch arXiv metadata."))
@vary_on_headers("HX-Request")
def refetch(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """An organiser asks for the paper's metadata again (hand-edited fields are kept)."""
    paper = get_object_or_404(Paper, pk=pk)
    if not paper.arxiv_id:
        messages.error(request, _("This paper has no arXiv id to fetch."))
        return redirect(_next_or(request, paper.get_absolute_url()))
    request_fetch([paper.pk])
    paper.refresh_from_db()
    if request.htmx:
        return _status_fragment(request, paper)
    if paper.fetch_status == Paper.FetchStatus.UNQUEUED:
        messages.warning(request, paper.fetch_error)
    else:
        messages.success(
            request, _("Fetching arXiv metadata for “%(title)s”.") % {"title": paper.title}
        )
    return redirect(_next_or(request, paper.get_absolute_url()))


@require_POST
@require(is_organiser, gettext_lazy("Only organisers decide about papers arXiv does not know."))
def keep_public(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser keeps a paper arXiv does not know in the public catalogue."""
    paper = get_object_or_404(Paper, pk=pk)
    keep_in_catalogue([paper.pk])
    messages.success(request, _("“%(title)s” is in the public catalogue.") % {"title": paper.title})
    return redirect(_next_or(request, paper.get_absolute_url()))
