"""Full-text search over the catalogue and the slides of talks.

One index table, `SearchDocument`, holds a document per paper (kept in step by database
triggers on papers_paper, so bulk_create, bulk_update and queryset.update() are covered) and one
per talk with slides (contributed by the sessions app through `index.put_slides`, so papers never
imports sessions). On PostgreSQL a weighted tsvector column with a GIN index answers queries; on
SQLite an FTS5 table kept in step by triggers on the index table. `backends.ranked_search` picks
the one for the connection; both return the same `Hit`s.
"""
