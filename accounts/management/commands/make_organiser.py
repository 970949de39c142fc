from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from readinggroup.permissions import set_organiser


class Command(BaseCommand):
    help = "Make a user an organiser (Organisers group + admin access), or --revoke it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="Take the role away.")

    def handle(self, *args, username: str, revoke: bool, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        set_organiser(user, not revoke)
        state = "no longer an organiser" if revoke else "an organiser"
        self.stdout.write(self.style.SUCCESS(f"{username} is now {state}."))
