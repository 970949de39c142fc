"""Read-only JSON: /api/papers.json, the catalogue with the list page's filters, paginated.

With `q` the results are ranked by relevance (best first), papers only; without, list order."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from papers import presented, selectors
from papers.models import Paper, PaperLink
from papers.showings import Showings
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


# What a result shows, read as values: a page of 200 builds no model objects.
_PAPER_VALUES = (
    "id",
    "title",
    "authors",
    "affiliations",
    "system_name",
    "arxiv_id",
    "doi",
    "arxiv_published",
    "proceedings__year",
    "proceedings__venue__name",
)


def papers_json(request: HttpRequest, ids: list[int]) -> list[dict]:
    """The papers with these ids, in this order, as the API shows them: four queries (papers,
    topics, links, presented dates) whatever their number; topic paths from the cached
    filter choices."""
    rows = {
        row["id"]: row for row in Paper.objects.public().filter(pk__in=ids).values(*_PAPER_VALUES)
    }
    paths = selectors.filter_choices().topic_paths
    topics: dict[int, list[list[str]]] = defaultdict(list)
    pairs = Paper.topics.through.objects.filter(paper_id__in=ids).values_list(
        "paper_id", "topic_id"
    )
    for paper_id, topic_id in pairs:
        if topic_id not in paths:  # a topic added without the catalogue version moving
            paths = dict(selectors.topic_paths())
        topics[paper_id].append(paths[topic_id])
    links: dict[int, list[dict]] = defaultdict(list)
    for paper_id, kind, url in (
        PaperLink.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position", "pk")
        .values_list("paper_id", "kind", "url")
    ):
        links[paper_id].append({"kind": kind, "url": url})
    shown = presented.showings(rows)
    return [
        _paper_json(request, rows[pk], topics[pk], links[pk], shown[pk]) for pk in ids if pk in rows
    ]


def _paper_json(
    request: HttpRequest, row: dict, topics: list[list[str]], links: list[dict], shown: Showings
) -> dict:
    year: int | None
    if row["proceedings__venue__name"] is not None:
        venue, year = row["proceedings__venue__name"], row["proceedings__year"]
    else:
        venue = PREPRINT_VENUE if row["arxiv_id"] else ""
        year = row["arxiv_published"].year if row["arxiv_published"] else None
    return {
        "id": row["id"],
        "url": request.build_absolute_uri(Paper(pk=row["id"]).get_absolute_url()),
        "title": row["title"],
        "venue": venue,
        "year": year,
        "topics": sorted(topics),
        "authors": list(row["authors"] or []),
        "affiliations": row["affiliations"],
        "system_name": row["system_name"],
        "arxiv_id": row["arxiv_id"],
        "doi": row["doi"],
        "links": links,
        # The dates the group presented it (papers/presented.py), oldest first.
        "presented": [day.isoformat() for day in shown.presented],
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
    listing = selectors.catalogue(
        params["q"],
        venue=params["venue"],
        year=params["year"],
        topic=params["topic"],
        presented={"yes": True, "no": False}.get(params["presented"]),
        papers_only=True,
    )
    number = params["page"]
    size = min(params["page_size"], MAX_PAGE_SIZE)
    paginator = Paginator(listing, size)
    if number > paginator.num_pages:
        return JsonResponse(
            {"error": f"page {number} does not exist; there are {paginator.num_pages}"},
            status=404,
        )
    # The page's bounds as Paginator.page() has them, without its slice of built papers.
    start = (number - 1) * size
    stop = min(start + size, paginator.count)
    data = {
        "count": paginator.count,
        "next": _page_url(request, number + 1 if number < paginator.num_pages else None),
        "previous": _page_url(request, number - 1 if number > 1 else None),
        "results": papers_json(request, listing.paper_ids(start, stop)),
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
