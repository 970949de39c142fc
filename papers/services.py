"""Business rules of the catalogue that more than one entry point shares."""

from __future__ import annotations

from papers.identifiers import normalize_title
from papers.models import Paper


def find_paper(*, arxiv_id: str = "", doi: str = "", title: str = "") -> Paper | None:
    """The catalogue's paper for these identifiers: arXiv id first, then DOI, then title.

    One paper, one row: whichever entry point meets a paper (a conference list, a schedule
    line, a pasted link) asks here before creating one.
    """
    if arxiv_id:
        paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
        if paper is not None:
            return paper
    if doi:
        paper = Paper.objects.filter(doi=doi.lower()).first()
        if paper is not None:
            return paper
    normalized = normalize_title(title)
    if normalized:
        return Paper.objects.filter(normalized_title=normalized).order_by("id").first()
    return None
