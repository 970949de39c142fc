"""Import of a conference list into the catalogue, export back, and the two commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.catalogue_import import (
    conference_list_from_db,
    import_conference_list,
)
from papers.conference_list import parse, write
from papers.models import Acronym, Paper, PaperLink, Proceedings, Topic, Venue
from tests.papers.lists import generated_list
from tests.papers.test_conference_list import EXPECTED, SEED

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_FILE = FIXTURES / "sosp-2025.md"

pytestmark = pytest.mark.django_db


def catalogue() -> dict:
    """Everything the catalogue holds, without database ids: two equal catalogues compare equal."""
    papers = Paper.objects.select_related("proceedings__venue").prefetch_related(
        "topics__parent", "links"
    )
    return {
        "venues": sorted((v.name, v.kind) for v in Venue.objects.all()),
        "proceedings": sorted(
            (str(p), p.homepage, tuple(p.paper_list_urls), p.accepted, p.submitted, p.notes)
            for p in Proceedings.objects.select_related("venue")
        ),
        "topics": sorted(tuple(t.path) for t in Topic.objects.select_related("parent")),
        "papers": sorted(
            (
                p.title,
                p.normalized_title,
                p.affiliations,
                p.system_name,
                p.notes,
                p.arxiv_id,
                p.arxiv_version,
                p.doi,
                str(p.proceedings),
                p.position,
                tuple(sorted(tuple(t.path) for t in p.topics.all())),
                tuple((link.kind, link.label, link.url, link.position) for link in p.links.all()),
            )
            for p in papers
        ),
        "acronyms": sorted(
            (str(a.proceedings), a.short, a.expansion) for a in Acronym.objects.all()
        ),
    }


def import_text(text: str):
    return import_conference_list(parse(text))


def test_seed_import_fills_the_catalogue():
    summary = import_text(SEED)
    assert summary.proceedings_created
    assert (summary.papers_created, summary.papers_updated, summary.papers_unchanged) == (29, 0, 0)
    assert summary.topics_created == 25  # 10 areas, 15 subtopics
    assert summary.links_created == 39
    assert summary.acronyms_created == 8

    proceedings = Proceedings.objects.get()
    assert str(proceedings) == "SOSP 2025"
    assert proceedings.acceptance_rate == 17.7
    assert proceedings.venue.kind == Venue.Kind.CONFERENCE
    assert len(proceedings.paper_list_urls) == 2

    papers = list(
        Paper.objects.filter(proceedings=proceedings)
        .order_by("position")
        .prefetch_related("topics__parent", "links")
    )
    got = [
        (
            *([*p.topics.get().path, ""][:2]),
            p.title,
            p.affiliations,
            p.system_name,
            tuple(link.kind for link in p.links.all()),
        )
        for p in papers
    ]
    assert got == EXPECTED
    assert [p.position for p in papers] == list(range(29))
    assert all(p.doi.startswith("10.1145/3731569.") for p in papers)
    assert papers[0].normalized_title == "robust llm training infrastructure at bytedance"
    jenga = papers[4]
    assert (jenga.arxiv_id, jenga.arxiv_version) == ("2503.18292", None)
    assert jenga.notes.startswith("* Two challenges\n    * Recent models")
    assert sum(1 for p in papers if p.arxiv_id) == 6
    # Areas are roots, subtopics their children.
    assert Topic.objects.filter(parent=None).count() == 10
    assert Topic.objects.get(name="LLM Inference").parent.name == "LLM"


def test_reimport_changes_nothing():
    import_text(SEED)
    before = catalogue()
    stamps = dict(Paper.objects.values_list("pk", "updated_at"))
    summary = import_text(SEED)
    assert not summary.changed
    assert (summary.papers_created, summary.papers_updated, summary.papers_unchanged) == (0, 0, 29)
    assert summary.topics_created == summary.links_created == summary.links_deleted == 0
    assert summary.acronyms_created == summary.acronyms_updated == summary.acronyms_deleted == 0
    assert catalogue() == before
    assert dict(Paper.objects.values_list("pk", "updated_at")) == stamps


def test_edited_file_updates_in_place():
    import_text(SEED)
    ids = dict(Paper.objects.values_list("doi", "pk"))
    edited = (
        SEED.replace(
            "Robust LLM Training Infrastructure at ByteDance",
            "Robust LLM Training Infrastructure at ByteDance (extended)",
        )
        # A link removed and another added.
        .replace(
            " \\[[arXiv](https://arxiv.org/abs/2505.07203)]",
            " \\[[Code](https://github.com/example/prefillonly)]",
        )
        .replace("    * UIUC & Google", "    * UIUC & Google DeepMind")
        # Sailor moves from "Distributed Training" to a new subtopic of it.
        .replace("### Distributed Training\n\n", "### Distributed Training\n\n* Geo-distributed\n")
        .replace("* Sailor:", "  * Sailor:")
        .replace("  * ETH & MIT & HES-SO", "    * ETH & MIT & HES-SO")
        .replace("  * Combine an efficient search space", "    * Combine an efficient search space")
        .replace("17.7% (= 65 / 368)", "17.9% (= 66 / 368)")
        .replace("* LP: Linear Program\n", "")
        .replace("* OS: Operating System", "* OS: Operating Systems")
    )
    summary = import_text(edited)
    assert (summary.papers_created, summary.papers_updated, summary.papers_unchanged) == (
        0,
        4,
        25,
    )
    assert summary.proceedings_updated
    assert summary.topics_created == 1
    assert (summary.links_created, summary.links_deleted) == (1, 1)
    assert (summary.acronyms_updated, summary.acronyms_deleted) == (1, 1)
    assert dict(Paper.objects.values_list("doi", "pk")) == ids
    assert Paper.objects.get(pk=ids["10.1145/3731569.3764838"]).title.endswith("(extended)")
    prefill = Paper.objects.get(pk=ids["10.1145/3731569.3764834"])
    assert [link.kind for link in prefill.links.all()] == ["paper", "code"]
    # The list no longer links an arXiv id; the catalogue keeps the id it knew.
    assert prefill.arxiv_id == "2505.07203"
    sailor = Paper.objects.get(pk=ids["10.1145/3731569.3764839"])
    assert [t.path for t in sailor.topics.all()] == [["Distributed Training", "Geo-distributed"]]
    assert Proceedings.objects.get().accepted == 66
    assert Acronym.objects.get(short="OS").expansion == "Operating Systems"
    assert not Acronym.objects.filter(short="LP").exists()
    # And the edited file, imported again, is the new steady state.
    assert not import_text(edited).changed


def test_merge_by_arxiv_id_doi_and_title():
    by_arxiv = Paper.objects.create(title="Jenga (preprint title)", arxiv_id="2503.18292")
    by_doi = Paper.objects.create(title="ByteRobust", doi="10.1145/3731569.3764838")
    by_title = Paper.objects.create(
        title="pie -- a programmable serving system for emerging LLM applications"
    )
    summary = import_text(SEED)
    assert (summary.papers_created, summary.papers_updated) == (26, 3)
    assert Paper.objects.count() == 29
    by_arxiv.refresh_from_db()
    assert by_arxiv.title.startswith("Jenga: Effective Memory Management")
    assert by_arxiv.doi == "10.1145/3731569.3764823"
    assert str(by_arxiv.proceedings) == "SOSP 2025"
    by_doi.refresh_from_db()
    assert by_doi.title == "Robust LLM Training Infrastructure at ByteDance"
    assert by_doi.system_name == "ByteRobust"
    by_title.refresh_from_db()
    assert by_title.title == "Pie: A Programmable Serving System for Emerging LLM Applications"
    assert by_title.doi == "10.1145/3731569.3764814"


def test_same_title_with_another_doi_is_another_paper():
    other = Paper.objects.create(
        title="Pie: A Programmable Serving System for Emerging LLM Applications",
        doi="10.9999/not-the-same",
    )
    summary = import_text(SEED)
    assert summary.papers_created == 29
    other.refresh_from_db()
    assert other.doi == "10.9999/not-the-same" and other.proceedings is None


def test_locked_fields_survive_an_import():
    import_text(SEED)
    paper = Paper.objects.get(doi="10.1145/3731569.3764838")
    paper.affiliations = "Hand-edited"
    paper.locked_fields = ["affiliations"]
    paper.save()
    import_text(SEED)
    paper.refresh_from_db()
    assert paper.affiliations == "Hand-edited"


def test_two_entries_matching_one_paper_are_both_kept_with_a_warning():
    pie = Paper.objects.create(
        title="Pie: A Programmable Serving System for Emerging LLM Applications",
        arxiv_id="2412.10543",  # METIS's arXiv id: both list entries would land on this row
    )
    summary = import_text(SEED)
    metis_line = 1 + next(
        n for n, line in enumerate(SEED.splitlines()) if line.lstrip().startswith("* METIS")
    )
    assert [(w.line, w.message) for w in summary.issues] == [
        (
            metis_line,
            f"this paper and the one at line {metis_line - 5} both match catalogue paper "
            f"#{pie.pk} ('Pie: A Programmable Serving System for Emerging LLM Applications'); "
            "kept as a paper of its own, neither merged",
        ),
        (
            metis_line,
            f"the arXiv id 2412.10543 belongs to catalogue paper #{pie.pk} ('Pie: A "
            "Programmable Serving System for Emerging LLM Applications'); not set on this one",
        ),
    ]
    assert summary.papers_created == 28 and summary.papers_merged == 1
    metis = Paper.objects.get(title__startswith="METIS")
    assert metis.arxiv_id == "" and metis.pk != pie.pk
    pie.refresh_from_db()
    assert pie.proceedings is not None and pie.arxiv_id == "2412.10543"
    # And again: the same warnings, nothing changes.
    again = import_text(SEED)
    assert not again.changed and len(again.issues) == 2


def test_import_export_import_gives_the_same_catalogue():
    import_text(SEED)
    proceedings = Proceedings.objects.select_related("venue").get()
    exported = write(conference_list_from_db(proceedings))
    assert exported == SEED
    first = catalogue()
    for model in (PaperLink, Paper, Acronym, Proceedings, Topic, Venue):
        model.objects.all().delete()
    assert catalogue()["papers"] == []
    import_text(exported)
    assert catalogue() == first


def test_export_of_hand_made_papers_round_trips():
    """Papers entered by hand (no topic, ids without links) still export and re-import."""
    import_text(SEED)
    proceedings = Proceedings.objects.get()
    Paper.objects.create(
        title="Added in the admin",
        proceedings=proceedings,
        position=99,
        arxiv_id="2401.00001",
        doi="10.1145/3731569.9999999",
        notes="Plain paragraph, no bullets.",
    )
    exported = write(conference_list_from_db(proceedings))
    # Without a topic it comes before the first area, as a list has such papers.
    assert (
        "## Papers\n\n* Added in the admin \\[[Paper](https://doi.org/10.1145/3731569.9999999)]"
        " \\[[arXiv](https://arxiv.org/abs/2401.00001)]\n  *\n  * Plain paragraph, no bullets."
        "\n\n### LLM" in exported
    )
    summary = import_text(exported)
    assert summary.papers_created == 0
    added = Paper.objects.get(title="Added in the admin")
    assert list(added.topics.all()) == []
    assert added.notes == "* Plain paragraph, no bullets."


def test_import_query_count_does_not_grow_with_the_list():
    """Bulk operations: the same statements for 30 papers as for 300, bar the INSERT batches
    (SQLite binds at most 999 parameters per statement, so wide rows insert 39 at a time)."""
    counts = []
    for size in (30, 300):
        text = generated_list(size)
        with CaptureQueriesContext(connection) as created:
            import_text(text)
        with CaptureQueriesContext(connection) as unchanged:
            assert not import_text(text).changed
        inserts = [q["sql"] for q in created.captured_queries if q["sql"].startswith("INSERT")]
        counts.append((len(created) - len(inserts), len(unchanged)))
        # 300 papers, 300 topic rows and 750 links: a handful of statements, not 1,350.
        assert len(inserts) <= 8 + size // 20, (size, len(inserts))
        for model in (PaperLink, Paper, Proceedings, Topic, Venue):
            model.objects.all().delete()
    assert counts[0] == counts[1], counts


# --- Commands -------------------------------------------------------------------------------


def test_import_command_prints_a_summary():
    out = StringIO()
    call_command("import_papers", SEED_FILE, stdout=out)
    text = out.getvalue()
    assert "SOSP 2025: proceedings created" in text
    assert "papers: 29 created, 0 updated, 0 unchanged" in text
    assert "topics: 25 created" in text
    assert "links: 39 created" in text
    out = StringIO()
    call_command("import_papers", str(SEED_FILE), stdout=out)
    assert "papers: 0 created, 0 updated, 29 unchanged" in out.getvalue()


def test_import_command_prints_file_line_warnings_and_imports_the_rest(tmp_path):
    call_command("import_papers", SEED_FILE, stdout=StringIO())
    odd = tmp_path / "odd.md"
    odd.write_text(
        SEED.replace("Yale", "Yale University").replace("* OS: Operating System", "* OS"),
        encoding="utf-8",
    )
    line = SEED.splitlines().index("* OS: Operating System") + 1
    out, err = StringIO(), StringIO()
    call_command("import_papers", odd, stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        f"{odd}:{line}: not an acronym as '* OS: Operating System'; kept in the proceedings notes"
    ]
    assert "papers: 0 created, 1 updated, 28 unchanged" in out.getvalue()
    assert Paper.objects.get(title__startswith="Pie:").affiliations == "Yale University"
    proceedings = Proceedings.objects.get()
    assert proceedings.notes == "## Notes\n\n* OS"
    assert not proceedings.acronyms.filter(short="OS").exists()


def test_import_command_refuses_a_file_that_is_not_a_list(tmp_path):
    other = tmp_path / "readme.md"
    other.write_text("Reading group\n\n* Tuesday 10:00\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_papers", other, stdout=StringIO())
    assert str(caught.value).startswith(f"{other}:3: not a conference list")
    assert not Proceedings.objects.exists()


def test_reimport_says_nothing_changed():
    import_text(SEED)
    out = StringIO()
    call_command("import_papers", SEED_FILE, stdout=out)
    assert "proceedings unchanged (nothing changed" in out.getvalue()
    assert "0 created, 0 updated, 29 unchanged" in out.getvalue()


def test_import_command_on_missing_binary_and_latin1_files(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_papers", tmp_path / "nope.md")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"# SOSP 2025\n\x00\x01\x02")
    with pytest.raises(CommandError, match=r"binary\.md: not a text file \(it holds NUL bytes"):
        call_command("import_papers", binary)
    assert not Proceedings.objects.exists()
    # Not UTF-8 is still a list: read as the guessed encoding, and said at line 1.
    latin = tmp_path / "latin1.md"
    latin.write_bytes(
        SEED.replace("→", "->").replace("—", "-").replace("Yale", "Café").encode("latin-1")
    )
    err = StringIO()
    call_command("import_papers", latin, stdout=StringIO(), stderr=err)
    note = "the file is not UTF-8; it was read as Windows-1252 (a guess"
    assert err.getvalue().startswith(f"{latin}:1: {note}")
    assert Paper.objects.get(title__startswith="Pie:").affiliations == "Café"


def test_export_command(tmp_path):
    call_command("import_papers", SEED_FILE, stdout=StringIO())
    out = StringIO()
    call_command("export_papers", "--venue", "sosp", "--year", "2025", stdout=out)
    assert out.getvalue() == SEED
    target = tmp_path / "out.md"
    err = StringIO()
    call_command(
        "export_papers", venue="SOSP", year=2025, output=target, stdout=StringIO(), stderr=err
    )
    assert target.read_text(encoding="utf-8") == SEED
    assert "Wrote SOSP 2025 (29 papers)" in err.getvalue()
    with pytest.raises(CommandError, match=r"no proceedings OSDI 2025 .*known: SOSP 2025"):
        call_command("export_papers", venue="OSDI", year=2025)


def test_load_demo_imports_the_catalogue_idempotently():
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    first = catalogue()
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert catalogue() == first
    # The schedule may add SOSP'25 papers the list lacks; every listed one is there once.
    listed = {title for _, _, title, *_ in EXPECTED}
    sosp = Paper.objects.filter(proceedings__venue__name="SOSP", proceedings__year=2025)
    assert listed <= set(sosp.values_list("title", flat=True))
    assert Paper.objects.filter(title__in=listed).count() == 29


def test_one_title_changed_deep_in_a_long_list_is_exactly_one_update():
    text = generated_list(1200)
    import_text(text)
    stamps = dict(Paper.objects.values_list("pk", "updated_at"))
    before = catalogue()
    old, new = "Generated paper 1111 about systems", "Generated paper 1111, retitled"
    assert text.count(old) == 1
    summary = import_text(text.replace(old, new))
    assert (summary.papers_created, summary.papers_updated, summary.papers_unchanged) == (
        0,
        1,
        1199,
    )
    assert summary.links_created == summary.links_updated == summary.links_deleted == 0
    changed = Paper.objects.get(title=new)
    assert changed.normalized_title == "generated paper 1111 retitled"
    after = dict(Paper.objects.values_list("pk", "updated_at"))
    assert [pk for pk in after if after[pk] != stamps[pk]] == [changed.pk]
    # Everything else as it was; the search index follows the new title.
    rows = [row for row in catalogue()["papers"] if row[0] != new]
    assert rows == [row for row in before["papers"] if row[0] != old]
    from papers.selectors import catalogue as search

    assert [hit.paper.title for hit in search("retitled")] == [new]


@pytest.mark.parametrize(
    "rates",
    [
        "* Papers: 20% (= 90 / 450)\n* Posters: 30% (= 60 / 200)",
        "* Short papers: 25% (= 10 / 40)\n* Posters: 30% (= 60 / 200)",
        "* Spring: 20% (40 of 200)\n* Fall: 1,234 accepted out of 6,170 submissions",
        "22.5% (90 out of 400)",
    ],
)
def test_loose_rates_bare_urls_and_breaks_export_and_reimport_as_a_no_op(rates):
    text = (
        f"# SC 2024\n\n## Meta Info\n\n### Acceptance Rate\n\n{rates}\n\n## Papers\n\n"
        "### Storage\n\n"
        "* Paper D https://dl.acm.org/doi/10.1145/1.2\n"
        "  * MIT<br>\n"
        "* Paper E (https://arxiv.org/abs/2401.00001)<br/>\n"
    )
    listed = parse(text)
    import_conference_list(listed)
    proceedings = Proceedings.objects.select_related("venue").get()
    assert (proceedings.accepted, proceedings.submitted) == (listed.accepted, listed.submitted)
    assert sorted(Paper.objects.values_list("doi", "arxiv_id", "affiliations")) == [
        ("", "2401.00001", ""),
        ("10.1145/1.2", "", "MIT"),
    ]
    before = catalogue()
    cycles = list(proceedings.cycles.values_list("name", "accepted", "submitted"))
    exported = write(conference_list_from_db(proceedings))
    assert parse(exported) == listed
    summary = import_text(exported)
    assert not summary.changed
    assert catalogue() == before
    assert list(proceedings.cycles.values_list("name", "accepted", "submitted")) == cycles
