"""SQLite's side: the function the FTS triggers call, registered on every connection."""

from __future__ import annotations

from django.db.backends.signals import connection_created

from papers.search.text import spaced_cjk


def register_functions(dbapi_connection) -> None:
    # Deterministic, so SQLite may use it in triggers and indexes.
    dbapi_connection.create_function("spaced_cjk", 1, spaced_cjk, deterministic=True)


def _on_connection(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        register_functions(connection.connection)


def connect() -> None:
    """Call from AppConfig.ready(). A connection without the function (the sqlite3 shell)
    cannot change papers: its triggers would fail, which is better than a stale index."""
    connection_created.connect(_on_connection, dispatch_uid="papers-search-sqlite-functions")
