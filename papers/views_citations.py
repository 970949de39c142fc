"""Citations: BibTeX and CSL-JSON of one paper or of any catalogue search."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from papers import citations, selectors
from papers.models import Paper
from papers.views import CATALOGUE_PARAMS, catalogue_from_request
from readinggroup.params import bounded_query

# One export holds at most this many papers: a whole 100,000-paper catalogue is a bulk dump,
# not a citation list (export_papers is for that).
MAX_EXPORT = 2000

BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"
CSL_TYPE = "application/vnd.citationstyles.csl+json; charset=utf-8"


def download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # Inline: a browser shows the text; "Save as" keeps the name.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _paper(pk: int) -> Paper:
    paper = selectors.paper_detail(pk)
    if paper is None:
        raise Http404(_("No such paper."))
    return paper


@require_safe
def paper_bib(request: HttpRequest, pk: int) -> HttpResponse:
    paper = _paper(pk)
    return download(citations.bibtex([paper]), BIBTEX_TYPE, f"paper-{pk}.bib")


@require_safe
def paper_csl(request: HttpRequest, pk: int) -> HttpResponse:
    paper = _paper(pk)
    body = json.dumps(citations.csl_json([paper]), ensure_ascii=False, indent=2)
    return download(body, CSL_TYPE, f"paper-{pk}.json")


def _selected(request: HttpRequest) -> list[Paper]:
    # Citations are of papers: a talk whose slides matched has nothing to cite.
    _, listing = catalogue_from_request(request, papers_only=True)
    return [hit.paper for hit in listing[:MAX_EXPORT]]


@require_safe
@bounded_query(CATALOGUE_PARAMS)
def export_bib(request: HttpRequest) -> HttpResponse:
    papers = _selected(request)
    return download(citations.bibtex(papers), BIBTEX_TYPE, "papers.bib")


@require_safe
@bounded_query(CATALOGUE_PARAMS)
def export_csl(request: HttpRequest) -> HttpResponse:
    papers = _selected(request)
    body = json.dumps(citations.csl_json(papers), ensure_ascii=False, indent=2)
    return download(body, CSL_TYPE, "papers.json")
