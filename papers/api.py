"""Read-only JSON: /api/papers.json, the catalogue with the list page's filters, paginated.

With `q` the results are ranked by relevance (best first), papers only; without, list order."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from papers import presented, selectors
from papers.models import Paper
from papers.search.text import QueryError
from papers.venues import PREPRINT_VENUE
from papers.views import CATALOGUE_PARAMS
from readinggroup.params import Number, bounded_query

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _page_url(request: HttpRequest, number: int | None) -> str | None:
    if number is None:
        return None
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def paper_json(request: HttpRequest, paper: Paper) -> dict:
    proceedings = paper.proceedings
    year: int | None
    if proceedings is not None:
        venue, year = proceedings.venue.name, proceedings.year
    else:
        venue = PREPRINT_VENUE if paper.arxiv_id else ""
        year = paper.arxiv_published.year if paper.arxiv_published else None
    return {
        "id": paper.pk,
        "url": request.build_absolute_uri(paper.get_absolute_url()),
        "title": paper.title,
        "venue": venue,
        "year": year,
        "topics": sorted(topic.path for topic in paper.topics.all()),
        "authors": list(paper.authors or []),
        "affiliations": paper.affiliations,
        "system_name": paper.system_name,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "links": [{"kind": link.kind, "url": link.url} for link in paper.links.all()],
        # The dates the group presented it (papers/presented.py), oldest first.
        "presented": [day.isoformat() for day in paper.showings.presented],
    }


@require_safe
@bounded_query(
    {
        **CATALOGUE_PARAMS,
        "year": Number(high=9999),
        "topic": Number(),
        "page": Number(default=1),
        "page_size": Number(default=PAGE_SIZE),
    },
    as_json=True,
)
def paper_list(request: HttpRequest) -> JsonResponse:
    params = request.params  # type: ignore[attr-defined]
    try:
        listing = selectors.catalogue(
            params["q"],
            venue=params["venue"],
            year=params["year"],
            topic=params["topic"],
            presented={"yes": True, "no": False}.get(params["presented"]),
            papers_only=True,
        )
    except QueryError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    number = params["page"]
    size = min(params["page_size"], MAX_PAGE_SIZE)
    paginator = Paginator(listing, size)
    if number > paginator.num_pages:
        return JsonResponse(
            {"error": f"page {number} does not exist; there are {paginator.num_pages}"},
            status=404,
        )
    page = paginator.page(number)
    data = {
        "count": paginator.count,
        "next": _page_url(request, page.next_page_number() if page.has_next() else None),
        "previous": _page_url(
            request, page.previous_page_number() if page.has_previous() else None
        ),
        "results": [
            paper_json(request, paper)
            for paper in presented.attach_showings(hit.paper for hit in page.object_list)
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
