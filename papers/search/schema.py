"""The SQL that keeps the search index in step, per database (run by migration 0003).

Paper documents are written here, in the database, so that every way of changing a paper
(save, bulk_create, bulk_update, queryset.update, raw SQL) updates its document. The sort
columns follow the paper's proceedings and venue, so renaming a venue or moving a proceedings'
year updates them too.
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

SQLITE_FORWARD = [
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
    f"""CREATE TRIGGER papers_paper_search_ai AFTER INSERT ON papers_paper BEGIN
        INSERT INTO papers_searchdocument(kind, paper_id, title, authors, body, sort_year,
            sort_venue, sort_position, slides, label, url)
        VALUES ('paper', new.id, new.title, {_SQLITE_DOC_VALUES}, '', '', '');
    END""",
    f"""CREATE TRIGGER papers_paper_search_au AFTER UPDATE OF title, authors, abstract,
        affiliations, system_name, notes, proceedings_id, position, arxiv_id
        ON papers_paper BEGIN
        UPDATE papers_searchdocument
        SET (title, authors, body, sort_year, sort_venue, sort_position) =
            (SELECT new.title, {_SQLITE_DOC_VALUES})
        WHERE kind = 'paper' AND paper_id = new.id;
    END""",
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
]

# --- PostgreSQL -------------------------------------------------------------------------------

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Lower case, accents off, a space either side of each CJK character, punctuation to
    # spaces: the same tokens as papers.search.text.tokens(), whatever the parser would do.
    f"""CREATE OR REPLACE FUNCTION papers_search_text(t text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT regexp_replace(
            regexp_replace(public.unaccent('public.unaccent', lower(coalesce(t, ''))),
                           '([{CJK_CLASS}])', ' \\1 ', 'g'),
            '[^[:alnum:]]+', ' ', 'g')
    $$""",
    """CREATE OR REPLACE FUNCTION papers_searchdocument_vector() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        new.vector :=
            setweight(to_tsvector('simple', papers_search_text(new.title)), 'A')
            || setweight(to_tsvector('simple', papers_search_text(new.authors)), 'B')
            || setweight(to_tsvector('simple', papers_search_text(new.body)), 'C')
            || setweight(to_tsvector('simple', papers_search_text(new.slides)), 'D');
        RETURN new;
    END $$""",
    """CREATE TRIGGER papers_searchdocument_vector BEFORE INSERT OR UPDATE OF
        title, authors, body, slides ON papers_searchdocument
        FOR EACH ROW EXECUTE FUNCTION papers_searchdocument_vector()""",
    "CREATE INDEX papers_searchdocument_vector_gin ON papers_searchdocument USING gin (vector)",
    """CREATE OR REPLACE FUNCTION papers_paper_search() RETURNS trigger LANGUAGE plpgsql AS $$
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
    END $$""",
    """CREATE TRIGGER papers_paper_search AFTER INSERT OR DELETE OR UPDATE OF title, authors,
        abstract, affiliations, system_name, notes, proceedings_id, position, arxiv_id
        ON papers_paper FOR EACH ROW EXECUTE FUNCTION papers_paper_search()""",
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
    "DROP TRIGGER IF EXISTS papers_paper_search ON papers_paper",
    "DROP TRIGGER IF EXISTS papers_searchdocument_vector ON papers_searchdocument",
    "DROP INDEX IF EXISTS papers_searchdocument_vector_gin",
    "DROP FUNCTION IF EXISTS papers_venue_search()",
    "DROP FUNCTION IF EXISTS papers_proceedings_search()",
    "DROP FUNCTION IF EXISTS papers_paper_search()",
    "DROP FUNCTION IF EXISTS papers_searchdocument_vector()",
    "DROP FUNCTION IF EXISTS papers_search_text(text)",
]
