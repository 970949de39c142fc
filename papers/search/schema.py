"""The SQL that keeps the search index in step, per database (run by migration 0003).

Paper documents are written here, in the database, so that every way of changing a paper
(save, bulk_create, bulk_update, queryset.update, raw SQL) updates its document. The sort
columns follow the paper's proceedings and venue, so renaming a venue or moving a proceedings'
year updates them too.

A bulk writer (the catalogue import) may defer the paper triggers inside its transaction and
then write the documents of the papers it touched in one statement (papers.search.index
`paper_documents_deferred`): the same SQL as the triggers', over many rows at once. On
PostgreSQL the flag is a transaction-local setting; on SQLite, a row in papers_search_deferred
that the writer removes again (no other connection ever sees it: it is never committed).
"""

from __future__ import annotations

from papers.search.text import CJK_CLASS

# --- SQLite -----------------------------------------------------------------------------------

# Authors are a JSON list; json_each reads the names back with their accents (SQLite stores
# "M\u00fcller" escaped, which no tokenizer would match).
_SQLITE_DOC_VALUES = """
    (SELECT coalesce(group_concat(value, ', '), '') FROM json_each(
        CASE WHEN json_valid(new.authors) AND json_type(new.authors) = 'array'
             THEN new.authors ELSE '[]' END)),
    new.abstract || char(10) || new.affiliations || char(10) || new.system_name
        || char(10) || new.notes,
    coalesce((SELECT year FROM papers_proceedings WHERE id = new.proceedings_id), 0),
    coalesce((SELECT v.name FROM papers_proceedings p JOIN papers_venue v ON v.id = p.venue_id
              WHERE p.id = new.proceedings_id),
             CASE WHEN new.arxiv_id != '' THEN 'arXiv' ELSE '' END),
    new.position
"""

_SQLITE_FTS_COLUMNS = "title, authors, body, slides"
_SQLITE_FTS_NEW = (
    "spaced_cjk(new.title), spaced_cjk(new.authors), spaced_cjk(new.body), spaced_cjk(new.slides)"
)
_SQLITE_FTS_OLD = (
    "spaced_cjk(old.title), spaced_cjk(old.authors), spaced_cjk(old.body), spaced_cjk(old.slides)"
)

# While this table has a row (only ever inside a bulk writer's transaction), the paper triggers
# leave the documents to that writer.
SQLITE_DEFERRED_TABLE = "CREATE TABLE IF NOT EXISTS papers_search_deferred (id INTEGER PRIMARY KEY)"
_SQLITE_NOT_DEFERRED = "WHEN NOT EXISTS (SELECT 1 FROM papers_search_deferred)"

SQLITE_PAPER_INSERT_TRIGGER = f"""CREATE TRIGGER papers_paper_search_ai AFTER INSERT ON papers_paper
    {_SQLITE_NOT_DEFERRED} BEGIN
        INSERT INTO papers_searchdocument(kind, paper_id, title, authors, body, sort_year,
            sort_venue, sort_position, slides, label, url)
        VALUES ('paper', new.id, new.title, {_SQLITE_DOC_VALUES}, '', '', '');
    END"""
SQLITE_PAPER_UPDATE_TRIGGER = f"""CREATE TRIGGER papers_paper_search_au AFTER UPDATE OF title,
        authors, abstract, affiliations, system_name, notes, proceedings_id, position, arxiv_id
        ON papers_paper {_SQLITE_NOT_DEFERRED} BEGIN
        UPDATE papers_searchdocument
        SET (title, authors, body, sort_year, sort_venue, sort_position) =
            (SELECT new.title, {_SQLITE_DOC_VALUES})
        WHERE kind = 'paper' AND paper_id = new.id;
    END"""

SQLITE_FORWARD = [
    SQLITE_DEFERRED_TABLE,
    # Contentless: the text lives in papers_searchdocument; the FTS table holds only the index.
    f"""CREATE VIRTUAL TABLE papers_search_fts USING fts5(
        {_SQLITE_FTS_COLUMNS}, content='',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    # bm25 weights per column: a title match outranks authors, which outrank body and slides.
    """INSERT INTO papers_search_fts(papers_search_fts, rank)
        VALUES('rank', 'bm25(10.0, 5.0, 2.0, 1.0)')""",
    f"""CREATE TRIGGER papers_searchdoc_ai AFTER INSERT ON papers_searchdocument BEGIN
        INSERT INTO papers_search_fts(rowid, {_SQLITE_FTS_COLUMNS})
        VALUES (new.id, {_SQLITE_FTS_NEW});
    END""",
    f"""CREATE TRIGGER papers_searchdoc_ad AFTER DELETE ON papers_searchdocument BEGIN
        INSERT INTO papers_search_fts(papers_search_fts, rowid, {_SQLITE_FTS_COLUMNS})
        VALUES ('delete', old.id, {_SQLITE_FTS_OLD});
    END""",
    f"""CREATE TRIGGER papers_searchdoc_au AFTER UPDATE OF {_SQLITE_FTS_COLUMNS}
        ON papers_searchdocument BEGIN
        INSERT INTO papers_search_fts(papers_search_fts, rowid, {_SQLITE_FTS_COLUMNS})
        VALUES ('delete', old.id, {_SQLITE_FTS_OLD});
        INSERT INTO papers_search_fts(rowid, {_SQLITE_FTS_COLUMNS})
        VALUES (new.id, {_SQLITE_FTS_NEW});
    END""",
    SQLITE_PAPER_INSERT_TRIGGER,
    SQLITE_PAPER_UPDATE_TRIGGER,
    """CREATE TRIGGER papers_paper_search_ad AFTER DELETE ON papers_paper BEGIN
        DELETE FROM papers_searchdocument WHERE kind = 'paper' AND paper_id = old.id;
        UPDATE papers_searchdocument SET paper_id = NULL
        WHERE kind = 'slides' AND paper_id = old.id;
    END""",
    """CREATE TRIGGER papers_proceedings_search_au AFTER UPDATE OF year, venue_id
        ON papers_proceedings BEGIN
        UPDATE papers_searchdocument
        SET sort_year = new.year,
            sort_venue = (SELECT name FROM papers_venue WHERE id = new.venue_id)
        WHERE kind = 'paper'
          AND paper_id IN (SELECT id FROM papers_paper WHERE proceedings_id = new.id);
    END""",
    """CREATE TRIGGER papers_venue_search_au AFTER UPDATE OF name ON papers_venue BEGIN
        UPDATE papers_searchdocument SET sort_venue = new.name
        WHERE kind = 'paper' AND paper_id IN (
            SELECT pa.id FROM papers_paper pa JOIN papers_proceedings pr
            ON pr.id = pa.proceedings_id WHERE pr.venue_id = new.id);
    END""",
]

SQLITE_BACKFILL = f"""
    INSERT INTO papers_searchdocument(kind, paper_id, title, authors, body, sort_year,
        sort_venue, sort_position, slides, label, url)
    SELECT 'paper', new.id, new.title, {_SQLITE_DOC_VALUES}, '', '', '' FROM papers_paper AS new
"""

# What the deferred triggers would have done, for many papers at once: the ids come as one JSON
# array parameter. Documents of new papers, then those of updated ones.
SQLITE_INSERT_DOCUMENTS = f"""
    INSERT INTO papers_searchdocument(kind, paper_id, title, authors, body, sort_year,
        sort_venue, sort_position, slides, label, url)
    SELECT 'paper', new.id, new.title, {_SQLITE_DOC_VALUES}, '', '', '' FROM papers_paper AS new
    WHERE new.id IN (SELECT value FROM json_each(%s))
"""
SQLITE_UPDATE_DOCUMENTS = f"""
    UPDATE papers_searchdocument
    SET (title, authors, body, sort_year, sort_venue, sort_position) =
        (SELECT new.title, {_SQLITE_DOC_VALUES} FROM papers_paper AS new
         WHERE new.id = papers_searchdocument.paper_id)
    WHERE kind = 'paper' AND paper_id IN (SELECT value FROM json_each(%s))
"""

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS papers_venue_search_au",
    "DROP TRIGGER IF EXISTS papers_proceedings_search_au",
    "DROP TRIGGER IF EXISTS papers_paper_search_ad",
    "DROP TRIGGER IF EXISTS papers_paper_search_au",
    "DROP TRIGGER IF EXISTS papers_paper_search_ai",
    "DROP TRIGGER IF EXISTS papers_searchdoc_au",
    "DROP TRIGGER IF EXISTS papers_searchdoc_ad",
    "DROP TRIGGER IF EXISTS papers_searchdoc_ai",
    "DROP TABLE IF EXISTS papers_search_fts",
    "DROP TABLE IF EXISTS papers_search_deferred",
]

# --- PostgreSQL -------------------------------------------------------------------------------

# The documents of the given papers, as rows of papers_searchdocument: what the paper trigger
# below writes for its row, for a bulk writer's rows at once. The two must agree
# (tests/papers/test_search.py compares a bulk import's index with the triggers' one).
POSTGRES_DOCUMENT_ROWS_FUNCTION = """CREATE OR REPLACE FUNCTION papers_paper_documents(
        ids bigint[]) RETURNS TABLE (paper_id bigint, title text, authors text, body text,
        sort_year integer, sort_venue text, sort_position integer, vector tsvector)
    LANGUAGE sql STABLE AS $$
    SELECT doc.id, doc.title, doc.authors, doc.body, doc.sort_year, doc.sort_venue,
        doc.position, papers_search_vector(doc.title, doc.authors, doc.body, '')
    FROM (
        SELECT new.id, new.title::text,
            coalesce((SELECT string_agg(value, ', ') FROM jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(new.authors) = 'array' THEN new.authors
                     ELSE '[]'::jsonb END)), '') AS authors,
            concat_ws(E'\\n', new.abstract, new.affiliations, new.system_name, new.notes)
                AS body,
            coalesce(pr.year, 0) AS sort_year,
            coalesce(v.name, CASE WHEN new.arxiv_id <> '' THEN 'arXiv' ELSE '' END)::text
                AS sort_venue,
            new.position
        FROM papers_paper AS new
        LEFT JOIN papers_proceedings pr ON pr.id = new.proceedings_id
        LEFT JOIN papers_venue v ON v.id = pr.venue_id
        -- An index condition on the primary key, however many ids (a join with
        -- unnest(ids) gets a generic plan that scans every paper for one id).
        WHERE new.id = ANY(ids)
        -- Computed once per paper: flattened into the outer query, each use of authors and
        -- body in the inlined vector functions would compute them again.
        OFFSET 0
    ) AS doc
    $$"""
# Writes those documents: inserted for papers the writer has just created (which have none
# yet: a plain INSERT skips ON CONFLICT's check of every row), upserted for the others.
POSTGRES_DOCUMENTS_FUNCTION = """CREATE OR REPLACE FUNCTION papers_paper_search_write(
        ids bigint[], created boolean) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- The vectors are computed here, once per paper, not by the row trigger on
        -- papers_searchdocument: a PL/pgSQL call per row, and for an existing document twice
        -- (ON CONFLICT fires the BEFORE INSERT trigger on the proposed row, then BEFORE UPDATE).
        -- Transaction-local, and undone with the transaction if the INSERT fails.
        PERFORM set_config('papers.search_vector_given', 'on', true);
        IF created THEN
            INSERT INTO papers_searchdocument (kind, paper_id, title, authors, body, sort_year,
                sort_venue, sort_position, slides, label, url, vector)
            SELECT 'paper', doc.paper_id, doc.title, doc.authors, doc.body, doc.sort_year,
                doc.sort_venue, doc.sort_position, '', '', '', doc.vector
            FROM papers_paper_documents(ids) AS doc;
        ELSE
            INSERT INTO papers_searchdocument AS d (kind, paper_id, title, authors, body,
                sort_year, sort_venue, sort_position, slides, label, url, vector)
            SELECT 'paper', doc.paper_id, doc.title, doc.authors, doc.body, doc.sort_year,
                doc.sort_venue, doc.sort_position, '', '', '', doc.vector
            FROM papers_paper_documents(ids) AS doc
            ON CONFLICT (paper_id) WHERE kind = 'paper' DO UPDATE SET
                title = excluded.title, authors = excluded.authors, body = excluded.body,
                sort_year = excluded.sort_year, sort_venue = excluded.sort_venue,
                sort_position = excluded.sort_position, vector = excluded.vector;
        END IF;
        PERFORM set_config('papers.search_vector_given', 'off', true);
    END $$"""
# A bulk writer sets papers.search_deferred for its transaction and writes the documents itself
# (papers_paper_search_write); the triggers' WHEN skips its rows. The row's own values here,
# not a call of that function with its id: the call costs twice as much per row, and single
# saves and other bulk updates go this way.
POSTGRES_PAPER_FUNCTION = """CREATE OR REPLACE FUNCTION papers_paper_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        names text;
        year integer;
        venue text;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM papers_searchdocument WHERE kind = 'paper' AND paper_id = old.id;
            UPDATE papers_searchdocument SET paper_id = NULL
            WHERE kind = 'slides' AND paper_id = old.id;
            RETURN old;
        END IF;
        SELECT coalesce(string_agg(value, ', '), '') INTO names
        FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(new.authors) = 'array'
                                            THEN new.authors ELSE '[]'::jsonb END);
        SELECT p.year, v.name INTO year, venue
        FROM papers_proceedings p JOIN papers_venue v ON v.id = p.venue_id
        WHERE p.id = new.proceedings_id;
        IF venue IS NULL THEN
            venue := CASE WHEN new.arxiv_id <> '' THEN 'arXiv' ELSE '' END;
        END IF;
        INSERT INTO papers_searchdocument AS d (kind, paper_id, title, authors, body,
            sort_year, sort_venue, sort_position, slides, label, url)
        VALUES ('paper', new.id, new.title, names,
            concat_ws(E'\\n', new.abstract, new.affiliations, new.system_name, new.notes),
            coalesce(year, 0), venue, new.position, '', '', '')
        ON CONFLICT (paper_id) WHERE kind = 'paper' DO UPDATE SET
            title = excluded.title, authors = excluded.authors, body = excluded.body,
            sort_year = excluded.sort_year, sort_venue = excluded.sort_venue,
            sort_position = excluded.sort_position;
        RETURN new;
    END $$"""

# While a bulk writer defers the documents, its rows queue no trigger events at all (a WHEN
# condition of an AFTER trigger is checked as the row is written): a call per row that only
# returned was a tenth of copying 100,000 papers in. Deletes always remove the document.
POSTGRES_PAPER_TRIGGERS = [
    """CREATE TRIGGER papers_paper_search AFTER INSERT OR UPDATE OF title, authors, abstract,
        affiliations, system_name, notes, proceedings_id, position, arxiv_id ON papers_paper
        FOR EACH ROW WHEN (current_setting('papers.search_deferred', true) IS DISTINCT FROM 'on')
        EXECUTE FUNCTION papers_paper_search()""",
    """CREATE TRIGGER papers_paper_search_delete AFTER DELETE ON papers_paper
        FOR EACH ROW EXECUTE FUNCTION papers_paper_search()""",
]

# Lower case, accents off, a space either side of each CJK character, punctuation to spaces:
# the same tokens as papers.search.text.tokens(), whatever the parser would do. Lower-cased
# ASCII text has no accent for unaccent() to take off and no CJK character to space out: it
# skips both (most of a catalogue is ASCII; tests/papers/test_search.py checks that both ways
# give the same text). STABLE because unaccent() is, so that callers can inline it.
POSTGRES_TEXT_FUNCTION = f"""CREATE OR REPLACE FUNCTION papers_search_text(t text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN t IS NULL OR t = '' THEN ''
        WHEN lower(t) ~ '^[[:ascii:]]*$'
            THEN regexp_replace(lower(t), '[^[:alnum:]]+', ' ', 'g')
        ELSE regexp_replace(
            regexp_replace(public.unaccent('public.unaccent', lower(t)),
                           '([{CJK_CLASS}])', ' \\1 ', 'g'),
            '[^[:alnum:]]+', ' ', 'g')
    END
    $$"""

# A document's vector: one home for the weights, called by the row trigger below and by the
# bulk writer (papers_paper_search_write). STABLE, like unaccent() in papers_search_text: a SQL
# function is inlined into its caller only when it calls nothing more volatile than it says it
# is, and run as a function call of its own (about a third of a bulk write's time) otherwise.
# An empty field adds nothing to a vector: it is skipped, not normalised and parsed.
POSTGRES_VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION papers_search_vector(
        title text, authors text, body text, slides text) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN coalesce(title, '') = '' THEN ''::tsvector
                ELSE setweight(to_tsvector('simple', papers_search_text(title)), 'A') END
        || CASE WHEN coalesce(authors, '') = '' THEN ''::tsvector
                ELSE setweight(to_tsvector('simple', papers_search_text(authors)), 'B') END
        || CASE WHEN coalesce(body, '') = '' THEN ''::tsvector
                ELSE setweight(to_tsvector('simple', papers_search_text(body)), 'C') END
        || CASE WHEN coalesce(slides, '') = '' THEN ''::tsvector
                ELSE setweight(to_tsvector('simple', papers_search_text(slides)), 'D') END
    $$"""
POSTGRES_VECTOR_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION papers_searchdocument_vector()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        new.vector := papers_search_vector(new.title, new.authors, new.body, new.slides);
        RETURN new;
    END $$"""
# Skipped (its function not even called) while the bulk writer gives the vectors itself.
POSTGRES_VECTOR_TRIGGER = """CREATE TRIGGER papers_searchdocument_vector BEFORE INSERT OR UPDATE OF
    title, authors, body, slides ON papers_searchdocument FOR EACH ROW
    WHEN (current_setting('papers.search_vector_given', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION papers_searchdocument_vector()"""

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    POSTGRES_TEXT_FUNCTION,
    POSTGRES_VECTOR_FUNCTION,
    POSTGRES_VECTOR_TRIGGER_FUNCTION,
    POSTGRES_VECTOR_TRIGGER,
    "CREATE INDEX papers_searchdocument_vector_gin ON papers_searchdocument USING gin (vector)",
    POSTGRES_DOCUMENT_ROWS_FUNCTION,
    POSTGRES_DOCUMENTS_FUNCTION,
    POSTGRES_PAPER_FUNCTION,
    *POSTGRES_PAPER_TRIGGERS,
    """CREATE OR REPLACE FUNCTION papers_proceedings_search() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE papers_searchdocument d
        SET sort_year = new.year,
            sort_venue = (SELECT name FROM papers_venue WHERE id = new.venue_id)
        FROM papers_paper pa
        WHERE d.kind = 'paper' AND d.paper_id = pa.id AND pa.proceedings_id = new.id;
        RETURN new;
    END $$""",
    """CREATE TRIGGER papers_proceedings_search AFTER UPDATE OF year, venue_id
        ON papers_proceedings FOR EACH ROW EXECUTE FUNCTION papers_proceedings_search()""",
    """CREATE OR REPLACE FUNCTION papers_venue_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE papers_searchdocument d SET sort_venue = new.name
        FROM papers_paper pa JOIN papers_proceedings pr ON pr.id = pa.proceedings_id
        WHERE d.kind = 'paper' AND d.paper_id = pa.id AND pr.venue_id = new.id;
        RETURN new;
    END $$""",
    """CREATE TRIGGER papers_venue_search AFTER UPDATE OF name ON papers_venue
        FOR EACH ROW EXECUTE FUNCTION papers_venue_search()""",
    # Backfill: touching each paper's title runs the trigger above.
    "UPDATE papers_paper SET title = title",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS papers_venue_search ON papers_venue",
    "DROP TRIGGER IF EXISTS papers_proceedings_search ON papers_proceedings",
    "DROP TRIGGER IF EXISTS papers_paper_search_delete ON papers_paper",
    "DROP TRIGGER IF EXISTS papers_paper_search ON papers_paper",
    "DROP TRIGGER IF EXISTS papers_searchdocument_vector ON papers_searchdocument",
    "DROP INDEX IF EXISTS papers_searchdocument_vector_gin",
    "DROP FUNCTION IF EXISTS papers_venue_search()",
    "DROP FUNCTION IF EXISTS papers_proceedings_search()",
    "DROP FUNCTION IF EXISTS papers_paper_search()",
    "DROP FUNCTION IF EXISTS papers_paper_search_write(bigint[], boolean)",
    "DROP FUNCTION IF EXISTS papers_paper_documents(bigint[])",
    "DROP FUNCTION IF EXISTS papers_searchdocument_vector()",
    "DROP FUNCTION IF EXISTS papers_search_vector(text, text, text, text)",
    "DROP FUNCTION IF EXISTS papers_search_text(text)",
]
