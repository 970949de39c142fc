"""Tasks and services: status transitions, idempotence, locked fields, new versions, refresh."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from papers.arxiv.client import ArxivClient
from papers.arxiv.sync import fetch_papers, papers_due_for_refresh
from papers.models import Paper
from papers.services import InvalidArxivId, add_paper_from_arxiv, request_fetch
from papers.tasks import fetch_arxiv_metadata
from tests.factories import PaperFactory

UTC = datetime.UTC
Status = Paper.FetchStatus


def arxiv_paper(arxiv_id: str, **fields) -> Paper:
    fields.setdefault("title", f"arXiv:{arxiv_id}")
    return PaperFactory(arxiv_id=arxiv_id, proceedings=None, authors=[], affiliations="", **fields)


def leankv(fake):
    return fake.add(
        "2412.03131",
        title="Unifying KV Cache Compression for Large Language Models with LeanKV",
        summary="Large language model serving keeps a key-value cache per request.",
        authors=[("Yanqi Zhang", ["EPFL"]), ("Yuwei Hu", ["Huawei"])],
        version=1,
        primary_category="cs.LG",
        categories=["cs.LG", "cs.DC"],
        doi="10.1145/3731569.3764801",
        journal_ref="SOSP '25",
        comment="14 pages",
    )


def snapshot(paper: Paper) -> dict:
    paper.refresh_from_db()
    fields = [
        "title", "normalized_title", "abstract", "authors", "affiliations", "doi",
        "arxiv_version", "arxiv_published", "arxiv_updated", "arxiv_primary_category",
        "arxiv_categories", "arxiv_journal_ref", "arxiv_comment", "fetch_status", "fetch_error",
        "fetch_attempts",
    ]  # fmt: skip
    return {name: getattr(paper, name) for name in fields}


@pytest.mark.django_db
def test_add_paper_from_arxiv_creates_queues_and_fetches(
    fake_arxiv, django_capture_on_commit_callbacks
):
    leankv(fake_arxiv)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        paper = add_paper_from_arxiv("https://arxiv.org/abs/2412.03131v1")
    # Nothing is sent before the transaction commits; until then: placeholder title, queued.
    assert len(callbacks) == 1
    assert fake_arxiv.requests == []
    assert paper.title == "arXiv:2412.03131"
    assert paper.fetch_status == Status.QUEUED
    assert paper.arxiv_id == "2412.03131"

    callbacks[0]()
    paper.refresh_from_db()
    assert paper.fetch_status == Status.FETCHED
    assert paper.title == "Unifying KV Cache Compression for Large Language Models with LeanKV"
    assert paper.normalized_title.startswith("unifying kv cache compression")
    assert paper.abstract == "Large language model serving keeps a key-value cache per request."
    assert paper.authors == ["Yanqi Zhang", "Yuwei Hu"]
    assert paper.affiliations == "EPFL & Huawei"
    assert paper.doi == "10.1145/3731569.3764801"
    assert paper.arxiv_version == 1
    assert paper.arxiv_published == datetime.datetime(2024, 12, 4, 9, 0, 1, tzinfo=UTC)
    assert paper.arxiv_primary_category == "cs.LG"
    assert paper.arxiv_categories == ["cs.LG", "cs.DC"]
    assert paper.arxiv_journal_ref == "SOSP '25"
    assert paper.arxiv_comment == "14 pages"
    assert paper.fetched_at is not None
    assert (paper.fetch_error, paper.fetch_attempts) == ("", 0)
    assert paper.venue_label == "arXiv"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["2412.03131", "arXiv:2412.03131v2", "https://arxiv.org/pdf/2412.03131", "2412.03131v1"]
)
def test_any_pasted_form_finds_the_same_row(fake_arxiv, django_capture_on_commit_callbacks, text):
    leankv(fake_arxiv)
    with django_capture_on_commit_callbacks(execute=True):
        first = add_paper_from_arxiv("https://arxiv.org/abs/2412.03131")
    with django_capture_on_commit_callbacks(execute=True):
        again = add_paper_from_arxiv(text)
    assert again.pk == first.pk
    assert Paper.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   ", "hello", "https://example.org/abs/2412.03131", "1234"])
def test_bad_id_is_a_clear_error_and_changes_nothing(text):
    with pytest.raises(InvalidArxivId) as raised:
        add_paper_from_arxiv(text)
    assert "arXiv id" in str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert Paper.objects.count() == 0


@pytest.mark.django_db
def test_existing_paper_is_found_not_refetched_unless_newer_version_pasted(
    fake_arxiv, django_capture_on_commit_callbacks
):
    paper = arxiv_paper("2412.03131", title="LeanKV", fetch_status=Status.FETCHED, arxiv_version=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert add_paper_from_arxiv("2412.03131").pk == paper.pk
        assert add_paper_from_arxiv("2412.03131v1").pk == paper.pk
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_paper_from_arxiv("2412.03131v2")
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_failures_are_recorded_readably_and_counted(fake_arxiv, django_capture_on_commit_callbacks):
    missing = arxiv_paper("2501.99999")
    rejected = arxiv_paper("2409.3108")  # a row from before ids were checked; arXiv refuses it
    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([missing.pk, rejected.pk])

    missing.refresh_from_db()
    rejected.refresh_from_db()
    # Issue 11: an id arXiv does not know is "missing" (a status of its own, was "failed").
    assert missing.fetch_status == Status.MISSING
    assert missing.fetch_error == "arXiv has no paper 2501.99999."
    assert missing.fetch_attempts == 1
    assert missing.fetched_at is not None
    assert rejected.fetch_status == Status.FAILED
    assert rejected.fetch_error == "arXiv rejected the id: incorrect id format for 2409.3108"

    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([missing.pk])
    missing.refresh_from_db()
    assert missing.fetch_attempts == 2

    fake_arxiv.add("2501.99999", title="It exists now")
    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([missing.pk])
    missing.refresh_from_db()
    assert (missing.fetch_status, missing.fetch_error, missing.fetch_attempts) == (
        Status.FETCHED,
        "",
        0,
    )
    assert missing.title == "It exists now"


@pytest.mark.django_db
def test_arxiv_down_marks_failed_with_the_reason(fake_arxiv, django_capture_on_commit_callbacks):
    leankv(fake_arxiv)
    paper = arxiv_paper("2412.03131")
    fake_arxiv.fail_next("503", "503", "503")
    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([paper.pk])
    paper.refresh_from_db()
    assert paper.fetch_status == Status.FAILED
    assert paper.fetch_error == (
        "arXiv API gave no usable answer after 3 attempts: HTTP 503: rate exceeded"
    )
    assert paper.title == "arXiv:2412.03131"


@pytest.mark.django_db
def test_a_crash_inside_the_task_does_not_leave_papers_queued(fake_arxiv, monkeypatch):
    paper = arxiv_paper("2412.03131", fetch_status=Status.QUEUED)

    def boom(self, ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ArxivClient, "fetch", boom)
    assert fetch_arxiv_metadata([paper.pk]) == {
        str(paper.pk): "failed: Unexpected error: disk full"
    }
    paper.refresh_from_db()
    assert paper.fetch_status == Status.FAILED


@pytest.mark.django_db
def test_running_twice_gives_the_same_result(fake_arxiv):
    leankv(fake_arxiv)
    paper = arxiv_paper("2412.03131", fetch_status=Status.QUEUED)

    assert fetch_arxiv_metadata([paper.pk]) == {str(paper.pk): "fetched"}
    first = snapshot(paper)
    # A redelivered task finds the work done and asks arXiv nothing.
    assert fetch_arxiv_metadata([paper.pk]) == {}
    assert snapshot(paper) == first
    assert len(fake_arxiv.requests) == 1
    # Forced twice: asked again, written again, same rows.
    fetch_arxiv_metadata([paper.pk], force=True)
    fetch_arxiv_metadata([paper.pk], force=True)
    assert snapshot(paper) == first


@pytest.mark.django_db
def test_two_runs_at_once_give_the_same_result(fake_arxiv):
    leankv(fake_arxiv)
    paper = arxiv_paper("2412.03131", fetch_status=Status.QUEUED)
    other_run = {}

    class Interleaved(ArxivClient):
        """The other run starts and finishes while this one waits for arXiv's answer."""

        def fetch(self, ids):
            outcomes = super().fetch(ids)
            other_run.update(fetch_papers([paper.pk]))
            return outcomes

    report = fetch_papers([paper.pk], client=Interleaved.from_settings())

    assert other_run == {paper.pk: "fetched"}
    assert report == {paper.pk: "skipped: already fetched"}
    paper.refresh_from_db()
    assert (paper.fetch_status, paper.fetch_attempts) == (Status.FETCHED, 0)
    assert paper.title.startswith("Unifying KV Cache")


@pytest.mark.django_db
def test_locked_fields_are_kept_unless_forced(fake_arxiv, django_capture_on_commit_callbacks):
    leankv(fake_arxiv)
    paper = arxiv_paper(
        "2412.03131",
        title="LeanKV (our title)",
        notes="We read this in week 3.",
        locked_fields=["title", "notes"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([paper.pk])
    paper.refresh_from_db()
    assert paper.title == "LeanKV (our title)"
    assert paper.notes == "We read this in week 3."
    assert paper.abstract.startswith("Large language model serving")  # not locked: filled
    assert paper.fetch_status == Status.FETCHED

    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([paper.pk], force=True)
    paper.refresh_from_db()
    assert paper.title == "Unifying KV Cache Compression for Large Language Models with LeanKV"
    assert paper.normalized_title.startswith("unifying kv cache")
    assert paper.notes == "We read this in week 3."  # arXiv has no notes: never touched


@pytest.mark.django_db
def test_new_arxiv_version_is_picked_up(fake_arxiv, django_capture_on_commit_callbacks):
    fake = leankv(fake_arxiv)
    paper = arxiv_paper("2412.03131")
    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([paper.pk])
    paper.refresh_from_db()
    assert paper.arxiv_version == 1
    first_updated = paper.arxiv_updated

    fake.new_version(title="LeanKV: Unified KV Cache Compression", comment="v2: camera-ready")
    with django_capture_on_commit_callbacks(execute=True):
        request_fetch([paper.pk])
    paper.refresh_from_db()
    assert paper.arxiv_version == 2
    assert paper.arxiv_updated > first_updated
    assert paper.title == "LeanKV: Unified KV Cache Compression"
    assert paper.arxiv_comment == "v2: camera-ready"
    assert paper.arxiv_published == datetime.datetime(2024, 12, 4, 9, 0, 1, tzinfo=UTC)


@pytest.mark.django_db
def test_an_older_version_answer_does_not_go_back(fake_arxiv):
    leankv(fake_arxiv)  # the server only knows v1
    paper = arxiv_paper("2412.03131", title="Kept", arxiv_version=3, fetch_status=Status.QUEUED)
    fetch_arxiv_metadata([paper.pk])
    paper.refresh_from_db()
    assert (paper.arxiv_version, paper.title, paper.fetch_status) == (3, "Kept", Status.FETCHED)


@pytest.mark.django_db
def test_doi_of_another_paper_is_not_copied(fake_arxiv):
    leankv(fake_arxiv)
    conference = PaperFactory(title="LeanKV at SOSP", doi="10.1145/3731569.3764801")
    paper = arxiv_paper("2412.03131", fetch_status=Status.QUEUED)
    assert fetch_arxiv_metadata([paper.pk]) == {str(paper.pk): "fetched"}
    paper.refresh_from_db()
    assert paper.doi == ""
    conference.refresh_from_db()
    assert conference.doi == "10.1145/3731569.3764801"


@pytest.mark.django_db
def test_request_fetch_batches_tasks_and_skips_papers_without_arxiv_id(
    fake_arxiv, settings, django_capture_on_commit_callbacks
):
    settings.ARXIV_BATCH_SIZE = 2
    ids = [f"2501.{n:05d}" for n in range(1, 6)]
    fake_arxiv.add_generated(ids)
    papers = [arxiv_paper(i) for i in ids]
    plain = PaperFactory(title="No arXiv id here")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = request_fetch([p.pk for p in papers] + [plain.pk])

    assert queued == [p.pk for p in papers]
    assert len(callbacks) == 3  # 5 papers at 2 per task
    assert len(fake_arxiv.requests) == 3
    assert set(Paper.objects.filter(pk__in=queued).values_list("fetch_status", flat=True)) == {
        Status.FETCHED
    }
    plain.refresh_from_db()
    assert plain.fetch_status == Status.NEVER


@pytest.mark.django_db
def test_papers_due_for_refresh():
    now = timezone.now()
    hours = datetime.timedelta(hours=1)
    days = datetime.timedelta(days=1)

    def make(arxiv_id, status, fetched_ago=None, attempts=0, updated_ago=None):
        paper = arxiv_paper(arxiv_id, fetch_status=status, fetch_attempts=attempts)
        Paper.objects.filter(pk=paper.pk).update(
            fetched_at=now - fetched_ago if fetched_ago is not None else None,
            updated_at=now - (updated_ago or datetime.timedelta(0)),
        )
        return arxiv_id

    due = {
        make("2501.00001", Status.NEVER),
        make("2501.00002", Status.FETCHED, fetched_ago=31 * days),
        make("2501.00003", Status.FAILED, fetched_ago=2 * hours, attempts=1),
        make("2501.00004", Status.FAILED, fetched_ago=9 * hours, attempts=4),
        make("2501.00005", Status.FAILED, fetched_ago=8 * days, attempts=20),
        make("2501.00006", Status.QUEUED, updated_ago=2 * hours),
    }
    not_due = {
        make("2501.00011", Status.FETCHED, fetched_ago=29 * days),
        make("2501.00012", Status.FAILED, fetched_ago=30 * datetime.timedelta(minutes=1)),
        make("2501.00013", Status.FAILED, fetched_ago=7 * hours, attempts=4),
        make("2501.00014", Status.FAILED, fetched_ago=6 * days, attempts=20),
        make("2501.00015", Status.QUEUED, updated_ago=10 * datetime.timedelta(minutes=1)),
    }
    PaperFactory(title="No arXiv id")

    found = set(papers_due_for_refresh(now).values_list("arxiv_id", flat=True))
    assert found == due
    assert not found & not_due


@pytest.mark.django_db(transaction=True)
def test_refresh_task_fetches_the_due_papers(fake_arxiv):
    from papers.tasks import refresh_arxiv_metadata

    fake_arxiv.add_generated(["2501.00001", "2501.00002"])
    never = arxiv_paper("2501.00001")
    fresh = arxiv_paper("2501.00002", fetch_status=Status.FETCHED)
    Paper.objects.filter(pk=fresh.pk).update(fetched_at=timezone.now())

    assert refresh_arxiv_metadata() == 1
    never.refresh_from_db()
    assert never.fetch_status == Status.FETCHED
    assert fake_arxiv.asked_ids() == ["2501.00001"]


# --- the command -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_command_with_ids_waits_and_reports_per_paper(fake_arxiv):
    leankv(fake_arxiv)
    known = arxiv_paper("2501.99999")
    out = StringIO()

    call_command("fetch_arxiv", str(known.pk), "arXiv:2412.03131", "--wait", stdout=out)

    text = out.getvalue()
    added = Paper.objects.get(arxiv_id="2412.03131")
    assert f"Added paper {added.pk} for arXiv 2412.03131." in text
    assert "Queued 2 paper(s)" in text
    assert "2412.03131v1" in text and "fetched" in text and "LeanKV" in text
    assert "2501.99999" in text and "arXiv has no paper 2501.99999. (attempt 1)" in text
    # Issue 11: an id arXiv does not know is "missing" (was counted as "failed").
    assert "Done: 1 fetched, 1 missing." in text
    assert len(fake_arxiv.requests) == 1  # the added paper shares the batch


@pytest.mark.django_db(transaction=True)
def test_command_all_and_stale(fake_arxiv):
    ids = ["2501.00001", "2501.00002", "2501.00003"]
    fake_arxiv.add_generated(ids)
    papers = [arxiv_paper(i) for i in ids]
    PaperFactory(title="No arXiv id")

    out = StringIO()
    call_command("fetch_arxiv", "--stale", "--wait", stdout=out)
    assert "Done: 3 fetched." in out.getvalue()
    assert len(fake_arxiv.requests) == 1  # one batch

    out = StringIO()
    call_command("fetch_arxiv", "--stale", stdout=out)
    assert "Queued 0 paper(s)" in out.getvalue()

    Paper.objects.filter(pk=papers[0].pk).update(locked_fields=["title"], title="Ours")
    out = StringIO()
    call_command("fetch_arxiv", "--all", "--wait", "--force", stdout=out)
    assert "Done: 3 fetched." in out.getvalue()
    papers[0].refresh_from_db()
    assert papers[0].title == "Generated paper 0: scaling the 2501.00001 system"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wait"], "exactly one"),
        (["--all", "--stale"], "exactly one"),
        (["--all", "12"], "exactly one"),
        (["9999", "--wait"], "there is no paper 9999"),
        (["2412.03131", "nonsense"], "'nonsense' is neither a paper id nor an arXiv id"),
    ],
)
def test_command_bad_input_changes_nothing(fake_arxiv, args, message):
    paper = arxiv_paper("2501.00001")
    with pytest.raises(CommandError, match=message):
        call_command("fetch_arxiv", *args)
    paper.refresh_from_db()
    assert paper.fetch_status == Status.NEVER
    assert not Paper.objects.filter(arxiv_id="2412.03131").exists()
    assert fake_arxiv.requests == []
