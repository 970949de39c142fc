"""python manage.py export_schedule --term SLUG: a term back into the group's README format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions.models import Term
from sessions.readme.exporter import export_term


class Command(BaseCommand):
    help = "Write a term's schedule in the group's README format (to stdout or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--term", required=True, dest="slug", help="the term's slug")
        parser.add_argument("--output", type=Path, help="write to this file instead of stdout")
        parser.add_argument(
            "--site-url",
            default="",
            help="the site's address (e.g. https://group.example.org), so that links to "
            "uploaded slides work outside the site",
        )

    def handle(self, *args, **options) -> None:
        term = Term.objects.filter(slug=options["slug"]).first()
        if term is None:
            known = ", ".join(Term.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no term with slug {options['slug']!r} (known: {known})")
        text = export_term(term, site_url=options["site_url"])
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write ({exc.strerror or exc})") from exc
        self.stderr.write(self.style.SUCCESS(f"Wrote {term.name} to {output}"))
