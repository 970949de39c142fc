"""Read-only JSON of the schedule: /api/schedule.json[?term=SLUG | ?page=N].

Without `term` the answer is paged by terms, newest terms first: page 1 holds the latest
TERMS_PER_PAGE terms, and a `Link` header (RFC 8288) points at the next (older) and previous
pages, so the body keeps one shape, `{"terms": [...]}`, terms and sessions oldest first.

Built from `.values()` rows rather than model objects (four queries, whatever the size); the
rules for titles, venues and links are the models' and selectors' own, read from a small
stand-in per talk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace
from typing import cast

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from papers.models import Paper, Venue
from sessions.caching import schedule_cached
from sessions.models import Presenter, Session, Talk, Term
from sessions.readme.exporter import slides_link
from sessions.selectors import talk_link, talk_venue

TERMS_PER_PAGE = 10

_PAPER_FIELDS = {
    "paper__title": "title",
    "paper__arxiv_id": "arxiv_id",
    "paper__doi": "doi",
    "paper__proceedings_id": "proceedings_id",
}


class _VenueRow(SimpleNamespace):
    Kind = Venue.Kind
    is_preprint = Venue.is_preprint


class _PaperRow(SimpleNamespace):
    # The models' own properties, so the rules keep their one home.
    venue_label = Paper.venue_label
    arxiv_url = Paper.arxiv_url
    doi_url = Paper.doi_url


class _TalkRow(SimpleNamespace):
    display_title = Talk.display_title


def _talk(row: dict) -> Talk:
    """A stand-in for a Talk (and its paper) carrying the row, so that display_title,
    talk_venue, talk_link and slides_link apply their one rule; model instances would cost
    most of the render. Typed as the Talk it stands in for: it has what those rules read."""
    paper = None
    if row["paper_id"] is not None:
        proceedings = None
        if row["paper__proceedings_id"] is not None:
            proceedings = SimpleNamespace(
                year=row["paper__proceedings__year"],
                venue=_VenueRow(
                    name=row["paper__proceedings__venue__name"],
                    kind=row["paper__proceedings__venue__kind"],
                ),
            )
        paper = _PaperRow(
            **{name: row[key] for key, name in _PAPER_FIELDS.items()}, proceedings=proceedings
        )
    stand_in = _TalkRow(
        pk=row["id"],
        position=row["position"],
        title=row["title"],
        url=row["url"],
        venue_label=row["venue_label"],
        slides_url=row["slides_url"],
        slides_file=row["slides_file"],
        video_url=row["video_url"],
        summary_url=row["summary_url"],
        paper_id=row["paper_id"],
        paper=paper,
    )
    return cast(Talk, stand_in)


def _presenters_by_talk(talk_ids: list[int]) -> dict[int, list[dict]]:
    # Lead first, then supporters as they signed up: readme.exporter.ordered_presenters' order.
    lead_first = Case(
        When(role=Presenter.Role.LEAD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = (
        Presenter.objects.filter(talk_id__in=talk_ids)
        .order_by("talk_id", lead_first, "position", "id")
        .values_list("talk_id", "person__name", "person__affiliation", "role")
    )
    result: dict[int, list[dict]] = defaultdict(list)
    for talk_id, name, affiliation, role in rows:
        result[talk_id].append({"name": name, "affiliation": affiliation, "role": role})
    return result


def _talks_by_session(session_ids: list[int], site_url: str) -> dict[int, list[dict]]:
    rows = list(
        Talk.objects.filter(session_id__in=session_ids)
        .order_by("session_id", "position")
        .values(
            "id",
            "session_id",
            "position",
            "title",
            "url",
            "venue_label",
            "slides_url",
            "slides_file",
            "video_url",
            "summary_url",
            "paper_id",
            *_PAPER_FIELDS,
            "paper__proceedings__year",
            "paper__proceedings__venue__name",
            "paper__proceedings__venue__kind",
        )
    )
    presenters = _presenters_by_talk([row["id"] for row in rows])
    result: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        talk = _talk(row)
        has_paper = row["paper_id"] is not None
        result[row["session_id"]].append(
            {
                "position": talk.position,
                "title": talk.display_title if (talk.title or has_paper) else "",
                "venue": talk_venue(talk),
                "url": talk_link(talk),
                "arxiv_id": row["paper__arxiv_id"] or "",
                "doi": row["paper__doi"] or "",
                "presenters": presenters.get(row["id"], []),
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


def _page_number(value: str | None) -> int | None:
    if value is None:
        return 1
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else None


@require_safe
@schedule_cached(params=("term", "page"))
def schedule_json(request: HttpRequest) -> JsonResponse:
    site_url = request.build_absolute_uri("/").rstrip("/")
    slug = request.GET.get("term")
    links = []
    if slug is not None:
        terms = list(Term.objects.filter(slug=slug).only("id", "name", "slug"))
        if not terms:
            return JsonResponse({"error": f"no term with slug {slug[:100]!r}"}, status=404)
    else:
        page = _page_number(request.GET.get("page"))
        if page is None:
            return JsonResponse({"error": "page must be a positive whole number"}, status=400)
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
