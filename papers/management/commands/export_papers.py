"""python manage.py export_papers --venue SOSP --year 2025: a proceedings as a conference list."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from papers.catalogue_import import conference_list_from_db
from papers.conference_list import write
from papers.models import Proceedings


class Command(BaseCommand):
    help = (
        "Write one proceedings (venue + year) in the community's conference-list markdown, "
        "the format import_papers reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", required=True, help="venue name, e.g. SOSP")
        parser.add_argument("--year", required=True, type=int, help="e.g. 2025")
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, **options) -> None:
        venue, year = options["venue"], options["year"]
        proceedings = (
            Proceedings.objects.select_related("venue")
            .filter(venue__name__iexact=venue, year=year)
            .first()
        )
        if proceedings is None:
            known = ", ".join(str(p) for p in Proceedings.objects.select_related("venue")) or "none"
            raise CommandError(f"no proceedings {venue} {year} in the catalogue (known: {known})")
        text = write(conference_list_from_db(proceedings))
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the file ({exc.strerror or exc})") from exc
        count = proceedings.papers.count()
        self.stderr.write(self.style.SUCCESS(f"Wrote {proceedings} ({count} papers) to {output}"))
