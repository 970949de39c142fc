"""The daily reminders by hand: what the beat task does, for a given day, or only listed."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications import reminders


class Command(BaseCommand):
    help = "Queue the reminders due today (or on --today); --dry-run lists them and sends nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to act as today, YYYY-MM-DD")
        parser.add_argument(
            "--dry-run", action="store_true", help="print recipient<TAB>subject per mail, send none"
        )

    def handle(self, *args, today: str | None, dry_run: bool, **options) -> None:
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from exc
        else:
            day = timezone.localdate()
        if dry_run:
            for item in reminders.plan(day):
                self.stdout.write(f"{item.user.email}\t{reminders.subject_of(item)}")
            return
        written = reminders.send(day)
        for message in written:
            self.stdout.write(f"{', '.join(message.to)}\t{message.subject}")
        self.stderr.write(f"{len(written)} reminder(s) queued for {day.isoformat()}.")
