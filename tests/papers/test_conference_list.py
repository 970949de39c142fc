"""The conference-list parser and writer, fed with the real SOSP 2025 list and broken variants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from papers.conference_list import (
    AcronymEntry,
    ConferenceList,
    Cycle,
    Link,
    ListedPaper,
    ParseError,
    Section,
    link_kind,
    parse,
    write,
)
from papers.identifiers import ArxivId
from papers.models import PaperLink
from readinggroup.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = (FIXTURES / "sosp-2025.md").read_text(encoding="utf-8")

# Every paper of tests/fixtures/sosp-2025.md, read off the file by hand:
# (area, subtopic, title, affiliations, system name, link kinds in order).
EXPECTED = [
    (
        "LLM",
        "LLM Training",
        "Robust LLM Training Infrastructure at ByteDance",
        "HKU & ByteDance Seed",
        "ByteRobust",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Training",
        "Mycroft: Tracing Dependencies in Collective Communication Towards Reliable LLM Training",
        "CUHK & ByteDance & ByteDance Seed",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Training",
        "DCP: Addressing Input Dynamism In Long-Context Training via Dynamic Context Parallelism",
        "HKU & AWS",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Training",
        "TrainVerify: Equivalence-Based Verification for Distributed LLM Training",
        "UMich & MSRA",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Inference",
        "Jenga: Effective Memory Management for Serving LLM with Heterogeneity",
        "THU & UChicago & UC Berkeley",
        "",
        ("notes", "paper", "arxiv"),
    ),
    (
        "LLM",
        "LLM Inference",
        "PrefillOnly: An Inference Engine for Prefill-only Workloads in Large "
        "Language Model Applications",
        "Chicago & THU & LinkedIn & UC Berkeley",
        "",
        ("paper", "arxiv"),
    ),
    (
        "LLM",
        "LLM Inference",
        "IC-Cache: Efficient Large Language Model Serving via In-context Caching",
        "UIUC & Google",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Inference",
        "Aegaeon: Effective GPU Pooling for Concurrent LLM Serving on the Market",
        "PKU & Alibaba Cloud",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Inference",
        "Characterizing Mobile SoC for Accelerating Heterogeneous LLM Inference",
        "SJTU IPADS & THU & SenseTime",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "LLM Applications",
        "Pie: A Programmable Serving System for Emerging LLM Applications",
        "Yale",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "RAG Systems",
        "METIS: Fast Quality-Aware RAG Systems with Configuration Adaptation",
        "Chicago & Princeton & MSR",
        "",
        ("paper", "arxiv"),
    ),
    (
        "LLM",
        "RAG Systems",
        "HeteRAG: Co-Optimizing Generation and Retrieval for Heterogeneous RAG Workflows",
        "UCSD",
        "",
        ("paper", "arxiv", "artifact"),
    ),
    (
        "LLM",
        "KV Cache Management",
        "DiffKV: Differentiated Memory Management for Large Language "
        "Models with Parallel KV Compaction",
        "Huawei & CUHK & SJTU",
        "",
        ("paper",),
    ),
    (
        "LLM",
        "Multi-GPU Operator Optimization",
        "Mercury: Unlocking Multi-GPU Operator Optimization for LLMs via Remote Memory Scheduling",
        "UCSD & Meta",
        "",
        ("paper", "artifact"),
    ),
    (
        "MoE",
        "MoE Inference",
        "KTransformers: Unleashing the Full Potential of CPU/GPU Hybrid Inference for MoE Models",
        "THU & Approaching.AI",
        "",
        ("paper", "code"),
    ),
    (
        "Distributed Training",
        "",
        "Sailor: Automating Distributed Training over Dynamic, "
        "Heterogeneous, and Geo-distributed Clusters",
        "ETH & MIT & HES-SO",
        "",
        ("paper",),
    ),
    (
        "Deep Learning Compilation",
        "",
        "Tempo: Compiled Dynamic Deep Learning with Symbolic Dependence Graphs",
        "ICL",
        "",
        ("paper",),
    ),
    (
        "GPU",
        "GPU OS",
        "LithOS: An Operating System for Efficient Machine Learning on GPUs",
        "CMU & Meta",
        "",
        ("paper", "arxiv"),
    ),
    (
        "GPU",
        "GPU Checkpointing",
        "PhoenixOS: Concurrent OS-level GPU Checkpoint and Restore with Validated Speculation",
        "SJTU IPADS",
        "",
        ("paper", "arxiv"),
    ),
    (
        "GPU",
        "GPU Storage",
        "Managing Scalable Direct Storage Accesses for GPUs with GoFS",
        "UIUC",
        "",
        ("paper",),
    ),
    (
        "RDMA",
        "Live Migration",
        "Device-Assisted Live Migration of RDMA Devices",
        "NVIDIA",
        "",
        ("paper",),
    ),
    (
        "CXL",
        "PCIe Pooling",
        "Oasis: Pooling PCIe Devices Over CXL to Boost Utilization",
        "Columbia & Microsoft Azure",
        "",
        ("paper",),
    ),
    ("OS", "", "Proto: A Guided Journey through Modern OS Construction", "UVA", "", ("paper",)),
    (
        "OS",
        "",
        "How to Copy Memory? Coordinated Asynchronous Copy as a First-Class OS Service",
        "SJTU IPADS & Huawei",
        "",
        ("paper",),
    ),
    (
        "Resource Management",
        "Serverless Computing",
        "Unlocking True Elasticity for the Cloud-Native Era with Dandelion",
        "ETH",
        "",
        ("paper",),
    ),
    (
        "Resource Management",
        "Serverless Computing",
        "Quilt: Resource-aware Merging of Serverless Workflows",
        "UPenn",
        "",
        ("paper",),
    ),
    (
        "Resource Management",
        "Resource Allocation",
        "COpter: Efficient Large-Scale Resource-Allocation via Continual Optimization",
        "Microsoft & Meta & CMU",
        "",
        ("paper",),
    ),
    (
        "Resource Management",
        "Cloud Deployment",
        "Moirai: Optimizing Placement of Data and Compute in Hybrid Clouds",
        "CMU & Uber",
        "",
        ("paper",),
    ),
    (
        "Video",
        "",
        "SAND: A New Programming Abstraction for Video-based Deep Learning",
        "KAIST",
        "",
        ("paper",),
    ),
]


@pytest.fixture(scope="module")
def seed() -> ConferenceList:
    return parse(SEED)


def test_title_and_meta_info(seed):
    assert (seed.venue, seed.year) == ("SOSP", 2025)
    assert seed.homepage == "https://sigops.org/s/conferences/sosp/2025/"
    assert seed.paper_list_urls == [
        "https://sigops.org/s/conferences/sosp/2025/accepted.html",
        "https://dl.acm.org/doi/proceedings/10.1145/3731569",
    ]
    assert (seed.accepted, seed.submitted, seed.acceptance_rate) == (65, 368, 17.7)
    assert seed.meta_notes == ""


def test_every_paper_with_its_place_affiliations_system_name_and_link_kinds(seed):
    got = [
        (
            section.path[0],
            section.path[1] if len(section.path) > 1 else "",
            paper.title,
            paper.affiliations,
            paper.system_name,
            tuple(link.kind for link in paper.links),
        )
        for section, paper in seed.papers()
    ]
    assert len(got) == 29
    assert got == EXPECTED


def test_titles_agree_with_the_rendered_page(seed):
    # The web page's rendering of the same list, an independent witness of the titles.
    rendered = (FIXTURES / "sosp-2025.rendered.txt").read_text(encoding="utf-8")
    titles = re.findall(r"^\s+• (.+?) \[Paper\]", rendered, flags=re.MULTILINE)
    assert [paper.title for _, paper in seed.papers()] == titles


def test_every_paper_line_of_the_file_is_a_paper(seed):
    paper_lines = [
        number for number, line in enumerate(SEED.splitlines(), start=1) if "\\[[Paper](" in line
    ]
    assert [paper.line for _, paper in seed.papers()] == paper_lines


def test_areas_and_subtopics_in_order(seed):
    areas = list(dict.fromkeys(section.path[0] for section in seed.sections))
    assert areas == [
        "LLM", "MoE", "Distributed Training", "Deep Learning Compilation", "GPU", "RDMA", "CXL",
        "OS", "Resource Management", "Video",
    ]  # fmt: skip
    assert [section.path for section in seed.sections if section.path[0] == "LLM"] == [
        ("LLM", "LLM Training"), ("LLM", "LLM Inference"), ("LLM", "LLM Applications"),
        ("LLM", "RAG Systems"), ("LLM", "KV Cache Management"),
        ("LLM", "Multi-GPU Operator Optimization"),
    ]  # fmt: skip
    # Papers directly under an area sit in a section whose path is the area alone.
    assert [(s.path, len(s.papers)) for s in seed.sections if s.path[0] == "OS"] == [(("OS",), 2)]
    assert seed.warnings == []


def test_links_keep_label_url_and_identifiers(seed):
    papers = {paper.title.split(":")[0]: paper for _, paper in seed.papers()}
    jenga = papers["Jenga"]
    assert jenga.links == [
        Link("notes", "Personal Notes", "jenga.md"),
        Link("paper", "Paper", "https://dl.acm.org/doi/10.1145/3731569.3764823"),
        Link("arxiv", "arXiv", "https://arxiv.org/abs/2503.18292"),
    ]
    assert jenga.doi == "10.1145/3731569.3764823"
    assert jenga.arxiv == ArxivId("2503.18292", None)
    assert papers["HeteRAG"].links[2] == Link(
        "artifact", "Artifact", "https://github.com/Leo9660/HedraRAG_AE"
    )
    assert papers["KTransformers"].links[1] == Link(
        "code", "Code", "https://github.com/kvcache-ai/ktransformers"
    )
    assert papers["Pie"].arxiv is None
    assert all(paper.doi and paper.doi.startswith("10.1145/3731569.") for paper in papers.values())


def test_notes_keep_nested_bullets_as_markdown(seed):
    papers = {paper.title.split(":")[0]: paper for _, paper in seed.papers()}
    assert papers["Jenga"].notes == (
        "* Two challenges\n"
        "    * Recent models have heterogeneous embeddings with different sizes.\n"
        "    * Some new architectures use only a subset of the prefix tokens to generate the next "
        "token.\n"
        "* Designs\n"
        "    * Two-level memory allocator: choose the page size as least common multiple of token "
        "embedding sizes.\n"
        "    * Enable attention variants to customize this mechanism by precisely specifying the "
        "exact prefix subset."
    )
    html = render_markdown(papers["Jenga"].notes)
    assert html.count("<ul>") == 3  # the notes and two nested lists
    # The system name and the affiliations are not notes.
    assert papers["Robust LLM Training Infrastructure at ByteDance"].notes == ""
    assert papers["Proto"].notes == ""
    assert papers["Pie"].notes.startswith("* Decompose the traditional generation loop")


def test_acronyms(seed):
    assert seed.acronyms == [
        AcronymEntry("OS", "Operating System"),
        AcronymEntry("LLM", "Large Language Model"),
        AcronymEntry("MoE", "Mixture-of-Experts"),
        AcronymEntry("RAG", "Retrieval Augmented Generation"),
        AcronymEntry("RDMA", "Remote Direct Memory Access"),
        AcronymEntry("CXL", "Compute Express Link"),
        AcronymEntry("LP", "Linear Program"),
        AcronymEntry("MILP", "Mixed Integer Linear Program"),
    ]


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Paper", "paper"),
        ("arXiv", "arxiv"),
        ("ARXIV", "arxiv"),
        ("Code", "code"),
        ("Artifact", "artifact"),
        ("Slides", "slides"),
        ("Video", "video"),
        ("Docs", "docs"),
        ("Homepage", "homepage"),
        ("Project", "homepage"),
        ("Project Page", "homepage"),
        ("Personal Notes", "notes"),
        ("personal  notes", "notes"),
        ("Blog", "other"),
        ("Talk", "other"),
    ],
)
def test_link_kind_by_label(label, kind):
    assert link_kind(label) == kind
    assert kind in PaperLink.Kind.values


def test_windows_line_endings_and_byte_order_mark(seed):
    assert parse(SEED.replace("\n", "\r\n")) == seed
    assert parse("\ufeff" + SEED) == seed


def test_write_gives_back_the_seed_file(seed):
    assert write(seed) == SEED


def test_round_trip_of_the_seed(seed):
    assert parse(write(seed)) == seed


def test_round_trip_of_awkward_lists():
    """Shapes the seed lacks: papers without links or affiliations, meta notes, deep notes,
    deep topics, papers before any area, cycles, awards, links to come, extra sections."""
    conference = ConferenceList(
        venue="USENIX ATC",
        year=2024,
        full_name="USENIX Annual Technical Conference",
        accepted=90,
        submitted=500,
        cycles=[Cycle("Spring", 40, 200), Cycle("Fall", 45, 250)],
        meta_notes="Held with OSDI.\n\n### Best Papers\n\n* Something",
        extra_notes="## References\n\n* [A blog](https://blog.example.org)",
        sections=[
            Section((), [ListedPaper("Before any area", affiliations="KAIST")]),
            Section(
                ("Storage",),
                [
                    ListedPaper("A paper with nothing"),
                    ListedPaper("Notes but no affiliations", notes="* first\n* second"),
                    ListedPaper("System only", system_name="Zed"),
                    ListedPaper("Awarded", awards=["Best Paper Award"], notes="* a note"),
                ],
            ),
            Section(
                ("Storage", "File Systems"),
                [
                    ListedPaper("Linkless first paper of a subtopic"),
                    ListedPaper(
                        "Links of every kind",
                        links=[
                            Link("slides", "Slides", "https://example.org/s.pdf"),
                            Link("video", "Video", "https://example.org/s.pdf"),
                            Link("other", "Blog post", "https://blog.example.org/(a)"),
                            Link("docs", "Docs", "https://docs.example.org"),
                            Link("homepage", "Homepage", "https://example.org"),
                            Link("paper", "Paper", ""),
                            Link("code", "Code (incoming)", "https://github.com/x/y"),
                        ],
                        affiliations="MIT",
                        system_name="Kind",
                        awards=["Distinguished Artifact Award"],
                        notes="* level one\n    * level two\n        * level three\n"
                        "* **bold note** after the system name",
                    ),
                ],
            ),
            Section(
                ("Storage", "File Systems", "Journaling"),
                [ListedPaper("Three levels down", links=[Link("paper", "Paper", "https://x.org")])],
            ),
            Section(("Storage", "File Systems"), [ListedPaper("Back up one", affiliations="UW")]),
            Section(("Storage",), [ListedPaper("Back under the area", affiliations="EPFL")]),
        ],
    )
    text = write(conference)
    again = parse(text)
    assert again == conference, text
    assert again.warnings == []
    assert write(again) == text


def test_tolerated_variations():
    text = (
        "# OSDI 2024\n"
        "## Papers\n"
        "### Systems\n"
        "- A title [[Paper](https://doi.org/10.5555/1)]\n"
        "\t- MIT\n"
        "\t- A note that goes\n"
        "\t  on over two lines\n"
        "+ Another \\[[arXiv](https://arxiv.org/pdf/cs/0112017v2)]\n"
    )
    conference = parse(text)
    first, second = [paper for _, paper in conference.papers()]
    assert first.affiliations == "MIT"
    assert first.notes == "* A note that goes on over two lines"
    assert first.doi == "10.5555/1"
    assert second.arxiv == ArxivId("cs/0112017", 2)
    assert conference.accepted is None and conference.acronyms == []


BASE = """\
# SOSP 2025

## Meta Info

Homepage: [https://example.org/](https://example.org/)

### Acceptance Rate

17.7% (= 65 / 368)

## Papers

### LLM

* LLM Training
  * Paper One \\[[Paper](https://dl.acm.org/doi/10.1145/1.1)]
    * HKU
  * Paper Two \\[[Paper](https://dl.acm.org/doi/10.1145/1.2)]
    * CMU

## Acronyms

* OS: Operating System
"""


def _line_of(text: str, needle: str) -> int:
    """The last line that holds `needle`."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if needle in line][-1]


@pytest.mark.parametrize(
    ("old", "new", "marker", "expected"),
    [
        ("## Acronyms", "## Workshops", None, None),
        ("## Acronyms", "# Again 2025", "# Again", "a second title heading"),
        ("## Acronyms", "## Papers", None, None),
        (
            "(https://dl.acm.org/doi/10.1145/1.1)]",
            "(https://dl.acm.org/doi/10.1145/1.1",
            "Paper One",
            "unclosed link bracket",
        ),
        ("1.1)]", "1.1)] see also", "Paper One", "text after the links ('see also')"),
        ("1.1)]", "1.1)] \\[[Code](javascript:alert(1))]", "Paper One", "not http(s)"),
        (
            "* Paper One",
            "* \\[[Paper]",
            "\\[[Paper](https://dl.acm.org/doi/10.1145/1.1)]",
            "without a title",
        ),
        (
            "Paper Two \\[[Paper](https://dl.acm.org/doi/10.1145/1.2)]",
            "Paper Two \\[[Paper](https://doi.org/10.1145/1.1)]",
            "Paper Two",
            "same DOI 10.1145/1.1 as the paper at line 16; both kept",
        ),
        ("* Paper Two", "* paper ONE!", "paper ONE!", "same title 'paper ONE!' as the paper at"),
        ("17.7% (= 65 / 368)", "about 18%", "about 18%", "without 'accepted / submitted'"),
        ("17.7% (= 65 / 368)", "17.7% (= 400 / 368)", "400 / 368", "more accepted than submitted"),
        ("17.7% (= 65 / 368)", "27.7% (= 65 / 368)", "27.7%", "but 65 / 368 is 17.7%"),
        ("* OS: Operating System", "* OS Operating System", "OS Operating", "not an acronym"),
        (
            "* OS: Operating System",
            "* OS: Operating System\n* OS: Other",
            "OS: Other",
            "defined twice (first at line 23)",
        ),
        ("    * CMU", "Stray paragraph text.", "Stray paragraph", "not a bullet"),
        (
            "Homepage: [https://example.org/](https://example.org/)",
            "Homepage: [https://example.org/](https://example.org/)\nHomepage: https://x.org",
            "https://x.org",
            "a second homepage",
        ),
        ("# SOSP 2025", "Draft, do not share\n# SOSP 2025", "Draft", "before the title"),
    ],
)
def test_odd_lines_are_warnings_that_say_where_and_what(old, new, marker, expected):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    conference = parse(text)
    if marker is None:
        assert conference.warnings == []
        return
    assert [str(w) for w in conference.warnings if expected in w.message], conference.warnings
    warning = next(w for w in conference.warnings if expected in w.message)
    assert warning.line == _line_of(text, marker)
    # Nothing is lost: the list still has its papers and writes back to something that reads.
    assert len(list(conference.papers())) >= 2
    assert parse(write(conference)) == conference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "title heading with a year"),
        ("Just some notes\n\nabout nothing\n", "title heading with a year"),
        ("# My shopping list\n\n* eggs\n", "title heading to name a venue and year"),
        ("# SOSP 2025\n", "neither papers nor meta info"),
        ("# SOSP 2025\n\n## Acronyms\n\n* OS: Operating System\n", "neither papers"),
    ],
)
def test_only_a_file_that_is_not_a_conference_list_is_refused(text, expected):
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert expected in caught.value.message
    assert str(caught.value).startswith(f"line {caught.value.line}: ")


def test_base_of_the_broken_inputs_parses():
    conference = parse(BASE)
    assert [paper.title for _, paper in conference.papers()] == ["Paper One", "Paper Two"]


def test_a_link_that_is_not_a_valid_url_is_kept_as_written():
    # urlsplit raises on an unclosed IPv6 bracket; the reader keeps the link, never fails.
    text = "# SOSP 2025\n\n## Papers\n\n### Area\n\n* T \\[[Paper](https://x[y)]\n"
    listed = parse(text)
    (paper,) = listed.sections[0].papers
    assert paper.title == "T"
    assert paper.links == [Link(kind="paper", label="Paper", url="https://x[y")]


# --- Variants people write that the seed does not show ---------------------------------------


def _summary(conference: ConferenceList) -> list[tuple]:
    return [
        (
            section.path,
            paper.title,
            paper.affiliations,
            [(link.kind, link.url) for link in paper.links],
        )
        for section, paper in conference.papers()
    ]


@pytest.mark.parametrize(
    "meta",
    [
        "",
        "Homepage: https://sigops.org/s/conferences/hotos/2025/\n\n",
        "## Meta Info\n\n### Acceptance Rate\n\n25.0% (= 1,234 / 4,936)\n\n",
    ],
)
def test_areas_without_a_papers_heading_are_read_as_papers(meta):
    text = (
        f"# HotOS 2025\n\n{meta}"
        "### Storage\n\n"
        "* Paper A \\[[Paper](https://x.org/1)]\n"
        "  * MIT\n\n"
        "### Networking\n\n"
        "* Paper B \\[[Paper](https://x.org/2)]\n"
        "  * CMU\n"
    )
    conference = parse(text)
    assert _summary(conference) == [
        (("Storage",), "Paper A", "MIT", [("paper", "https://x.org/1")]),
        (("Networking",), "Paper B", "CMU", [("paper", "https://x.org/2")]),
    ]
    assert conference.meta_notes == ""
    line = _line_of(text, "### Storage")
    assert [(w.line, w.message) for w in conference.warnings] == [
        (
            line,
            "papers under '### Storage' with no '## Papers' heading before them; read as the "
            "papers section",
        )
    ]
    again = parse(write(conference))
    assert again == conference and again.warnings == []


def test_a_meta_subsection_with_prose_before_paper_lines_stays_meta_notes_with_a_warning():
    text = (
        "# HotOS 2025\n\n## Meta Info\n\n### Best Papers\n\nTwo awards this year.\n\n"
        "* Paper A \\[[Paper](https://x.org/1)]\n"
    )
    conference = parse(text)
    assert list(conference.papers()) == []
    assert conference.meta_notes == (
        "### Best Papers\n\nTwo awards this year.\n\n* Paper A \\[[Paper](https://x.org/1)]"
    )
    assert [(w.line, w.message) for w in conference.warnings] == [
        (
            9,
            "a paper line in the meta info, under '### Best Papers' after other text; kept in "
            "the meta notes",
        )
    ]


def test_a_paper_line_in_a_section_the_format_does_not_know_is_kept_with_a_warning():
    # "## Storage" could be an area or a section of its own (workshops, posters): the reader
    # does not guess, it keeps the lines as notes and says so, once per section.
    text = (
        "# OSDI 2024\n\n## Meta Info\n\nHomepage: https://www.usenix.org/conference/osdi24\n\n"
        "## Storage\n\n"
        "* Paper A \\[[Paper](https://x.org/1)]\n"
        "  * MIT\n"
        "* Paper B \\[[Paper](https://x.org/2)]\n"
    )
    conference = parse(text)
    assert list(conference.papers()) == []
    assert conference.extra_notes == (
        "## Storage\n\n* Paper A \\[[Paper](https://x.org/1)]\n  * MIT\n"
        "* Paper B \\[[Paper](https://x.org/2)]"
    )
    assert [(w.line, w.message) for w in conference.warnings] == [
        (
            9,
            "a paper line under '## Storage', which is not '## Papers'; the section is kept "
            "in the proceedings notes (rename it '### Storage' under '## Papers' to import it)",
        )
    ]
    assert parse(write(conference)) == conference


def test_closing_hashes_of_the_title_heading_are_not_its_full_name():
    for title in ("# FAST 2024 #", "# FAST 2024 ##  ", "# FAST 2024#"):
        conference = parse(f"{title}\n\n## Papers\n\n* Paper A \\[[Paper](https://x.org/1)]\n")
        assert (conference.venue, conference.year, conference.full_name) == ("FAST", 2024, "")
    named = parse("# FAST 2024 (File and Storage Technologies) #\n\nHomepage: https://x.org\n")
    assert named.full_name == "File and Storage Technologies"
    assert parse("# CSC 2024 Conference on C#\n\nHomepage: https://x.org\n").full_name == (
        "Conference on C#"
    )


def test_link_destinations_in_angle_brackets_with_a_title_or_as_doi():
    text = (
        "# ASPLOS 2025\n\n## Papers\n\n"
        "* Angle \\[[Paper](<https://dl.acm.org/doi/10.1145/3.4>)]\n"
        '* Titled \\[[Paper](https://x.org/1 "USENIX page")] \\[[Code](https://github.com/a/b)]\n'
        "* Scheme \\[[Paper](doi:10.1145/3.8)]\n"
    )
    conference = parse(text)
    assert _summary(conference) == [
        ((), "Angle", "", [("paper", "https://dl.acm.org/doi/10.1145/3.4")]),
        ((), "Titled", "", [("paper", "https://x.org/1"), ("code", "https://github.com/a/b")]),
        ((), "Scheme", "", [("paper", "https://doi.org/10.1145/3.8")]),
    ]
    assert [paper.doi for _, paper in conference.papers()] == ["10.1145/3.4", None, "10.1145/3.8"]
    assert [(w.line, w.message) for w in conference.warnings] == [
        (6, "the 'Paper' link's title 'USENIX page' is not kept (a tooltip the catalogue has no "
         "field for)"),
        (7, "the 'Paper' link 'doi:10.1145/3.8' is kept as https://doi.org/10.1145/3.8"),
    ]  # fmt: skip
    assert parse(write(conference)) == conference


def test_html_comments_are_kept_as_written_and_never_read_as_papers():
    text = (
        "# ATC 2024\n\n<!-- generated by hand -->\n\n## Papers\n\n### Storage\n\n"
        "* Paper A \\[[Paper](https://x.org/1)]\n"
        "  * MIT\n"
        "<!--\n"
        "* Hidden Paper \\[[Paper](https://x.org/hidden)]\n"
        "## Not a heading\n"
        "-->\n"
        "* Paper B \\[[Paper](https://x.org/2)]\n"
        "  * CMU\n"
    )
    conference = parse(text)
    assert _summary(conference) == [
        (("Storage",), "Paper A", "MIT", [("paper", "https://x.org/1")]),
        (("Storage",), "Paper B", "CMU", [("paper", "https://x.org/2")]),
    ]
    assert conference.meta_notes == "<!-- generated by hand -->"
    assert conference.extra_notes == (
        "## Notes\n\n<!--\n* Hidden Paper \\[[Paper](https://x.org/hidden)]\n## Not a heading\n-->"
    )
    assert [(w.line, w.message) for w in conference.warnings] == [
        (
            11,
            "an HTML comment (the page does not show it, nor does the reader read it); kept in "
            "the proceedings notes",
        )
    ]
    again = parse(write(conference))
    assert again == conference and again.warnings == []


def test_an_html_comment_never_closed_hides_the_rest_and_says_so():
    text = (
        "# ATC 2024\n\nHomepage: https://x.org\n\n## Papers\n\n"
        "<!-- draft\n* Paper A \\[[Paper](https://x.org/1)]\n"
    )
    conference = parse(text)
    assert [(w.line, w.message) for w in conference.warnings] == [
        (
            7,
            "an HTML comment that is never closed (the page shows nothing after it); kept in "
            "the proceedings notes",
        )
    ]
    assert conference.extra_notes == (
        "## Notes\n\n<!-- draft\n* Paper A \\[[Paper](https://x.org/1)]"
    )


def _rates_list(rates: str) -> str:
    return (
        f"# SC 2024\n\n## Meta Info\n\n### Acceptance Rate\n\n{rates}\n\n"
        "## Papers\n\n* Paper A \\[[Paper](https://x.org/1)]\n"
    )


@pytest.mark.parametrize(
    ("rates", "overall", "warnings"),
    [
        # Submission cycles: the conference is their sum.
        (
            "* Spring 2024: 20.0% (= 40 / 200)\n* Second deadline: 20.0% (= 50 / 250)",
            (90, 450),
            [],
        ),
        ("* Cycle 1: 20.0% (= 40 / 200)\n* Round 2: 20.0% (= 50 / 250)", (90, 450), []),
        ("* January: 20.0% (= 40 / 200)\n* Fall: 20.0% (= 50 / 250)", (90, 450), []),
        # Categories of work: the papers line is the proceedings' rate, posters are not added.
        ("* Papers: 20% (= 90 / 450)\n* Posters: 30% (= 60 / 200)", (90, 450), []),
        ("* Posters: 30% (= 60 / 200)\n* Full papers: 20% (= 90 / 450)", (90, 450), []),
        ("* Research papers: 20% (= 90 / 450)\n* Demos: 50% (= 10 / 20)", (90, 450), []),
        # Given, the overall line wins.
        (
            "* Papers: 20% (= 90 / 450)\n* Posters: 30% (= 60 / 200)\n"
            "* Overall: 23.1% (= 150 / 650)",
            (150, 650),
            [],
        ),
        # No papers line, or a cycle mixed with a category: no overall, said once.
        (
            "* Short papers: 25% (= 10 / 40)\n* Posters: 30% (= 60 / 200)",
            (None, None),
            [
                (
                    7,
                    "'Short papers' names no submission cycle (Spring, Fall, Cycle 1, ...), so "
                    "the rate lines are not summed and the overall acceptance rate is left empty "
                    "(give it as '* Overall: ...', or the proceedings' own as '* Papers: ...')",
                )
            ],
        ),
        (
            "* Spring: 20.0% (= 40 / 200)\n* Workshop: 50% (= 10 / 20)",
            (None, None),
            [
                (
                    8,
                    "'Workshop' names no submission cycle (Spring, Fall, Cycle 1, ...), so "
                    "the rate lines are not summed and the overall acceptance rate is left empty "
                    "(give it as '* Overall: ...', or the proceedings' own as '* Papers: ...')",
                )
            ],
        ),
    ],
)
def test_rate_lines_sum_only_when_each_names_a_submission_cycle(rates, overall, warnings):
    text = _rates_list(rates)
    conference = parse(text)
    # Every line stays a cycle, whatever it names.
    named = [line.split(":")[0].lstrip("* ") for line in rates.splitlines()]
    assert [cycle.name for cycle in conference.cycles] == [n for n in named if n != "Overall"]
    assert (conference.accepted, conference.submitted) == overall
    assert [(w.line, w.message) for w in conference.warnings] == warnings
    # The export reads back to the same figures (an overall it gives is written as one).
    again = parse(write(conference))
    assert again == conference
    assert write(again) == write(conference)


@pytest.mark.parametrize(
    ("rate", "counts"),
    [
        ("22.5% (90 of 400)", (90, 400)),
        ("22.5% (90 out of 400)", (90, 400)),
        ("90 accepted out of 400 submissions", (90, 400)),
        ("90 papers accepted out of 400 submitted", (90, 400)),
        ("90/400", (90, 400)),
        ("22.5% (= 90/400)", (90, 400)),
        ("23% (90 of 400)", (90, 400)),  # 22.5 written to a whole percent
        ("20.1% (= 1,234 / 6,139)", (1234, 6139)),
        ("1,234 accepted out of 6,139 submissions", (1234, 6139)),
    ],
)
def test_rates_written_in_words_or_without_parentheses_give_the_counts(rate, counts):
    for line in (rate, f"* Overall: {rate}"):
        conference = parse(_rates_list(line))
        assert (conference.accepted, conference.submitted, conference.cycles) == (*counts, [])
        assert conference.meta_notes == ""
        assert conference.warnings == []
        # Written back in the canonical form, which reads back to the same figures.
        text = write(conference)
        accepted, submitted = counts
        assert f"\n{100 * accepted / submitted:.1f}% (= {accepted} / {submitted})\n" in text
        again = parse(text)
        assert again == conference and again.warnings == []


def test_a_cycle_in_words_and_a_percentage_that_disagrees_with_its_counts():
    conference = parse(
        _rates_list(
            "* Spring: 20% (40 of 200)\n* Fall: 25.0% (50 out of 250)\n"
            "* Cycle 1 of 2: 10% (1,000 of 10,000)"
        )
    )
    assert conference.cycles == [
        Cycle("Spring", 40, 200),
        Cycle("Fall", 50, 250),
        Cycle("Cycle 1 of 2", 1000, 10000),
    ]
    assert (conference.accepted, conference.submitted) == (1090, 10450)
    assert [(w.line, w.message) for w in conference.warnings] == [
        (8, "the rate says 25.0% but 50 / 250 is 20.0%; the counts are kept")
    ]
    assert parse(write(conference)) == conference


def test_a_bare_url_after_a_title_is_taken_out_of_it_as_a_link_of_its_kind():
    text = (
        "# EuroSys 2025\n\n## Papers\n\n### Storage\n\n"
        "* Paper D https://dl.acm.org/doi/10.1145/1.2\n"
        "  * MIT\n"
        "* Paper E (https://arxiv.org/abs/2401.00001)\n"
        "* Paper F <https://github.com/a/b>\n"
        "* Paper G http://example.org/talk\\_page\n"
        "* Paper H https://example.org/x is the best\n"
        "* https://example.org/only-a-url\n"
        "* Paper I (see https://example.org/y)\n"
        "* Paper J ftp://example.org/z\n"
    )
    conference = parse(text)
    assert _summary(conference) == [
        (("Storage",), "Paper D", "MIT", [("paper", "https://dl.acm.org/doi/10.1145/1.2")]),
        (("Storage",), "Paper E", "", [("arxiv", "https://arxiv.org/abs/2401.00001")]),
        (("Storage",), "Paper F", "", [("code", "https://github.com/a/b")]),
        (("Storage",), "Paper G", "", [("other", "http://example.org/talk_page")]),
        # Not at the end, nothing before it, not closed, not http(s): left in the title.
        (("Storage",), "Paper H https://example.org/x is the best", "", []),
        (("Storage",), "https://example.org/only-a-url", "", []),
        (("Storage",), "Paper I (see https://example.org/y)", "", []),
        (("Storage",), "Paper J ftp://example.org/z", "", []),
    ]
    papers = [paper for _, paper in conference.papers()]
    assert papers[0].doi == "10.1145/1.2"
    assert papers[1].arxiv == ArxivId("2401.00001", None)
    assert [(w.line, w.message) for w in conference.warnings] == [
        (7, "a bare URL after the title (https://dl.acm.org/doi/10.1145/1.2); taken out of the "
         "title as its 'Paper' link"),
        (9, "a bare URL after the title (https://arxiv.org/abs/2401.00001); taken out of the "
         "title as its 'arXiv' link"),
        (10, "a bare URL after the title (https://github.com/a/b); taken out of the title as "
         "its 'Code' link"),
        (11, "a bare URL after the title (http://example.org/talk_page); taken out of the "
         "title as its 'Link' link"),
    ]  # fmt: skip
    again = parse(write(conference))
    assert again == conference and again.warnings == []


def test_a_bare_url_makes_a_bullet_a_paper_not_a_subtopic():
    text = (
        "# EuroSys 2025\n\n## Papers\n\n### Storage\n\n"
        "* Paper D https://dl.acm.org/doi/10.1145/1.2\n"
        "  * MIT\n"
        "    * Joint with Google\n"
    )
    conference = parse(text)
    ((section, paper),) = list(conference.papers())
    assert (section.path, paper.title, paper.affiliations, paper.notes) == (
        ("Storage",),
        "Paper D",
        "MIT",
        "* Joint with Google",
    )


def test_trailing_line_breaks_are_dropped_from_papers_affiliations_and_notes():
    text = (
        "# ATC 2024\n\n## Papers\n\n### Storage\n\n"
        "* File Systems<br>\n"
        "  * Paper A \\[[Paper](https://x.org/1)]<br>\n"
        "    * MIT<br>\n"
        "    * A note<br/>\n"
        "      * A nested note <BR />\n"
        "    * A note that goes\n"
        "      on over two lines<br><br>\n"
        "  * Paper B \\[[Paper](https://x.org/2)] <br/>\n"
        "    * MIT<br>CMU\n"
        "    * A note<br>\n"
        "      that goes on\n"
        "    * <br>\n"
    )
    conference = parse(text)
    assert _summary(conference) == [
        (("Storage", "File Systems"), "Paper A", "MIT", [("paper", "https://x.org/1")]),
        (("Storage", "File Systems"), "Paper B", "MIT<br>CMU", [("paper", "https://x.org/2")]),
    ]
    first, second = [paper for _, paper in conference.papers()]
    assert first.notes == ("* A note\n    * A nested note\n* A note that goes on over two lines")
    # In the middle of a note (a wrapped line), or all a bullet holds: kept as written.
    assert second.notes == "* A note<br> that goes on\n* <br>"
    assert conference.warnings == []
    again = parse(write(conference))
    assert again == conference and again.warnings == []


def test_a_subtopic_read_from_bullets_without_links_says_how_to_make_it_a_paper():
    text = (
        "# HotOS 2025\n\n## Papers\n\n### Storage\n\n"
        "* A Linkless Paper\n"
        "  * MIT\n"
        "    * Joint with Google\n"
        "* Deep Topic\n"
        "  * Linked Subtopic\n"
        "    * Paper A \\[[Paper](https://x.org/1)]\n"
        "  * Three Levels\n"
        "    * Of Bullets\n"
        "      * Without Links\n"
        "        * Below\n"
    )
    conference = parse(text)
    assert _summary(conference) == [
        (("Storage", "A Linkless Paper"), "MIT", "Joint with Google", []),
        (
            ("Storage", "Deep Topic", "Linked Subtopic"),
            "Paper A",
            "",
            [("paper", "https://x.org/1")],
        ),
        (("Storage", "Deep Topic", "Three Levels", "Of Bullets"), "Without Links", "Below", []),
    ]
    hint = (
        "read as a subtopic, as its bullets have no links; if it is a paper, give it a link "
        "(\\[[Paper](url)], or \\[Paper] for one to come)"
    )
    # "Three Levels" has bullets two levels deep: a topic, said nothing about.
    assert [(w.line, w.message) for w in conference.warnings] == [
        (7, f"'A Linkless Paper' is {hint}"),
        (14, f"'Of Bullets' is {hint}"),
    ]
    # The hint does what it says.
    fixed = parse(text.replace("* A Linkless Paper", "* A Linkless Paper \\[Paper]"))
    assert _summary(fixed)[0] == (("Storage",), "A Linkless Paper", "MIT", [("paper", "")])
    assert parse(write(conference)) == conference


def test_the_seed_and_real_lists_read_no_subtopic_as_a_linkless_paper(seed):
    assert seed.warnings == []
    for path in sorted((FIXTURES / "lists").glob("*.md")):
        conference = parse(path.read_text(encoding="utf-8"))
        assert not [w for w in conference.warnings if "read as a subtopic" in w.message], path
