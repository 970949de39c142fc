"""What a delete takes with it, and what it leaves: nothing the schedule shows is lost silently.

- Deleting a catalogue paper keeps its talks (the foreign key is SET NULL) and, before the row
  goes, copies the paper's title, a link to it and its venue tag onto each talk that had none of
  its own, so the talk still says what was presented instead of "(topic to be chosen)".
- Deleting a talk (alone, or with its session or term) removes its uploaded slides file from
  storage once the delete is committed; a rolled-back delete keeps the file.

Both run from model signals (connected in sessions.signals.connect), so the admin, the organiser
pages, queryset deletes and cascades all get them.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from papers.models import Paper, PaperLink
from sessions.models import Talk


def paper_link(paper: Paper) -> str:
    """The best address of the paper itself: arXiv, the DOI, or the list's "Paper" link."""
    if paper.arxiv_url or paper.doi_url:
        return paper.arxiv_url or paper.doi_url
    link = (
        PaperLink.objects.filter(paper=paper, kind__in=[PaperLink.Kind.PAPER, PaperLink.Kind.ARXIV])
        .exclude(url="")
        .order_by("position", "id")
        .first()
    )
    return link.url if link else ""


def keep_talks_of_paper(paper: Paper) -> int:
    """Copy what the talks show of `paper` onto them, before the paper is deleted."""
    talks = list(Talk.objects.filter(paper=paper))
    if not talks:
        return 0
    link = paper_link(paper)
    label = paper.venue_label
    now = timezone.now()
    for talk in talks:
        talk.updated_at = now
        talk.title = talk.title or paper.title[: Talk._meta.get_field("title").max_length]
        talk.url = talk.url or link[: Talk._meta.get_field("url").max_length]
        talk.venue_label = (
            talk.venue_label or label[: Talk._meta.get_field("venue_label").max_length]
        )
    Talk.objects.bulk_update(talks, ["title", "url", "venue_label", "updated_at"])
    return len(talks)


def paper_deleting(sender, instance: Paper, **kwargs) -> None:
    keep_talks_of_paper(instance)


def talk_deleted(sender, instance: Talk, **kwargs) -> None:
    # The current slides and an upload still waiting for the slides task.
    for field in (instance.slides_file, instance.slides_pending):
        name = field.name
        if not name:  # a FieldFile is empty exactly when it has no name
            continue
        storage = field.storage
        transaction.on_commit(partial(storage.delete, name), using=kwargs.get("using"))
