"""A new paper's search document computed in Python, for a bulk writer on PostgreSQL.

The database writes every document itself (schema.py: the paper trigger, and the set-based
papers_paper_documents for bulk writers). For the papers a large import has just created,
reading them back and computing their vectors in the one backend of the import's transaction
was more than a third of a 100,000-paper import; the client has the rows already, and builds
the documents (and for plain text their vectors) while the server stores the rows it sent.

So this module says again, in Python, what schema.py's SQL says. The two must agree exactly:
tests/papers/test_search.py compares a bulk import's index with the triggers' one, and the
vectors with the database's for many texts. Only text whose vector is certain to be the same
gets one here: ASCII (no accents for unaccent() to take off, no CJK to space out), short enough
that PostgreSQL's limits on positions and word length never apply. Any other document goes
without, and the database computes its vector (the searchdocument row trigger).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# What papers_search_text() keeps of lower-cased ASCII text: runs of letters and digits. Each
# is one token of to_tsvector('simple', ...), one position further than the one before.
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
# PostgreSQL clamps positions above this (so equal positions would merge) ...
_MAX_POSITION = 16383
# ... keeps at most this many positions of one word ...
_MAX_POSITIONS_OF_A_WORD = 255
# ... and leaves out longer words than this (without counting a position for them).
_MAX_WORD_CHARS = 2047
# A document of more text than this goes to the database whole: well below the 1 MB a tsvector
# may take, whatever its words.
_MAX_PLAIN_CHARS = 65536


# A document's columns as paper_document() gives them, in this order.
DOCUMENT_COLUMNS = (
    "paper_id", "title", "authors", "body", "sort_year", "sort_venue", "sort_position",
)  # fmt: skip


def paper_document(
    paper_id: int, row: Mapping[str, Any], *, year: int | None, venue: str | None
) -> tuple[int, str, str, str, int, str, int] | None:
    """The document (DOCUMENT_COLUMNS) of a paper row (values by attname; a column left out
    has its model default) in proceedings of `year` at `venue` (None: no proceedings), or None
    when its authors are not a list of names, whose text only the database gives exactly."""
    authors = row.get("authors") or []
    if not isinstance(authors, list) or not all(
        isinstance(name, str) or name is None for name in authors
    ):
        return None
    return (
        paper_id,
        row["title"],
        # jsonb_array_elements_text, then string_agg, which skips nulls.
        ", ".join([name for name in authors if name is not None]),
        # concat_ws of four NOT NULL columns
        f"{row.get('abstract', '')}\n{row.get('affiliations', '')}\n"
        f"{row.get('system_name', '')}\n{row.get('notes', '')}",
        year or 0,
        venue if venue is not None else ("arXiv" if row.get("arxiv_id") else ""),
        row.get("position", 0),
    )


def plain_vector(title: str, authors: str, body: str) -> str | None:
    """papers_search_vector(title, authors, body, '') in tsvector text form, or None unless
    the text is plain enough to be sure of it (see the module's docstring).

    A field's words get its weight (title A, authors B, body C) and positions counting on from
    the previous field's last: to_tsvector numbers a field's words from 1 and `||` shifts the
    right side by the left side's highest position.
    """
    if len(title) + len(authors) + len(body) > _MAX_PLAIN_CHARS:
        return None
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in ((title, "A"), (authors, "B"), (body, "C")):
        if not text:
            continue
        if not text.isascii():
            return None
        named = _POSITIONS[weight]
        words = _ASCII_TOKEN.findall(text.lower())
        if position + len(words) > _MAX_POSITION:
            return None
        if len(text) > _MAX_WORD_CHARS and max(map(len, words), default=0) > _MAX_WORD_CHARS:
            return None
        for word in words:
            position += 1
            found = positions.get(word)
            if found is None:
                positions[word] = [named[position]]
            else:
                found.append(named[position])
    if position > _MAX_POSITIONS_OF_A_WORD and (
        max(map(len, positions.values())) > _MAX_POSITIONS_OF_A_WORD
    ):
        return None
    return " ".join([word + ":" + ",".join(found) for word, found in positions.items()])


# "1A", "2A", ... for each weight: formatted once, not for every word of every document.
_POSITIONS = {
    weight: [f"{position}{weight}" for position in range(_MAX_POSITION + 1)] for weight in "ABC"
}
