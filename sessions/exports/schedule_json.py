"""Read-only JSON of the schedule: /api/schedule.json[?term=SLUG | ?page=N].

Without `term` the answer is paged by terms, newest terms first: page 1 holds the latest
TERMS_PER_PAGE terms, and a `Link` header (RFC 8288) points at the next (older) and previous
pages, so the body keeps one shape, `{"terms": [...]}`, terms and sessions oldest first.

Built from the `.values()` stand-ins of sessions.exports.rows (four queries, whatever the
size); the rules for titles, venues and links are the models' and selectors' own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from readinggroup.params import Number, Text, bounded_query
from sessions.caching import schedule_cached
from sessions.exports.rows import as_model, talks_by_session
from sessions.models import Session, Term
from sessions.readme.exporter import slides_link
from sessions.selectors import talk_link, talk_venue

TERMS_PER_PAGE = 10
# Pages of terms: far more than a group will ever have.
MAX_PAGE = 10**6


def _talks_by_session(session_ids: list[int], site_url: str) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = defaultdict(list)
    for session_id, talks in talks_by_session(session_ids).items():
        for row in talks:
            talk = as_model(row)  # read by the selectors' rules, typed for Talk
            has_paper = talk.paper is not None
            result[session_id].append(
                {
                    "position": talk.position,
                    "title": talk.display_title if (talk.title or has_paper) else "",
                    "venue": talk_venue(talk),
                    "url": talk_link(talk),
                    "arxiv_id": (talk.paper.arxiv_id or "") if has_paper else "",
                    "doi": (talk.paper.doi or "") if has_paper else "",
                    "presenters": [
                        {
                            "name": presenter.person.name,
                            "affiliation": presenter.person.affiliation,
                            "role": presenter.role,
                            # A sign-up an organiser has not confirmed yet (the page's "pending").
                            "confirmed": presenter.confirmed,
                        }
                        for presenter in talk.presenters
                    ],
                    "slides_url": slides_link(talk, site_url),
                    "video_url": talk.video_url,
                    "summary_url": talk.summary_url,
                }
            )
    return result


def schedule_data(terms: Sequence[Term], site_url: str = "") -> dict:
    """{"terms": [{"name", "slug", "sessions": [...]}]}: the given terms, in the given order,
    their sessions oldest first. Four queries for the sessions, talks and presenters."""
    sessions = list(
        Session.objects.filter(term_id__in=[term.pk for term in terms])
        .order_by("date", "id")
        .values("id", "term_id", "date", "kind", "title")
    )
    talks = _talks_by_session([row["id"] for row in sessions], site_url)
    by_term: dict[int, list[dict]] = defaultdict(list)
    for row in sessions:
        by_term[row["term_id"]].append(
            {
                "date": row["date"].isoformat(),
                "kind": row["kind"],
                "title": row["title"],
                "talks": talks.get(row["id"], []),
            }
        )
    return {
        "terms": [
            {"name": term.name, "slug": term.slug, "sessions": by_term.get(term.pk, [])}
            for term in terms
        ]
    }


def schedule_page(page: int) -> tuple[list[Term], bool]:
    """Page `page` (from 1) of the terms, newest TERMS_PER_PAGE first, listed oldest first;
    and whether an older page follows."""
    start = (page - 1) * TERMS_PER_PAGE
    newest_first = list(
        Term.objects.order_by("-start_date", "-id").only("id", "name", "slug")[
            start : start + TERMS_PER_PAGE + 1
        ]
    )
    more = len(newest_first) > TERMS_PER_PAGE
    return newest_first[:TERMS_PER_PAGE][::-1], more


@require_safe
@bounded_query(
    {"term": Text(max_chars=100), "page": Number(high=MAX_PAGE, default=1)}, as_json=True
)
@schedule_cached(params=("term", "page"))
def schedule_json(request: HttpRequest) -> JsonResponse:
    site_url = request.build_absolute_uri("/").rstrip("/")
    slug = request.GET.get("term")
    links = []
    if slug is not None:
        slug = request.params["term"]  # type: ignore[attr-defined]
        terms = list(Term.objects.filter(slug=slug).only("id", "name", "slug"))
        if not terms:
            return JsonResponse({"error": f"no term with slug {slug[:100]!r}"}, status=404)
    else:
        page = request.params["page"]  # type: ignore[attr-defined]
        terms, more = schedule_page(page)
        if not terms and page > 1:
            return JsonResponse({"error": f"no page {page}"}, status=404)
        if more:
            links.append(f'<{request.path}?page={page + 1}>; rel="next"')
        if page > 1:
            links.append(f'<{request.path}?page={page - 1}>; rel="prev"')
    response = JsonResponse(
        schedule_data(terms, site_url), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    if links:
        response["Link"] = ", ".join(links)
    return response
