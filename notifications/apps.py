from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The schedule's events (sessions/events.py) become mails; the tasks are registered in
        # every process (web too), since the outbox sends them by name.
        from notifications import receivers, tasks  # noqa: F401
