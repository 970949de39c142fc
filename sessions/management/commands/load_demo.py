"""`make run`'s demo: the SOSP 2025 catalogue, the 2025 Fall schedule and an organiser login."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from readinggroup.roles import ORGANISERS_GROUP

DEMO_DIR = Path(settings.BASE_DIR) / "tests" / "fixtures"
DEMO_USERNAME = "organiser"
DEMO_PASSWORD = "reading-group-demo"


class Command(BaseCommand):
    help = "Load the demo catalogue and schedule and create a demo organiser account."

    def handle(self, *args, **options) -> None:
        # Idempotent: a second run finds every paper and changes nothing.
        call_command("import_papers", DEMO_DIR / "sosp-2025.md", stdout=self.stdout)
        # After the catalogue, so the term's talks link to the SOSP 2025 papers.
        call_command("import_schedule", DEMO_DIR / "schedule-2025-fall.md", stdout=self.stdout)
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "organiser@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
        user.groups.add(group)
        login = f"username {DEMO_USERNAME}, password {DEMO_PASSWORD}"
        self.stdout.write(self.style.SUCCESS(f"Demo organiser: {login}"))
