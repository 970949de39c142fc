"""python manage.py fetch_arxiv [--all | --stale | ID ...] [--wait] [--force]"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from papers.arxiv.sync import papers_due_for_refresh
from papers.identifiers import (
    ArxivId,
    InvalidArxivId,
    looks_like_arxiv_id,
    parse_arxiv_id,
    validate_arxiv_id,
)
from papers.models import Paper
from papers.services import get_or_create_arxiv_paper, request_fetch


class Command(BaseCommand):
    help = (
        "Queue arXiv metadata fetches: for the papers named (catalogue ids like 12, or arXiv "
        "ids/links, added if new), for --all papers with an arXiv id, or for the --stale ones "
        "(never fetched, failed and due again, fetched over ARXIV_REFRESH_AFTER_DAYS ago). "
        "With --wait, report per paper what happened."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", help="paper ids or arXiv ids / links")
        parser.add_argument("--all", action="store_true", help="every paper with an arXiv id")
        parser.add_argument("--stale", action="store_true", help="papers due for a refresh")
        parser.add_argument("--wait", action="store_true", help="wait and report per paper")
        parser.add_argument(
            "--force", action="store_true", help="also overwrite fields edited by hand"
        )
        parser.add_argument(
            "--timeout", type=float, default=900.0, help="seconds --wait waits (default 900)"
        )

    def handle(self, *args, **options) -> None:
        chosen = [bool(options["ids"]), options["all"], options["stale"]]
        if sum(chosen) != 1:
            raise CommandError("Name papers, or give --all, or give --stale (exactly one).")

        # One transaction: the fetches go out once the papers (new ones too) are committed.
        with transaction.atomic():
            if options["all"]:
                paper_ids = list(
                    Paper.objects.exclude(arxiv_id="").order_by("pk").values_list("pk", flat=True)
                )
            elif options["stale"]:
                paper_ids = list(papers_due_for_refresh().values_list("pk", flat=True))
            else:
                paper_ids = self._resolve(options["ids"])
            # Added papers are queued with the others, so they share batches.
            queued = request_fetch(paper_ids, force=options["force"])
        self.stdout.write(f"Queued {len(queued)} paper(s) for an arXiv metadata fetch.")
        if options["wait"] and queued:
            self._wait_and_report(queued, options["timeout"])

    def _resolve(self, tokens: list[str]) -> list[int]:
        """Paper ids for the tokens, new arXiv ids added. Checks every token first, so a typo
        anywhere changes nothing."""
        paper_pks: list[int] = []
        arxiv_ids: list[ArxivId] = []
        problems: list[str] = []
        for token in tokens:
            if token.isdigit():
                paper_pks.append(int(token))
            elif (arxiv_id := parse_arxiv_id(token)) is not None:
                arxiv_ids.append(arxiv_id)
            elif looks_like_arxiv_id(token):
                try:
                    validate_arxiv_id(token)
                except InvalidArxivId as exc:
                    problems.append(str(exc))
            else:
                problems.append(f"{token!r} is neither a paper id nor an arXiv id or link")
        known = dict(
            Paper.objects.filter(pk__in=paper_pks).values_list("pk", "arxiv_id").order_by("pk")
        )
        for pk in paper_pks:
            if pk not in known:
                problems.append(f"there is no paper {pk}")
            elif not known[pk]:
                problems.append(f"paper {pk} has no arXiv id")
        if problems:
            raise CommandError("; ".join(problems) + ". Nothing was queued.")

        resolved = list(paper_pks)
        for arxiv_id in arxiv_ids:
            paper, created = get_or_create_arxiv_paper(arxiv_id.id)
            if created:
                self.stdout.write(f"Added paper {paper.pk} for arXiv {paper.arxiv_id}.")
            resolved.append(paper.pk)
        return resolved

    def _wait_and_report(self, paper_ids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            waiting = Paper.objects.filter(
                pk__in=paper_ids, fetch_status=Paper.FetchStatus.QUEUED
            ).count()
            if not waiting or time.monotonic() >= deadline:
                break
            time.sleep(1.0)

        counts: dict[str, int] = {}
        papers = Paper.objects.filter(pk__in=paper_ids).order_by("pk")
        for paper in papers:
            status = paper.fetch_status
            counts[status] = counts.get(status, 0) + 1
            arxiv = f"{paper.arxiv_id}v{paper.arxiv_version}" if paper.arxiv_version else ""
            line = f"{paper.pk:>6}  {arxiv or paper.arxiv_id:<20} {status:<8} "
            if status in (Paper.FetchStatus.FAILED, Paper.FetchStatus.MISSING):
                line += f"{paper.fetch_error} (attempt {paper.fetch_attempts})"
            elif status == Paper.FetchStatus.QUEUED:
                line += "still queued: is a Celery worker running?"
            else:
                line += paper.title
            failed = status in (Paper.FetchStatus.FAILED, Paper.FetchStatus.MISSING)
            style = self.style.ERROR if failed else self.style.SUCCESS
            self.stdout.write(style(line) if status != Paper.FetchStatus.QUEUED else line)
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        self.stdout.write(f"Done: {summary}.")
        if counts.get(Paper.FetchStatus.QUEUED):
            raise CommandError(
                f"{counts[Paper.FetchStatus.QUEUED]} paper(s) still queued after {timeout:g} s."
            )
