"""Topic suggestions from a paper's text against the papers that have topics."""

from __future__ import annotations

from papers.models import Acronym
from planner.topics import TopicSuggester
from tests import factories
from tests.planner.conftest import arxiv, sosp, topic


def catalogue():
    llm = topic("LLM")
    inference = topic("LLM Inference", llm)
    gpu = topic("GPU")
    storage = topic("Storage")
    sosp("Serving LLM requests with paged KV cache", [inference], notes="Batch LLM decoding.")
    sosp("Speculative decoding for LLM inference", [inference])
    sosp("A GPU kernel scheduler for spatial sharing", [gpu], notes="Preempt GPU kernels.")
    sosp("Checkpointing GPU memory state", [gpu])
    sosp("A log-structured file system for flash storage", [storage])
    return llm, inference, gpu, storage


def test_an_arxiv_paper_gets_the_area_of_its_nearest_papers(db):
    _llm, inference, _gpu, _storage = catalogue()
    paper = arxiv("Faster KV cache eviction for LLM decoding")
    suggestions = TopicSuggester.from_catalogue().suggest_for(paper)
    assert suggestions[0].topic == inference
    assert suggestions[0].because  # the papers that voted, for the reason shown


def test_a_topic_name_in_the_text_counts_even_without_labelled_papers(db):
    catalogue()
    video = topic("Video")
    paper = arxiv("Video analytics pipelines")
    assert TopicSuggester.from_catalogue().suggest_for(paper)[0].topic == video


def test_nothing_in_common_gives_no_suggestion(db):
    catalogue()
    assert TopicSuggester.from_catalogue().suggest("quantum chromodynamics") == []


def test_glossary_acronyms_link_their_expansion(db):
    _, inference, _, _ = catalogue()
    Acronym.objects.create(
        proceedings=factories.ProceedingsFactory(), short="LLM", expansion="Large Language Model"
    )
    suggestions = TopicSuggester.from_catalogue().suggest("Large language model serving")
    assert suggestions[0].topic == inference


def test_leave_one_out_hides_the_paper_itself(db):
    _, _, gpu, _ = catalogue()
    paper = sosp("GPU kernel preemption", [gpu])
    suggester = TopicSuggester.from_catalogue()
    assert paper.pk in suggester.paper_ids
    assert suggester.true_area_first(paper.pk) is True
    assert all(paper.pk not in s.because for s in suggester.suggest_for(paper))
    assert suggester.true_area_first(arxiv().pk) is None  # not labelled


def test_indexing_costs_four_queries(db, django_assert_num_queries):
    catalogue()
    with django_assert_num_queries(4):
        TopicSuggester.from_catalogue()


def test_the_index_holds_the_most_recently_added_labelled_papers(db, django_assert_num_queries):
    catalogue()
    memory = topic("Memory")
    newest = [sosp(f"Elastic GPU memory pools {n}", [memory]) for n in range(2)]
    with django_assert_num_queries(4):
        suggester = TopicSuggester.from_catalogue(limit=2)
    assert suggester.paper_ids == sorted(paper.pk for paper in newest)
