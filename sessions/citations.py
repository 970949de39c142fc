"""A term's presented papers as BibTeX or CSL-JSON (papers' citation builder does the writing)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from papers import citations
from papers.models import Paper
from papers.selectors import with_details
from papers.views_citations import BIBTEX_TYPE, CSL_TYPE, download
from sessions.models import Talk, Term


def term_papers(term: Term) -> list[Paper]:
    """The catalogue papers of the term's talks, in session order, each once."""
    paper_ids = list(
        Talk.objects.filter(session__term=term, paper__isnull=False)
        .order_by("session__date", "position")
        .values_list("paper_id", flat=True)
    )
    order = list(dict.fromkeys(paper_ids))
    papers = with_details(Paper.objects.select_related("proceedings__venue")).in_bulk(order)
    return [papers[pk] for pk in order if pk in papers]


def _term(slug: str) -> Term:
    return get_object_or_404(Term, slug=slug)


@require_safe
def term_bib(request: HttpRequest, slug: str) -> HttpResponse:
    term = _term(slug)
    return download(citations.bibtex(term_papers(term)), BIBTEX_TYPE, f"{term.slug}.bib")


@require_safe
def term_csl(request: HttpRequest, slug: str) -> HttpResponse:
    term = _term(slug)
    body = json.dumps(citations.csl_json(term_papers(term)), ensure_ascii=False, indent=2)
    return download(body, CSL_TYPE, f"{term.slug}.json")
