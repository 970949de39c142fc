"""`make run`'s demo: the SOSP 2025 catalogue, the 2025 Fall schedule, an organiser and a member."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.services import person_for, set_organiser

DEMO_DIR = Path(settings.BASE_DIR) / "tests" / "fixtures"
DEMO_PASSWORD = "reading-group-demo"
DEMO_ACCOUNTS = [
    # username, display name, organiser?
    ("organiser", "Demo Organiser", True),
    ("member", "Demo Member", False),
]


class Command(BaseCommand):
    help = "Load the demo catalogue and schedule and create demo organiser and member accounts."

    def handle(self, *args, **options) -> None:
        # Idempotent: a second run finds every paper and changes nothing.
        call_command("import_papers", DEMO_DIR / "sosp-2025.md", stdout=self.stdout)
        # After the catalogue, so the term's talks link to the SOSP 2025 papers.
        call_command("import_schedule", DEMO_DIR / "schedule-2025-fall.md", stdout=self.stdout)
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
