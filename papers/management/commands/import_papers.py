"""python manage.py import_papers FILE: a conference list (markdown) into the catalogue."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from papers.catalogue_import import CatalogueImportError
from papers.conference_list import ParseError
from papers.import_stamps import import_text
from readinggroup.text_files import read_for_command


class Command(BaseCommand):
    help = (
        "Import a conference paper list in the community's markdown format (e.g. "
        "tests/fixtures/sosp-2025.md). Re-importing changes nothing; an edited list updates "
        "the catalogue in place. Lines the reader cannot place are reported as FILE:LINE "
        "warnings; only a file that is not a conference list at all is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the markdown file")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        text = read_for_command(self, path)
        try:
            summary = import_text(text, dry_run=options["dry_run"])
        except (ParseError, CatalogueImportError) as exc:
            raise CommandError(f"{path}:{exc.line}: {exc.message}") from exc
        for issue in summary.issues:
            self.stderr.write(self.style.WARNING(f"{path}:{issue.line}: {issue.message}"))
        style = self.style.SUCCESS if summary.changed else self.style.NOTICE
        lines = summary.lines()
        prefix = "(dry run, nothing written) " if options["dry_run"] else ""
        self.stdout.write(style(prefix + lines[0]))
        for line in lines[1:]:
            self.stdout.write(f"  {line}")
        if summary.from_stamp:
            self.stdout.write(
                "  (the catalogue is as this file's last import left it: nothing was compared "
                "or written)"
            )
