"""On PostgreSQL the paper trigger no longer fires for the rows of a bulk writer that defers
the search documents (a WHEN condition instead of a check inside the function), and deletes
have a trigger of their own. SQLite's triggers had their WHEN already."""

from django.db import migrations

from papers.search import schema


def forward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    statements = [
        schema.POSTGRES_PAPER_FUNCTION,
        "DROP TRIGGER IF EXISTS papers_paper_search ON papers_paper",
        "DROP TRIGGER IF EXISTS papers_paper_search_delete ON papers_paper",
        *schema.POSTGRES_PAPER_TRIGGERS,
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("papers", "0012_lean_indexes")]

    # Backwards there is nothing to undo: the code of before defers the documents the same
    # way, and these triggers honour it as the old one did.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
