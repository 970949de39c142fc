"""Public pages of the catalogue: the searchable list, a proceedings, a paper."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from papers import presented, selectors
from papers.models import Topic
from papers.search.text import MAX_QUERY_WORDS, parse_query
from readinggroup.http import HtmxHttpRequest
from readinggroup.params import QUERY, Choice, Number, Param, Text, bounded_query
from readinggroup.permissions import is_organiser
from readinggroup.safe_urls import external_url

PAGE_SIZE = 25
FILTERS = ("q", "venue", "year", "topic", "presented", "page")
# The bounds of the catalogue's query string (list page, its exports; /api/papers.json adds
# a strict page number):
# out of them is a 400 with the reason before any query runs (readinggroup/params.py).
CATALOGUE_PARAMS: dict[str, Param] = {
    "q": QUERY,
    "venue": Text(max_chars=100),
    # The list page's form reports a year or topic that is no number (lenient); the API refuses.
    "year": Number(high=9999, lenient=True),
    "topic": Number(lenient=True),
    "presented": Choice(("yes", "no")),
    # The list page shows the nearest real page for any other value (Paginator.get_page).
    "page": Text(max_chars=20),
}


class PaperFilterForm(forms.Form):
    """The catalogue's search box and filters; an invalid value is reported and ignored."""

    # No max_length: parse_query cuts a long query to its limits and the page says so.
    q = forms.CharField(required=False, strip=True)
    venue = forms.CharField(required=False, max_length=50)
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    topic = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    presented = forms.TypedChoiceField(
        required=False,
        label=_("Presented"),
        choices=[("", _("Presented or not")), ("yes", _("Presented")), ("no", _("Not presented"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )

    def __init__(self, data, choices: selectors.FilterChoices) -> None:
        super().__init__(data)
        self.choices = choices
        year, topic = self.fields["year"], self.fields["topic"]
        assert isinstance(year, forms.ChoiceField) and isinstance(topic, forms.ChoiceField)
        year.choices = [("", _("Any year"))] + [(y, y) for y in choices.years]
        topic.choices = [("", _("Any topic")), *choices.topics]

    def clean_venue(self) -> str:
        venue = self.cleaned_data["venue"].strip()
        if not venue:
            return ""
        for name in self.choices.venues:
            if name.lower() == venue.lower():
                return name
        raise forms.ValidationError(
            _("No venue called '%(venue)s' in the catalogue.") % {"venue": venue}
        )


def _wants_fragment(request: HtmxHttpRequest) -> bool:
    # A history restore after a cache miss needs the whole page, not the fragment.
    return bool(request.htmx) and not request.htmx.history_restore_request


def catalogue_from_request(
    request: HttpRequest, papers_only: bool = False
) -> tuple[PaperFilterForm, selectors.Listing]:
    """The filter form and the listing it asks for; the catalogue page and its exports read the
    same query string this way. Each of them is behind bounded_query(CATALOGUE_PARAMS), which
    answers 400 for a NUL byte before this runs; without it, parse_query raises QueryError."""
    choices = selectors.filter_choices()
    form = PaperFilterForm(request.GET, choices)
    form.is_valid()
    filters = form.cleaned_data
    # A NUL byte fails the field; the raw text then reaches parse_query, which refuses it.
    raw_q = filters.get("q") if "q" in filters else request.GET.get("q", "")
    listing = selectors.catalogue(
        query=parse_query(raw_q),
        venue=filters.get("venue", ""),
        year=filters.get("year"),
        topic=filters.get("topic"),
        presented=filters.get("presented"),
        papers_only=papers_only,
    )
    return form, listing


@require_safe
@bounded_query(CATALOGUE_PARAMS)
@vary_on_headers("HX-Request")
def paper_list(request: HtmxHttpRequest) -> HttpResponse:
    form, listing = catalogue_from_request(request)
    filters = form.cleaned_data
    choices = form.choices
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [hit.paper for hit in page.object_list if hit.paper is not None]
    presented.attach_showings(shown)
    selectors.attach_topics(shown)
    context = {
        "query": listing.query,
        "max_words": MAX_QUERY_WORDS,
        "nav": "papers",
        "form": form,
        "choices": choices,
        "filters": filters,
        "filtered": any(filters.get(name) for name in ("q", "venue", "year", "topic"))
        or filters.get("presented") is not None,
        "page": page,
    }
    if not _wants_fragment(request):
        return render(request, "papers/paper_list.html", context)
    response = render(request, "papers/paper_list.html#results", context)
    # The address bar shows the filters in use, not every empty field of the form.
    used = [(name, value) for name, value in request.GET.items() if name in FILTERS and value]
    push_url(response, reverse("papers:list") + (f"?{urlencode(used)}" if used else ""))
    return response


def _topic_chains(topics: list[Topic]) -> list[list[Topic]]:
    """Each topic as the list of nodes from its area down (parents are select_related)."""
    chains: list[list[Topic]] = []
    for topic in topics:
        chain: list[Topic] = []
        node: Topic | None = topic
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        chains.append(chain)
    return sorted(chains, key=lambda chain: [node.name.lower() for node in chain])


@require_safe
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Organisers also see a paper kept out of the public catalogue, to decide about it.
    paper = selectors.paper_detail(pk, include_hidden=is_organiser(request.user))
    if paper is None:
        raise Http404(_("No such paper."))
    context = {
        "nav": "papers",
        "paper": paper,
        "topic_chains": _topic_chains(list(paper.topics.all())),
    }
    return render(request, "papers/paper_detail.html", context)


@require_safe
def proceedings_detail(request: HttpRequest, venue: str, year: int) -> HttpResponse:
    proceedings = selectors.get_proceedings(venue, year)
    if proceedings is None:
        raise Http404(_("No such proceedings."))
    if venue != proceedings.venue.name.lower():
        return redirect(proceedings, permanent=True)
    outline = selectors.proceedings_outline(proceedings)
    context = {
        "nav": "papers",
        "proceedings": proceedings,
        "homepage": external_url(proceedings.homepage),
        "paper_lists": [(url, external_url(url)) for url in proceedings.paper_list_urls or []],
        "outline": outline,
        "paper_count": sum(len(papers) for _, sections in outline for _, papers in sections),
        "acronyms": list(proceedings.acronyms.order_by("pk")),
    }
    return render(request, "papers/proceedings_detail.html", context)
