from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = _("Paper catalogue")

    def ready(self) -> None:
        # Register the Celery tasks in every process (web too): services send them by name.
        from papers import tasks  # noqa: F401
        from papers.search import catalogue_version, sqlite

        sqlite.connect()
        catalogue_version.connect()
