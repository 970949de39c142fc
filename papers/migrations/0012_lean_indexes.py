"""Indexes no query needs, which a large import writes a row into per paper or link: the
LIKE-prefix twins that db_index adds to CharFields on PostgreSQL, and the links' index on
paper, which the unique (paper, kind, url) index already starts with.

Only the indexes change, so the database side is written out here: Django's AlterField would
rebuild papers_paper on SQLite (dropping its search triggers with the old table) and drop and
re-add the links' foreign key on PostgreSQL."""

from django.db import migrations, models

# The names Django gave the indexes of db_index (0001).
OLD = {
    "papers_paper": [
        "papers_paper_normalized_title_bac13359",
        "papers_paper_fetch_status_7ceaa94f",
    ],
    "papers_paperlink": ["papers_paperlink_paper_id_60a85557"],
}
NEW = [
    ("paper_normalized_title", "papers_paper", "normalized_title"),
    ("paper_fetch_status", "papers_paper", "fetch_status"),
]


def forward(apps, schema_editor) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    quote = schema_editor.quote_name
    for names in OLD.values():
        for name in names:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
            if postgres:
                schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name + '_like')}")
    for name, table, column in NEW:
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


def backward(apps, schema_editor) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    quote = schema_editor.quote_name
    for name, _table, _column in NEW:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    columns = {
        "papers_paper": ["normalized_title", "fetch_status"],
        "papers_paperlink": ["paper_id"],
    }
    for table, names in OLD.items():
        for name, column in zip(names, columns[table], strict=True):
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")
            if postgres and column != "paper_id":
                schema_editor.execute(
                    f"CREATE INDEX {quote(name + '_like')} ON {quote(table)} "
                    f"({quote(column)} varchar_pattern_ops)"
                )


class Migration(migrations.Migration):
    dependencies = [("papers", "0011_search_text_inlined")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AlterField(
                    model_name="paper",
                    name="fetch_status",
                    field=models.CharField(
                        choices=[
                            ("never", "Never fetched"),
                            ("queued", "Queued"),
                            ("fetched", "Fetched"),
                            ("failed", "Failed"),
                            ("missing", "Not on arXiv"),
                            ("unqueued", "Waiting for the task queue"),
                        ],
                        default="never",
                        max_length=10,
                        verbose_name="fetch status",
                    ),
                ),
                migrations.AlterField(
                    model_name="paper",
                    name="normalized_title",
                    field=models.CharField(
                        editable=False, max_length=500, verbose_name="normalized title"
                    ),
                ),
                migrations.AlterField(
                    model_name="paperlink",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="links",
                        to="papers.paper",
                        verbose_name="paper",
                    ),
                ),
                migrations.AddIndex(
                    model_name="paper",
                    index=models.Index(fields=["normalized_title"], name="paper_normalized_title"),
                ),
                migrations.AddIndex(
                    model_name="paper",
                    index=models.Index(fields=["fetch_status"], name="paper_fetch_status"),
                ),
            ],
        )
    ]
