"""manage.py backup FILE: one archive of the whole data (database dump and uploaded files)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from readinggroup import backup


class Command(BaseCommand):
    help = "Write one archive (.tar.gz) of the whole data: every table's rows and MEDIA_ROOT."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", type=Path, help="Where to write the archive, e.g. backup.tar.gz"
        )

    def handle(self, *args, file: Path, **options) -> None:
        summary = backup.backup(file)
        self.stdout.write(f"{file}: {summary.objects} rows and {summary.files} uploaded file(s).")
