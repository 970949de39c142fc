"""The BM25 ranking and tokeniser behind topic suggestions and related work."""

from __future__ import annotations

import math

import pytest

from planner.bm25 import BM25, tokenize


def test_tokenize_folds_case_accents_endings_and_drops_stopwords():
    assert tokenize("Caching the KV caches of LLMs") == ["cach", "kv", "cach", "llm"]
    assert tokenize("cache") == ["cach"]
    assert tokenize("Müller's GPU-based Schedulers") == ["muller", "gpu", "scheduler"]
    assert tokenize("Policies for queries") == ["policy", "query"]
    assert tokenize("") == []


def test_score_matches_the_formula_by_hand():
    docs = [["gpu", "kernel"], ["gpu", "gpu", "memory", "cache"], ["disk"]]
    index = BM25(docs, k1=1.5, b=0.75)
    average = (2 + 4 + 1) / 3
    idf_gpu = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    expected = idf_gpu * 2 * 2.5 / (2 + 1.5 * (1 - 0.75 + 0.75 * 4 / average))
    assert index.scores(["gpu"])[1] == pytest.approx(expected)
    assert index.scores(["gpu"])[2] == 0


def test_rarer_words_weigh_more_and_repeats_in_the_query_count_once():
    index = BM25([["gpu", "memory"], ["gpu", "rdma"], ["gpu", "disk"]])
    scores = index.scores(["gpu", "rdma", "rdma"])
    assert scores[1] > scores[0] == scores[2] > 0
    assert index.scores(["rdma"]) == index.scores(["rdma", "rdma"])


def test_empty_index_and_unknown_words_score_zero():
    assert BM25([]).scores(["x"]) == []
    assert BM25([["a1"]]).scores(["zz"]) == [0.0]
