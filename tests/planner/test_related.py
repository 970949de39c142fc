"""Related work: papers of the three years up to a paper, sharing topics or words, best first."""

from __future__ import annotations

from planner.related import as_markdown, related_papers
from tests.planner.conftest import arxiv, sosp, topic


def test_related_papers_share_topics_or_text_within_three_years(db):
    llm = topic("LLM")
    inference = topic("LLM Inference", llm)
    training = topic("LLM Training", llm)
    paper = sosp("Paged KV cache for LLM serving", [inference], year=2025)
    same_topic = sosp("Prefix caching for LLM serving", [inference], year=2024)
    same_area = sosp("Pipeline parallel training", [training], year=2023)
    words_only = arxiv("KV cache quantisation", arxiv_id="2403.00001")
    too_old = sosp("Paged KV cache for LLM serving, the original", [inference], year=2021)
    newer = sosp("Paged KV cache for LLM serving 2", [inference], year=2026)
    sosp("A file system for flash", [topic("Storage")], year=2024)
    found = related_papers(paper)
    order = [r.paper for r in found]
    assert order[0] == same_topic
    assert set(order) == {same_topic, same_area, words_only}
    assert too_old not in order and newer not in order
    assert found[0].shared_topics == ("LLM / LLM Inference",)


def test_markdown_list_links_arxiv_doi_or_the_catalogue(db):
    paper = sosp("Paper [one]", year=2025)
    a = sosp("Serving [one]", year=2025, doi="10.1145/1")
    b = arxiv("Serving paper one preprint", arxiv_id="2501.00009")
    c = sosp("Paper one serving", year=2024)
    text = as_markdown(related_papers(paper), site_url="https://rg.example")
    assert "- [Serving \\[one\\]](https://doi.org/10.1145/1) (SOSP'25)" in text
    assert "- [Serving paper one preprint](https://arxiv.org/abs/2501.00009) (arXiv)" in text
    assert f"- [Paper one serving](https://rg.example/papers/{c.pk}/) (SOSP'24)" in text
    assert a and b


def test_a_papers_related_work_is_ranked_once_until_the_catalogue_changes(
    db, django_assert_num_queries
):
    from planner.related import cached_related_papers

    inference = topic("LLM Inference")
    paper = sosp("Paged KV cache for LLM serving", [inference], year=2025)
    sosp("Prefix caching for LLM serving", [inference], year=2024)
    first = cached_related_papers(paper)
    with django_assert_num_queries(0):
        assert cached_related_papers(paper) == first
    added = sosp("KV cache paging for LLM serving", [inference], year=2025)
    assert added in [found.paper for found in cached_related_papers(paper)]
