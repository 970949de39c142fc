"""`make run`'s demo: the SOSP 2025 catalogue, a live term, an organiser and a member.

The demo term is the group's 2025 Fall README placed around today by whole weeks
(sessions/demo.py), with two more sessions of open talk slots at its end: past sessions with
slides and videos, a next session within the week, upcoming talks the demo member can sign up
for at once.

Running it again never re-imports the term (the README's presenters lines would undo members'
sign-ups): it moves the demo term forward by whole weeks, every row and sign-up with it, so the
term is as current as on the day it was loaded. Other terms are never touched.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from readinggroup.permissions import set_organiser
from sessions.demo import PlacementError, move_term_forward, place_schedule
from sessions.models import Term
from sessions.people import person_for
from sessions.readme.importer import import_schedule
from sessions.readme.parsed import ParsedSession, ParsedTalk
from sessions.readme.reader import parse_schedule
from sessions.readme.writer import format_schedule

DEMO_DIR = Path(settings.BASE_DIR) / "tests" / "fixtures"
DEMO_README = DEMO_DIR / "schedule-2025-fall.md"
DEMO_TERM = "Demo term"
DEMO_PASSWORD = "reading-group-demo"
DEMO_ACCOUNTS = [
    # username, display name, organiser?
    ("organiser", "Demo Organiser", True),
    ("member", "Demo Member", False),
]
# Sessions ahead of today: the README's newest three (leads taken, room for supporters) and
# OPEN_SESSIONS weekly sessions after them whose talk slots nobody has taken yet.
UPCOMING = 5
OPEN_SESSIONS = 2
TALKS_PER_SESSION = 2


def demo_readme(today: datetime.date) -> str:
    """The demo term's README: the seed with open sessions added, placed around today."""
    # Read under its own name, whose year places the README's dates; written back under the
    # demo's, with every heading's year spelled out.
    schedule = parse_schedule(DEMO_README.read_text(encoding="utf-8"))
    newest = max(session.date for session in schedule.sessions)
    open_sessions = [
        ParsedSession(
            date=newest + datetime.timedelta(weeks=week),
            talks=[ParsedTalk(position=p) for p in range(1, TALKS_PER_SESSION + 1)],
        )
        for week in range(1, OPEN_SESSIONS + 1)
    ]
    schedule = dataclasses.replace(
        schedule, term_name=DEMO_TERM, sessions=[*schedule.sessions, *open_sessions]
    )
    return format_schedule(place_schedule(schedule, today, upcoming=UPCOMING))


class Command(BaseCommand):
    help = (
        "Load the demo catalogue, a demo term placed around today, and demo organiser and "
        "member accounts. Again on a later day: moves the demo term forward, keeping its data."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Idempotent: a second run finds every paper and changes nothing.
        call_command("import_papers", DEMO_DIR / "sosp-2025.md", stdout=self.stdout)
        self.place_term(timezone.localdate())
        User = get_user_model()
        for username, name, organiser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            set_organiser(user, organiser)
            person = person_for(user)
            if person.name != name:
                person.name = name
                person.save(update_fields=["name"])
            role = "organiser" if organiser else "member"
            self.stdout.write(
                self.style.SUCCESS(f"Demo {role}: username {username}, password {DEMO_PASSWORD}")
            )

    def place_term(self, today: datetime.date) -> None:
        term = Term.objects.filter(name=DEMO_TERM).first()
        if term is None:
            # After the catalogue, so the term's talks link to the SOSP 2025 papers.
            result = import_schedule(demo_readme(today))
            self.stdout.write(result.summary())
            return
        try:
            weeks = move_term_forward(term, today, upcoming=UPCOMING)
        except PlacementError as error:
            self.stderr.write(self.style.WARNING(f"{DEMO_TERM} left where it is: {error}"))
            return
        if weeks:
            self.stdout.write(f"{DEMO_TERM}: moved {weeks} weeks forward, around {today}")
        else:
            self.stdout.write(f"{DEMO_TERM}: current, unchanged")
