"""The paper triggers of the search index can be deferred by a bulk writer, which then writes
its papers' documents in one statement (papers.search.index.paper_documents_deferred). The
triggers write the same documents as before when nothing defers them."""

from django.db import migrations

from papers.search import schema


def forward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        statements = [schema.POSTGRES_DOCUMENTS_FUNCTION, schema.POSTGRES_PAPER_FUNCTION]
    else:
        statements = [
            schema.SQLITE_DEFERRED_TABLE,
            "DROP TRIGGER IF EXISTS papers_paper_search_ai",
            "DROP TRIGGER IF EXISTS papers_paper_search_au",
            schema.SQLITE_PAPER_INSERT_TRIGGER,
            schema.SQLITE_PAPER_UPDATE_TRIGGER,
        ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("papers", "0007_verbose_names")]

    # Backwards there is nothing to undo: undeferred, the triggers do what they did before.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
