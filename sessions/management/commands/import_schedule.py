"""python manage.py import_schedule FILE: a term from the group's README format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readinggroup.text_files import read_for_command
from sessions.readme.importer import import_schedule
from sessions.readme.parsed import ScheduleFormatError


class Command(BaseCommand):
    help = (
        "Import a term's schedule from the group's README (e.g. "
        "tests/fixtures/schedule-2025-fall.md): sessions, talks, presenters, papers. "
        "Re-importing changes nothing; a file that cannot be read changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the README (markdown)")
        parser.add_argument("--term", dest="term_name", help="term name (default: the # heading)")
        parser.add_argument(
            "--base-url",
            default="",
            help="where the README lives, to resolve relative links such as ./slides/x.pdf",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, save nothing"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        text = read_for_command(self, path)
        try:
            result = import_schedule(
                text,
                term_name=options["term_name"],
                base_url=options["base_url"],
                dry_run=options["dry_run"],
            )
        except ScheduleFormatError as exc:
            where = f"{path}:{exc.line}" if exc.line else str(path)
            raise CommandError(f"{where}: {exc.message}") from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"{path}:{warning.line}: {warning.message}"))
        style = self.style.SUCCESS if result.changed else self.style.NOTICE
        lines = result.summary().splitlines()
        self.stdout.write(style(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
