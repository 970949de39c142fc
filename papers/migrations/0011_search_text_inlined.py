"""On PostgreSQL the search text and vector functions become STABLE (so that their callers
inline them) with a quicker way for ASCII text and empty fields, and the bulk document writer
inserts the documents of new papers without ON CONFLICT. The vectors are the same as before;
SQLite has nothing to change."""

from django.db import migrations

from papers.search import schema


def forward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    statements = [
        schema.POSTGRES_TEXT_FUNCTION,
        schema.POSTGRES_VECTOR_FUNCTION,
        schema.POSTGRES_DOCUMENT_ROWS_FUNCTION,
        "DROP FUNCTION IF EXISTS papers_paper_search_write(bigint[])",
        schema.POSTGRES_DOCUMENTS_FUNCTION,
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def backward(apps, schema_editor) -> None:
    """The code of before calls the writer with the ids alone, and it upserted them all. The
    new text and vector functions stay: they compute what the old ones did."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE OR REPLACE FUNCTION papers_paper_search_write(ids bigint[])
            RETURNS void LANGUAGE sql AS $$ SELECT papers_paper_search_write(ids, false) $$"""
        )


class Migration(migrations.Migration):
    dependencies = [("papers", "0010_search_vector_set_based")]

    operations = [migrations.RunPython(forward, backward)]
