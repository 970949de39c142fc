"""Triggers that keep the search index in step with the catalogue, and the index of the papers
already there. The SQL is in papers/search/schema.py; a change to it needs a new migration."""

from django.db import migrations

from papers.search import schema


def forward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        statements = schema.POSTGRES_FORWARD
    elif connection.vendor == "sqlite":
        from papers.search.sqlite import register_functions

        register_functions(connection.connection)
        statements = [*schema.SQLITE_FORWARD, schema.SQLITE_BACKFILL]
    else:
        raise NotImplementedError(f"search needs SQLite or PostgreSQL, not {connection.vendor}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def backward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    statements = (
        schema.POSTGRES_REVERSE if connection.vendor == "postgresql" else schema.SQLITE_REVERSE
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("papers", "0004_search_index")]

    operations = [migrations.RunPython(forward, backward)]
