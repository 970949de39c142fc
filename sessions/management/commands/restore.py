"""manage.py restore FILE [--force]: read a `manage.py backup` archive into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from readinggroup import backup
from sessions.models import Talk
from sessions.search import index_talk


class Command(BaseCommand):
    help = (
        "Load a backup archive into this database (migrated, empty) and MEDIA_ROOT. "
        "A database that holds data is refused unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="An archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete ALL data in this database first (manage.py flush), then restore. "
            "Uploaded files of the archive overwrite files of the same name; others stay.",
        )

    def handle(self, *args, file: Path, force: bool, **options) -> None:
        try:
            summary = backup.restore(file, force=force)
        except backup.RestoreError as exc:
            raise CommandError(str(exc)) from None
        # The search index is not in the archive: the papers' rows came back with the papers
        # (database triggers); the slides' rows are written here, as a slides upload would.
        talks = Talk.objects.exclude(slides_text="").select_related("session__term", "paper")
        for talk in talks:
            index_talk(talk)
        self.stdout.write(f"Restored {summary.objects} rows and {summary.files} uploaded file(s).")
