"""Read-only JSON of the schedule: /api/schedule.json[?term=SLUG]."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from sessions.caching import schedule_cached
from sessions.models import Session, Talk, Term
from sessions.readme.exporter import ordered_presenters, slides_link
from sessions.selectors import schedule_terms, talk_link, talk_venue


def talk_data(talk: Talk, site_url: str = "") -> dict:
    paper = talk.paper if talk.paper_id else None
    return {
        "position": talk.position,
        "title": talk.display_title if (talk.title or paper) else "",
        "venue": talk_venue(talk),
        "url": talk_link(talk),
        "arxiv_id": paper.arxiv_id if paper else "",
        "doi": paper.doi if paper else "",
        "presenters": [
            {"name": row.person.name, "affiliation": row.person.affiliation, "role": row.role}
            for row in ordered_presenters(talk)
        ],
        "slides_url": slides_link(talk, site_url),
        "video_url": talk.video_url,
        "summary_url": talk.summary_url,
    }


def session_data(session: Session, site_url: str = "") -> dict:
    return {
        "date": session.date.isoformat(),
        "kind": session.kind,
        "title": session.title,
        "talks": [talk_data(talk, site_url) for talk in session.talks.all()],
    }


def schedule_data(terms: list[Term], site_url: str = "") -> dict:
    """{"terms": [{"name", "slug", "sessions": [...]}]}: terms and sessions oldest first."""
    return {
        "terms": [
            {
                "name": term.name,
                "slug": term.slug,
                "sessions": [session_data(s, site_url) for s in term.sessions.all()],
            }
            for term in terms
        ]
    }


@require_safe
@schedule_cached
def schedule_json(request: HttpRequest) -> JsonResponse:
    slug = request.GET.get("term")
    terms = schedule_terms(slug)
    if slug is not None and not terms:
        return JsonResponse({"error": f"no term with slug {slug[:100]!r}"}, status=404)
    site_url = request.build_absolute_uri("/").rstrip("/")
    response = JsonResponse(
        schedule_data(terms, site_url), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
