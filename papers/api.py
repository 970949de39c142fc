"""Read-only JSON: /api/papers.json, the catalogue with the list page's filters, paginated.

With `q` the results are ranked by relevance (best first), papers only; without, list order."""

from __future__ import annotations

from typing import overload

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from papers import presented, selectors
from papers.models import Paper
from papers.search.text import QueryError
from papers.venues import PREPRINT_VENUE

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class BadRequest(ValueError):
    pass


@overload
def _int_param(request: HttpRequest, name: str, default: int) -> int: ...
@overload
def _int_param(request: HttpRequest, name: str, default: None = None) -> int | None: ...
def _int_param(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise BadRequest(f"{name} must be 1 or more, got {value}")
    return value


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
def paper_list(request: HttpRequest) -> JsonResponse:
    try:
        year = _int_param(request, "year")
        topic = _int_param(request, "topic")
        number = _int_param(request, "page", 1)
        size = min(_int_param(request, "page_size", PAGE_SIZE), MAX_PAGE_SIZE)
    except BadRequest as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    flag = request.GET.get("presented", "").strip().lower()
    if flag not in ("", "yes", "no"):
        return JsonResponse({"error": f"presented must be yes or no, got {flag!r}"}, status=400)
    try:
        listing = selectors.catalogue(
            request.GET.get("q", ""),
            venue=request.GET.get("venue", ""),
            year=year,
            topic=topic,
            presented={"yes": True, "no": False}.get(flag),
            papers_only=True,
        )
    except QueryError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
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
