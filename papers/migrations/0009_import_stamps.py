"""Import stamps (papers.import_stamps): the model, and the catalogue revision that every UPDATE
of a table an import reads moves, through a trigger (INSERT and DELETE move the stamp's counts
and highest ids instead, so the first import of a big list pays nothing for it)."""

from django.db import migrations, models

TABLES = (
    "papers_paper",
    "papers_paperlink",
    "papers_paper_topics",
    "papers_topic",
    "papers_proceedings",
    "papers_venue",
    "papers_acronym",
    "papers_acceptancecycle",
)

POSTGRES_FORWARD = [
    # A sequence takes no lock: concurrent writers do not queue behind one counter row.
    "CREATE SEQUENCE papers_catalogue_revision",
    """CREATE FUNCTION papers_catalogue_revised() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('papers_catalogue_revision');
        RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER {table}_revision AFTER UPDATE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION papers_catalogue_revised()"
        for table in TABLES
    ),
]
POSTGRES_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_revision ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS papers_catalogue_revised()",
    "DROP SEQUENCE IF EXISTS papers_catalogue_revision",
]
SQLITE_FORWARD = [
    "CREATE TABLE papers_catalogue_revision (id integer PRIMARY KEY, revision integer NOT NULL)",
    "INSERT INTO papers_catalogue_revision (id, revision) VALUES (1, 0)",
    *(
        f"CREATE TRIGGER {table}_revision AFTER UPDATE ON {table} BEGIN "
        "UPDATE papers_catalogue_revision SET revision = revision + 1; END"
        for table in TABLES
    ),
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_revision" for table in TABLES),
    "DROP TABLE IF EXISTS papers_catalogue_revision",
]


def forward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for statement in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
            cursor.execute(statement)


def backward(apps, schema_editor) -> None:
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for statement in POSTGRES_REVERSE if postgres else SQLITE_REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("papers", "0008_search_deferred")]

    operations = [
        migrations.CreateModel(
            name="ImportStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True, verbose_name="digest")),
                ("stamp", models.JSONField(verbose_name="catalogue stamp")),
                ("summary", models.JSONField(verbose_name="import summary")),
                ("recorded_at", models.DateTimeField(auto_now=True, verbose_name="recorded at")),
            ],
            options={"verbose_name": "import stamp", "verbose_name_plural": "import stamps"},
        ),
        migrations.RunPython(forward, backward),
    ]
