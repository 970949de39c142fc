from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "schedule"
    verbose_name = _("Schedule")

    def ready(self) -> None:
        # Public pages are cached on the schedule's version; every save and delete moves it.
        from sessions import search, signals

        signals.connect()
        # Talks with slides text are documents of the catalogue's search index.
        search.connect()
        # Register the Celery tasks in every process (web too): services send them by name.
        from sessions import tasks  # noqa: F401
