"""Conference lists as people write them (tests/fixtures/lists/): every form the reader must
take, what it makes of them, what the catalogue then holds, and the round trips."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue_import import conference_list_from_db, import_conference_list
from papers.conference_list import Cycle, Link, parse, write
from papers.models import AcceptanceCycle, Acronym, Paper, PaperLink, Proceedings, Topic, Venue

LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"
SEED = (LISTS.parent / "sosp-2025.md").read_text(encoding="utf-8")


def read(name: str) -> str:
    return (LISTS / name).read_text(encoding="utf-8")


def by_title(conference) -> dict:
    return {paper.title.split(":")[0]: (section, paper) for section, paper in conference.papers()}


# --- The reader ---------------------------------------------------------------------------


def test_osdi_cycles_links_awards_and_system_names():
    osdi = parse(read("osdi-2025.md"))
    assert (osdi.venue, osdi.year, osdi.full_name) == ("OSDI", 2025, "")
    assert osdi.cycles == [Cycle("Spring", 79, 404), Cycle("Fall", 55, 401)]
    # No overall line: the whole conference is the sum of its cycles.
    assert (osdi.accepted, osdi.submitted) == (134, 805)
    assert osdi.warnings == []
    papers = by_title(osdi)
    assert list(papers) == ["WaferLLM", "NanoFlow", "AlpaServe", "Quant-LLM", "Jiagu"]

    section, wafer = papers["WaferLLM"]
    assert section.path == ("LLM", "LLM Inference")
    # One URL for the paper, the slides and the video: three links, one of each kind.
    talk = "https://www.usenix.org/conference/osdi25/presentation/he"
    assert wafer.links == [
        Link("paper", "Paper", talk),
        Link("slides", "Slides", talk),
        Link("video", "Video", talk),
        Link("code", "Code", "https://github.com/MeshInfra/WaferLLM"),
    ]
    assert (wafer.affiliations, wafer.system_name, wafer.awards) == (
        "Edinburgh & MSR",
        "WaferLLM",
        [],
    )
    # The bold line says more than the name: it stays a note too.
    assert wafer.notes.startswith("* **WaferLLM**, the first wafer-scale LLM inference system.\n")

    _, nano = papers["NanoFlow"]
    assert nano.awards == ["Best Paper Award"] and nano.system_name == ""
    assert nano.links[2] == Link("code", "Code (incoming)", "https://github.com/efeslab/Nanoflow")
    assert nano.notes == "* Intra-device parallelism with nano-batching."

    section, alpa = papers["AlpaServe"]
    assert section.path == ("LLM", "LLM Training")
    assert alpa.title == (
        "AlpaServe: Statistical Multiplexing with Model Parallelism for Deep Learning Serving"
    )
    assert alpa.links == [
        Link("paper", "Paper", "https://www.usenix.org/conference/osdi23/presentation/li-zhouhan"),
        Link("notes", "Notes", "alpaserve.md"),
        Link("code", "Code", "https://github.com/alpa-projects/mms"),
    ]
    assert alpa.affiliations == "UC Berkeley & PKU"

    _, quant = papers["Quant-LLM"]
    assert quant.title == "Quant-LLM: Accelerating the Serving of LLMs via FP6"
    assert quant.links == [
        Link("paper", "Paper", ""),  # a link to come, not part of the title
        Link("code", "Code", "https://github.com/usyd-fsalab/fp6_llm"),  # "\_" unescaped
    ]
    assert quant.awards == ["Distinguished Artifact Award"]

    section, jiagu = papers["Jiagu"]
    assert section.path == ("Serverless",)
    # The first plain sub-bullet is the affiliations though it has a child of its own.
    assert jiagu.affiliations == "SJTU IPADS & Huawei"
    assert jiagu.system_name == "Jiagu"
    assert jiagu.notes == (
        "* Joint work with Huawei Cloud.\n"
        "* **Jiagu**, a serverless system based on OpenFaaS.\n"
        "* Pre-decision scheduling and dual-staged scaling."
    )


def test_nsdi_inline_meta_deep_topics_papers_before_areas_and_repeated_ids():
    nsdi = parse(read("nsdi-2025.md"))
    assert nsdi.paper_list_urls == ["https://www.usenix.org/conference/nsdi25/technical-sessions"]
    assert nsdi.cycles == [
        Cycle("Spring", 30, 199),
        Cycle("Fall", 50, 296),
        Cycle("Summer", 65, 510),
    ]
    assert (nsdi.accepted, nsdi.submitted) == (145, 1005)  # the Overall line, as given
    assert nsdi.meta_notes == "Held in Philadelphia, PA, USA."
    # An unknown section is kept, verbatim, as proceedings notes.
    assert nsdi.extra_notes == (
        "## References\n\n* [USENIX NSDI '25](https://www.usenix.org/conference/nsdi25)"
    )
    assert [(section.path, paper.title.split(":")[0]) for section, paper in nsdi.papers()] == [
        ((), "Before Any Area"),
        (("Networking", "Data Center", "Congestion Control"), "Uno"),
        (("Networking", "Data Center", "Congestion Control"), "Same DOI Twice"),
        (("Networking", "Data Center"), "Hermes"),
        (("Networking", "Wide Area"), "Paper Listed by arXiv Only"),
        (("Networking", "Wide Area"), "Another Entry with the Same arXiv Id"),
    ]
    assert [(w.line, w.message) for w in nsdi.warnings] == [
        (
            29,
            "same DOI 10.5555/nsdi25.1 as the paper at line 27; both kept as separate papers, "
            "neither merged (a copy-paste slip?)",
        ),
        (
            36,
            "same arXiv id 2501.01234 as the paper at line 34; both kept as separate papers, "
            "neither merged (a copy-paste slip?)",
        ),
    ]
    assert [a.short for a in nsdi.acronyms] == ["RDMA"]


def test_cais_title_with_full_name_and_inline_rate():
    cais = parse(read("cais-2026.md"))
    assert (cais.venue, cais.year) == ("CAIS", 2026)
    assert cais.full_name == "ACM Conference on AI and Agentic Systems"
    assert (cais.accepted, cais.submitted, cais.cycles) == (46, 219, [])
    ((_, agentos),) = list(cais.papers())
    assert (agentos.system_name, agentos.awards) == ("AgentOS", ["Outstanding Paper"])
    assert cais.extra_notes == "## Notes\n\nWritten during the conference; slides to come."
    assert cais.warnings == []


@pytest.mark.parametrize("name", ["osdi-2025.md", "nsdi-2025.md", "cais-2026.md"])
def test_every_list_writes_back_to_what_it_read(name):
    conference = parse(read(name))
    text = write(conference)
    assert parse(text) == conference
    assert write(parse(text)) == text


# --- Into the catalogue -------------------------------------------------------------------


def api_papers(client) -> list[dict]:
    """/api/papers.json, every page, without the database ids (they differ between imports)."""
    results, url = [], reverse("papers:api-list") + "?page_size=200"
    while url:
        data = client.get(url).json()
        results += [{k: v for k, v in p.items() if k not in ("id", "url")} for p in data["results"]]
        url = data["next"]
    return results


@pytest.mark.django_db
def test_repeated_ids_are_two_papers_neither_merged():
    summary = import_conference_list(parse(read("nsdi-2025.md")))
    assert summary.papers_created == 6 and summary.papers_merged == 0
    uno = Paper.objects.get(title__startswith="Uno")
    slip = Paper.objects.get(title__startswith="Same DOI Twice")
    assert (uno.doi, slip.doi) == ("10.5555/nsdi25.1", "")
    # Both keep the link the list gave them.
    assert list(slip.links.values_list("url", flat=True)) == [
        "https://dl.acm.org/doi/10.5555/nsdi25.1"
    ]
    first = Paper.objects.get(title__startswith="Paper Listed by arXiv")
    second = Paper.objects.get(title__startswith="Another Entry")
    assert (first.arxiv_id, first.arxiv_version, second.arxiv_id) == ("2501.01234", 2, "")
    assert [issue.line for issue in summary.issues] == [29, 36]
    # Papers before any area have no topic; deep topics nest.
    assert list(Paper.objects.get(title__startswith="Before Any Area").topics.all()) == []
    assert [t.path for t in uno.topics.all()] == [
        ["Networking", "Data Center", "Congestion Control"]
    ]
    proceedings = Proceedings.objects.get()
    assert list(proceedings.cycles.values_list("name", "accepted", "submitted")) == [
        ("Spring", 30, 199),
        ("Fall", 50, 296),
        ("Summer", 65, 510),
    ]
    assert (proceedings.accepted, proceedings.submitted) == (145, 1005)
    assert "## References" in proceedings.notes
    # Again: the same two papers, nothing changes, and it says so.
    again = import_conference_list(parse(read("nsdi-2025.md")))
    assert not again.changed and again.papers_unchanged == 6
    assert "nothing changed" in again.lines()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["sosp-2025.md", "osdi-2025.md", "nsdi-2025.md", "cais-2026.md"])
def test_import_export_import_into_an_empty_catalogue_gives_the_same_api(client, name):
    text = SEED if name == "sosp-2025.md" else read(name)
    import_conference_list(parse(text))
    before = api_papers(client)
    proceedings = Proceedings.objects.select_related("venue").get()
    exported = write(conference_list_from_db(proceedings))
    if name == "sosp-2025.md":
        assert exported == SEED  # the canonical form, byte for byte
    for model in (PaperLink, AcceptanceCycle, Acronym, Paper, Proceedings, Topic, Venue):
        model.objects.all().delete()
    summary = import_conference_list(parse(exported))
    assert api_papers(client) == before
    assert summary.papers_created == len(before)
    again = write(conference_list_from_db(Proceedings.objects.select_related("venue").get()))
    assert again == exported
    assert not import_conference_list(parse(exported)).changed


@pytest.mark.django_db
def test_all_four_lists_in_one_catalogue_then_each_again_changes_nothing():
    texts = [SEED] + [read(name) for name in ("osdi-2025.md", "nsdi-2025.md", "cais-2026.md")]
    for text in texts:
        import_conference_list(parse(text))
    count = Paper.objects.count()
    for text in texts:
        summary = import_conference_list(parse(text))
        assert not summary.changed, summary
    assert Paper.objects.count() == count == 29 + 5 + 6 + 1


@pytest.mark.django_db
def test_an_over_long_title_is_a_line_numbered_error_and_the_rest_imports():
    huge = "A" * 2_000_000
    text = SEED.replace("* Proto: A Guided Journey", f"* {huge}: A Guided Journey", 1)
    line = 1 + next(
        n for n, row in enumerate(text.splitlines()) if row.startswith(f"* {huge[:10]}")
    )
    summary = import_conference_list(parse(text))
    assert [(issue.line, issue.message) for issue in summary.issues] == [
        (
            line,
            "the title is 2,000,049 characters, longer than the 500 the catalogue holds; "
            "paper not imported",
        )
    ]
    assert summary.papers_skipped == 1 and summary.papers_created == 28
    assert not Paper.objects.filter(title__startswith="AAAA").exists()
    longest = max(len(title) for title in Paper.objects.values_list("title", flat=True))
    assert longest <= Paper._meta.get_field("title").max_length


@pytest.mark.django_db
def test_over_long_links_acronyms_and_topics_are_errors_too():
    text = (
        "# TEST 2025\n\n## Papers\n\n"
        f"### {'T' * 300}\n\n"
        f"* A paper \\[[Code](https://example.org/{'x' * 1200})] \\[[Paper](https://doi.org/10.1/x)]\n"
        "  * MIT\n\n"
        "## Acronyms\n\n"
        f"* {'A' * 60}: too long\n"
    )
    summary = import_conference_list(parse(text))
    messages = [(issue.line, issue.message.split(";")[0]) for issue in summary.issues]
    assert messages == [
        (
            7,
            f"the topic name {'T' * 40!r}… is 300 characters, longer than the 200 the "
            "catalogue holds",
        ),
        (7, "the 'Code' link is longer than the catalogue holds (100 for a label, 1000 for a URL)"),
        (
            12,
            "this acronym is longer than the catalogue holds (50 characters for the acronym, "
            "300 for its expansion)",
        ),
    ]
    paper = Paper.objects.get()
    assert list(paper.topics.all()) == [] and [link.kind for link in paper.links.all()] == ["paper"]
    assert not Acronym.objects.exists()


@pytest.mark.django_db
def test_command_prints_every_warning_as_file_line(tmp_path):
    path = LISTS / "nsdi-2025.md"
    err, out = StringIO(), StringIO()
    call_command("import_papers", path, stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}:29: same DOI 10.5555/nsdi25.1 as the paper at line 27; both kept as separate "
        "papers, neither merged (a copy-paste slip?)",
        f"{path}:36: same arXiv id 2501.01234 as the paper at line 34; both kept as separate "
        "papers, neither merged (a copy-paste slip?)",
    ]
    assert "papers: 6 created" in out.getvalue()
    out = StringIO()
    call_command("import_papers", path, "--dry-run", stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("(dry run, nothing written) NSDI 2025: proceedings unchanged")


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    summary = import_conference_list(parse(read("osdi-2025.md")), dry_run=True)
    assert summary.papers_created == 5 and summary.proceedings_created
    assert not Paper.objects.exists() and not Proceedings.objects.exists()
    assert not Topic.objects.exists() and not Venue.objects.exists()


@pytest.mark.django_db
def test_a_preprint_already_in_the_catalogue_is_merged_and_reported():
    preprint = Paper.objects.create(title="NanoFlow", arxiv_id="2408.12757")
    summary = import_conference_list(parse(read("osdi-2025.md")))
    assert summary.papers_merged == 1 and summary.papers_created == 4
    assert summary.merged == [
        (25, f"NanoFlow: Towards Optimal Large Language Model Serving Throughput ← #{preprint.pk}")
    ]
    preprint.refresh_from_db()
    assert str(preprint.proceedings) == "OSDI 2025"


@pytest.mark.django_db
def test_awards_are_shown_on_the_paper_page(client):
    import_conference_list(parse(read("osdi-2025.md")))
    nano = Paper.objects.get(title__startswith="NanoFlow")
    assert nano.awards == ["Best Paper Award"]
    html = client.get(nano.get_absolute_url()).content.decode()
    assert '<dt>Awards</dt><dd class="paper-awards">Best Paper Award</dd>' in html
