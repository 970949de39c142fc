"""Pairing suggestions: the pairing rule holds, presented papers are skipped, votes count."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from papers.models import Paper
from planner import nominations, pairs
from planner.nominations import QueueError
from sessions.rules import ARXIV, CONFERENCE, check_session, paper_kind, sessions_for_checks
from tests import factories
from tests.planner.conftest import arxiv, member_person, osdi, session, sosp, topic

NEXT = datetime.date(2025, 10, 7)


@pytest.fixture
def taxonomy(db):
    llm = topic("LLM")
    return {
        "llm": llm,
        "inference": topic("LLM Inference", llm),
        "training": topic("LLM Training", llm),
        "gpu": topic("GPU"),
    }


def planned(term, date=NEXT):
    s = session(term, date)
    return sessions_for_checks(term).get(pk=s.pk)


def test_pairs_meet_the_rule_and_share_a_topic(taxonomy):
    t = taxonomy
    jenga = sosp("Jenga", [t["inference"]])
    gpu_conf = osdi("An OSDI GPU paper", [t["gpu"]])
    kimi = arxiv("Kimi Linear", [t["inference"]])
    gpu_arxiv = arxiv("A GPU preprint", [t["gpu"]])
    term = factories.TermFactory()
    s = planned(term)
    found = pairs.suggest_pairs(s)
    assert found
    for pair in found:
        assert paper_kind(pair.conference) == CONFERENCE and paper_kind(pair.arxiv) == ARXIV
        assert pair.shared_topics
    best = found[0]
    assert {(p.conference, p.arxiv) for p in found} == {(jenga, kimi), (gpu_conf, gpu_arxiv)}
    assert best.as_json()["conference"].keys() == {"id", "title", "venue", "year"}
    # Applying the suggestion satisfies the pairing rule.
    pairs.apply_pair(s, best.conference, best.arxiv)
    problems = check_session(sessions_for_checks(term).get(date=NEXT), term)
    assert not [p for p in problems if p.rule == "pairing"]


def test_same_topic_beats_same_area_and_reasons_say_why(taxonomy):
    t = taxonomy
    conf = sosp("Inference system", [t["inference"]])
    near = arxiv("Same topic", [t["inference"]])
    far = arxiv("Same area", [t["training"]])
    found = pairs.suggest_pairs(planned(factories.TermFactory()))
    assert [(p.conference, p.arxiv) for p in found] == [(conf, near), (conf, far)]
    assert found[0].shared_topics == [["LLM", "LLM Inference"]]
    assert found[0].reasons[0] == "both LLM \u203a LLM Inference"
    assert found[1].reasons[0] == "same area: LLM"


def test_presented_and_scheduled_papers_are_skipped(taxonomy):
    t = taxonomy
    term = factories.TermFactory()
    done = sosp("Presented", [t["inference"]])
    booked = arxiv("Booked", [t["inference"]])
    fresh_conf = sosp("Fresh", [t["inference"]])
    fresh_arxiv = arxiv("Fresh preprint", [t["inference"]])
    old = session(term, datetime.date(2025, 9, 16))
    factories.TalkFactory(session=old, position=3, paper=done)
    later = session(term, datetime.date(2025, 10, 28))
    factories.TalkFactory(session=later, position=3, paper=booked)
    found = pairs.suggest_pairs(planned(term))
    assert [(p.conference, p.arxiv) for p in found] == [(fresh_conf, fresh_arxiv)]
    with pytest.raises(QueueError, match="already presented or scheduled"):
        pairs.apply_pair(planned(term, datetime.date(2025, 11, 4)), done, fresh_arxiv)


def test_votes_and_the_queue_lift_a_pair_with_the_reason(taxonomy):
    t = taxonomy
    ann, bob = member_person("ann"), member_person("bob")
    plain = sosp("Plain", [t["inference"]])
    loved = sosp("Loved", [t["inference"]])
    arxiv("Preprint", [t["inference"]])
    nomination, _ = nominations.nominate(loved, ann)
    nominations.vote(nomination, bob)
    found = pairs.suggest_pairs(planned(factories.TermFactory()))
    assert [p.conference for p in found] == [loved, plain]
    assert "2 votes" in found[0].reasons


def test_an_untopiced_arxiv_paper_borrows_its_suggested_topic(taxonomy):
    t = taxonomy
    sosp("Paged KV cache for LLM inference serving", [t["inference"]])
    sosp("GPU kernel scheduler", [t["gpu"]])
    bare = arxiv("KV cache compression for LLM inference")
    found = pairs.suggest_pairs(planned(factories.TermFactory()))
    assert found[0].arxiv == bare
    assert "arXiv topic suggested from its text" in found[0].reasons


def test_a_chosen_paper_is_kept_and_full_sessions_get_none(taxonomy):
    t = taxonomy
    term = factories.TermFactory()
    s = session(term, NEXT)
    chosen = sosp("Chosen", [t["inference"]])
    sosp("Other conf", [t["inference"]])
    partner = arxiv("Partner", [t["inference"]])
    first = s.talks.get(position=1)
    first.paper = chosen
    first.save()
    found = pairs.suggest_pairs(sessions_for_checks(term).get(pk=s.pk))
    assert {p.conference for p in found} == {chosen}
    pairs.apply_pair(sessions_for_checks(term).get(pk=s.pk), chosen, partner)
    assert pairs.suggest_pairs(sessions_for_checks(term).get(pk=s.pk)) == []
    assert s.talks.get(position=2).paper == partner


def test_apply_refuses_wrong_sides_and_past_sessions(taxonomy):
    t = taxonomy
    term = factories.TermFactory()
    conf, pre = sosp("c", [t["gpu"]]), arxiv("a", [t["gpu"]])
    with pytest.raises(QueueError, match="one SOSP/OSDI paper and one arXiv"):
        pairs.apply_pair(planned(term), pre, conf)
    with pytest.raises(QueueError, match="over or cancelled"):
        pairs.apply_pair(planned(term, datetime.date(2025, 9, 2)), conf, pre)


def test_apply_refuses_a_session_short_of_open_talks_in_both_languages(taxonomy):
    t = taxonomy
    term = factories.TermFactory()
    conf, pre = sosp("c", [t["gpu"]]), arxiv("a", [t["gpu"]])
    none_open = session(term, NEXT, talks=0)
    one_open = session(term, NEXT + datetime.timedelta(weeks=1), talks=1)
    with pytest.raises(QueueError, match="has 0 open talks for 2 papers;"):
        pairs.apply_pair(sessions_for_checks(term).get(pk=none_open.pk), conf, pre)
    with pytest.raises(QueueError, match="has 1 open talk for 2 papers;"):
        pairs.apply_pair(sessions_for_checks(term).get(pk=one_open.pk), conf, pre)
    with translation.override("zh-hans"), pytest.raises(QueueError, match="需要 2 篇论文"):
        pairs.apply_pair(sessions_for_checks(term).get(pk=one_open.pk), conf, pre)


def test_pair_query_count_is_constant(taxonomy, django_assert_num_queries):
    t = taxonomy
    term = factories.TermFactory()

    def grow(n):
        for i in range(n):
            sosp(f"c{i}{t['gpu'].pk}", [t["gpu"]])
            arxiv(f"a{i}", [t["gpu"]])
        arxiv("untopiced gpu")

    grow(2)
    s = planned(term)
    with django_assert_num_queries(12):
        pairs.suggest_pairs(s)
    grow(5)
    with django_assert_num_queries(12):
        assert len(pairs.suggest_pairs(s, limit=50)) > 7


def test_a_paper_arxiv_says_does_not_exist_is_never_suggested(taxonomy):
    t = taxonomy
    sosp("Conf", [t["inference"]])
    arxiv("Typo id", [t["inference"]], fetch_status=Paper.FetchStatus.MISSING)
    assert pairs.suggest_pairs(planned(factories.TermFactory())) == []
