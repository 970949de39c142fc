"""On PostgreSQL the bulk document writer computes the vectors in its statement
(papers_search_vector, also called by the row trigger), and the row trigger on the documents
stands aside while it does. The vectors are the same as before; SQLite has nothing to change."""

from django.db import migrations

from papers.search import schema


def forward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    statements = [
        schema.POSTGRES_VECTOR_FUNCTION,
        schema.POSTGRES_VECTOR_TRIGGER_FUNCTION,
        "DROP TRIGGER IF EXISTS papers_searchdocument_vector ON papers_searchdocument",
        schema.POSTGRES_VECTOR_TRIGGER,
        schema.POSTGRES_DOCUMENTS_FUNCTION,
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("papers", "0009_import_stamps")]

    # Backwards there is nothing to undo: the new functions compute what the old ones did, and
    # the flag that makes the trigger stand aside is only ever set by the new writer.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
