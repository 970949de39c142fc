"""A small Okapi BM25 ranking over tokenised documents, and the tokeniser it is fed with.

Why not a library or the database's text search: the candidates were rank-bm25 (unmaintained
since 2022, scores every document per query with no index), scikit-learn (TF-IDF, a 30 MB
dependency for one formula) and the database's full-text search (FTS5's bm25() on SQLite,
ts_rank on PostgreSQL, which is not BM25, so the two back ends would rank differently and the
bench figure would depend on the database). The catalogue is small enough to index in memory
per request (65 to a few thousand papers with topics), and BM25 is forty lines that the
tests below pin against hand-computed scores.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

# Words that say nothing about a paper's area (English function words and systems-paper filler).
_STOPWORDS = """
    a an and are as at be by can for from has have in into is it its of on or our over that the
    their this to under use used uses using via we with without while which who will more most
    new efficient effective towards toward through based system systems large scale fast
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """Folds the commonest English endings so "caches", "caching" and "cache" meet."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes")):
                continue
            word = word[: -len(suffix)] + keep
            break
    # A silent final e: "cache" meets "caching" and "caches" (all "cach").
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def tokenize(text: str) -> list[str]:
    """Lower-case words of two or more letters, accents folded, stopwords out, endings folded."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return [
        _stem(word)
        for word in _WORD.findall(folded.lower())
        if len(word) > 1 and word not in STOPWORDS
    ]


class BM25:
    """Okapi BM25 with the usual k1 and b; `scores(query)` ranks every document at once."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.count = len(documents)
        self.lengths = [len(doc) for doc in documents]
        self.average = (sum(self.lengths) / self.count) if self.count else 0.0
        # term -> [(document index, term frequency)]
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for index, doc in enumerate(documents):
            for term, frequency in Counter(doc).items():
                self.postings.setdefault(term, []).append((index, frequency))

    def idf(self, term: str) -> float:
        """The non-negative idf (Lucene's): log(1 + (N - n + 0.5) / (n + 0.5))."""
        n = len(self.postings.get(term, ()))
        return math.log(1 + (self.count - n + 0.5) / (n + 0.5))

    def scores(self, query: Sequence[str]) -> list[float]:
        result = [0.0] * self.count
        if not self.count or not self.average:
            return result
        for term in set(query):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for index, frequency in postings:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[index] / self.average)
                result[index] += idf * frequency * (self.k1 + 1) / (frequency + norm)
        return result
