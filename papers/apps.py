from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Paper catalogue"

    def ready(self) -> None:
        # Register the Celery tasks in every process (web too): services send them by name.
        from papers import tasks  # noqa: F401
        from papers.search import catalogue_version, sqlite

        sqlite.connect()
        catalogue_version.connect()
