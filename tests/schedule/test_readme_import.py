"""Importing the README into the database: both seeds, catalogue links, re-import, round trip."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.models import Paper, Proceedings, Venue
from sessions.exports.schedule_json import schedule_data
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.readme.exporter import export_term, ordered_presenters
from sessions.readme.importer import ScheduleImportError, import_schedule
from sessions.readme.parsed import ScheduleFormatError
from sessions.selectors import schedule_terms, talk_link, talk_venue
from tests import factories
from tests.conftest import FIXTURES
from tests.schedule.expected import EXPECTED, EXPECTED_TERM

pytestmark = pytest.mark.django_db

SEEDS = ["schedule-2025-fall.md", "schedule-2025-fall.mojibake.md"]


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def db_table() -> list:
    """The schedule as stored, in the shape of tests/schedule/expected.py."""
    rows = []
    sessions = Session.objects.order_by("-date").prefetch_related(
        "talks__presenters__person", "talks__paper__proceedings__venue"
    )
    for session in sessions:
        talks = []
        for talk in session.talks.order_by("position"):
            talks.append(
                (
                    talk.position,
                    talk_venue(talk),
                    talk.display_title,
                    talk_link(talk),
                    [
                        (row.person.name, row.person.affiliation, row.role)
                        for row in ordered_presenters(talk)
                    ],
                    talk.slides_url,
                    talk.video_url,
                )
            )
        rows.append((session.date.isoformat(), session.kind, session.title, talks))
    return rows


def snapshot() -> dict:
    """Every row the import touches, with its updated_at: equal snapshots mean nothing moved."""
    return {
        model.__name__: sorted(model.objects.values_list("id", "updated_at"))
        for model in (Term, Session, Talk, Person, Presenter, Paper)
    }


def sosp_catalogue() -> dict[str, Paper]:
    """A few SOSP 2025 papers as the catalogue knows them (ids as in fixtures/sosp-2025.md)."""
    proceedings = factories.ProceedingsFactory(venue=factories.VenueFactory(name="SOSP"), year=2025)
    papers = {
        # Known by title and DOI only: the talk's arXiv link fills in the arXiv id.
        "diffkv": factories.PaperFactory(
            title="DiffKV: Differentiated Memory Management for Large Language Models with "
            "Parallel KV Compaction",
            doi="10.1145/3731569.3764810",
            proceedings=proceedings,
        ),
        # Known by arXiv id.
        "lithos": factories.PaperFactory(
            title="LithOS: An Operating System for Efficient Machine Learning on GPUs",
            arxiv_id="2504.15465",
            doi="10.1145/3731569.3764818",
            proceedings=proceedings,
        ),
        # Known by DOI under another title: the talk keeps the title the group wrote.
        "heterag": factories.PaperFactory(
            title="HeteRAG: Co-Optimizing Generation and Retrieval for Heterogeneous RAG Workflows",
            doi="10.1145/3731569.3764806",
            arxiv_id="2507.09138",
            proceedings=proceedings,
        ),
        # Known by title only; the talk links a PDF elsewhere.
        "pie": factories.PaperFactory(
            title="Pie: A Programmable Serving System for Emerging LLM Applications",
            doi="10.1145/3731569.3764814",
            proceedings=proceedings,
        ),
    }
    return papers


# --- Both seeds, every session, talk and presenter ---------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_imports_every_session_talk_and_presenter(seed):
    result = import_schedule(read(seed))

    assert result.term.name == EXPECTED_TERM
    assert result.term.slug == "2025-fall"
    assert db_table() == EXPECTED
    assert result.counts["sessions"].created == 15
    assert result.counts["talks"].created == 25
    assert result.counts["presenters"].created == 39
    # Mingxuan Liu and Jiahao Li present twice: one Person each.
    assert result.counts["people"].created == 37
    assert Person.objects.filter(name="Mingxuan Liu").count() == 1
    assert [(w.line, w.message[:20]) for w in result.warnings] == [
        (59, "unrecognised line 'c"),
        (64, "the slides link './s"),
    ]


def test_term_keeps_requirements_and_dates():
    import_schedule(read("schedule-2025-fall.md"))

    term = Term.objects.get()
    assert term.requirements.startswith("- We focus on the latest papers from SOSP and OSDI")
    assert term.other_information.startswith("The playback video and text summary")
    assert (term.start_date.isoformat(), term.end_date.isoformat()) == (
        "2025-09-16",
        "2026-01-20",
    )


def test_mojibake_and_clean_files_give_the_same_database():
    import_schedule(read("schedule-2025-fall.md"))
    before = snapshot()

    result = import_schedule(read("schedule-2025-fall.mojibake.md"))

    assert not result.changed
    assert snapshot() == before


def test_reimport_changes_nothing():
    first = import_schedule(read("schedule-2025-fall.md"))
    before = snapshot()

    again = import_schedule(read("schedule-2025-fall.md"))

    assert first.changed and not again.changed
    assert again.changes == []
    assert snapshot() == before
    for kind in ("sessions", "talks", "people", "presenters", "papers"):
        tally = again.counts[kind]
        assert (tally.created, tally.updated, tally.removed) == (0, 0, 0), kind
    assert again.counts["talks"].unchanged == 25


def test_dry_run_reports_and_saves_nothing():
    result = import_schedule(read("schedule-2025-fall.md"), dry_run=True)

    assert result.dry_run
    assert result.counts["sessions"].created == 15
    assert any(c.kind == "talks" and "DiffKV" in c.label for c in result.changes)
    assert result.term.pk is None
    assert Term.objects.count() == Session.objects.count() == Paper.objects.count() == 0


def test_special_sessions():
    import_schedule(read("schedule-2025-fall.md"))

    rehearsal = Session.objects.get(date="2025-09-29")
    kick_off = Session.objects.get(date="2025-09-16")
    assert (rehearsal.kind, rehearsal.title) == (Session.Kind.REHEARSAL, "SOSP Rehearsal")
    assert (kick_off.kind, kick_off.title) == (Session.Kind.KICK_OFF, "Kick-off meeting")
    # A plain title nobody catalogued is a free topic, not a new paper.
    assert kick_off.talks.get().paper is None
    assert rehearsal.talks.get().paper is None


# --- Papers ------------------------------------------------------------------------------------


def test_talks_link_to_catalogue_papers_and_fill_missing_ids():
    papers = sosp_catalogue()

    result = import_schedule(read("schedule-2025-fall.md"))

    diffkv = Talk.objects.get(session__date="2026-01-20", position=1)
    assert diffkv.paper == papers["diffkv"]
    papers["diffkv"].refresh_from_db()
    assert papers["diffkv"].arxiv_id == "2412.03131"
    assert diffkv.title == ""  # the catalogue's title is the same

    assert Talk.objects.get(session__date="2026-01-20", position=2).paper == papers["lithos"]

    hedra = Talk.objects.get(session__date="2025-12-30", position=1)
    assert hedra.paper == papers["heterag"]
    assert hedra.display_title.startswith("HedraRAG")

    pie = Talk.objects.get(session__date="2025-11-18", position=2)
    assert pie.paper == papers["pie"]
    assert pie.url == "https://www.yecl.org/publications/gim2025sosp.pdf"

    assert result.counts["papers"].updated == 1  # DiffKV's arXiv id
    assert result.counts["papers"].unchanged == 3
    assert Paper.objects.filter(title__startswith="HedraRAG").count() == 0
    # The table of the file still holds, whatever the catalogue calls its papers.
    assert db_table() == EXPECTED


def test_unknown_papers_are_created_with_their_venue():
    import_schedule(read("schedule-2025-fall.md"))

    spirit = Paper.objects.get(title__startswith="Spirit:")
    assert (spirit.proceedings.venue.name, spirit.proceedings.year) == ("SOSP", 2025)
    assert spirit.doi == "10.1145/3731569.3764805"
    assert spirit.venue_label == "SOSP'25"

    nanoflow = Paper.objects.get(title__startswith="NanoFlow:")
    assert str(nanoflow.proceedings) == "OSDI 2025"
    assert nanoflow.arxiv_id == "2408.12757"

    refrag = Paper.objects.get(title__startswith="REFRAG:")
    assert refrag.proceedings.venue.kind == Venue.Kind.PREPRINT
    assert refrag.proceedings.venue.name == "arXiv"
    assert refrag.venue_label == "arXiv"

    hydra = Paper.objects.get(title__startswith="HydraServe:")
    assert (hydra.arxiv_id, hydra.arxiv_version) == ("2502.15524", 2)

    roll = Paper.objects.get(title__startswith="ROLL:")
    assert roll.proceedings is None
    assert [(link.kind, link.url) for link in roll.links.all()] == [
        ("code", "https://github.com/alibaba/ROLL")
    ]
    assert Proceedings.objects.filter(venue__name="SOSP").count() == 1
    # 25 talks: 23 papers, the kick-off and the rehearsal are free topics.
    assert Paper.objects.count() == 23


def test_people_are_matched_by_name_ignoring_case():
    chi = factories.PersonFactory(name="Chi Zhang", affiliation="")

    result = import_schedule(read("schedule-2025-fall.md"))

    falcon = Talk.objects.get(session__date="2025-11-11")
    assert falcon.presenters.get(role="lead").person == chi
    assert result.counts["people"].created == 36
    assert result.counts["people"].unchanged == 1


def test_affiliation_from_the_file_updates_a_known_person():
    person = factories.PersonFactory(name="Yuxin Ma", affiliation="")

    result = import_schedule(read("schedule-2025-fall.md"))

    person.refresh_from_db()
    assert person.affiliation == "Ant Group"
    assert result.counts["people"].updated == 1


# --- Changes --------------------------------------------------------------------------------------


def test_new_lead_replaces_the_old_one():
    text = read("schedule-2025-fall.md")
    import_schedule(text)

    changed = text.replace("- 🙋‍♂️ Chengru Yang, Jiawei Yi", "- 🙋‍♂️ Jiawei Yi, Ada Lovelace")
    result = import_schedule(changed)

    talk = Talk.objects.get(session__date="2026-01-20", position=1)
    assert [(row.person.name, row.role) for row in ordered_presenters(talk)] == [
        ("Jiawei Yi", "lead"),
        ("Ada Lovelace", "support"),
    ]
    assert result.counts["presenters"].removed == 1
    assert result.counts["presenters"].updated == 1
    assert result.counts["presenters"].created == 1


def test_links_missing_from_the_file_are_kept():
    text = read("schedule-2025-fall.md")
    import_schedule(text)
    Talk.objects.filter(session__date="2026-01-20", position=1).update(
        slides_url="https://example.org/diffkv.pdf"
    )

    result = import_schedule(text)

    talk = Talk.objects.get(session__date="2026-01-20", position=1)
    assert talk.slides_url == "https://example.org/diffkv.pdf"
    assert not result.changed


def test_talks_not_in_the_file_are_kept_with_a_warning():
    text = read("schedule-2025-fall.md")
    import_schedule(text)
    session = Session.objects.get(date="2025-11-11")
    factories.TalkFactory(session=session, position=2, paper=None, title="Extra topic")

    result = import_schedule(text)

    assert session.talks.count() == 2
    assert any(
        "2025-11-11 Topic II (Extra topic) is not in the file" in w.message for w in result.warnings
    )


def test_date_of_another_term_is_an_error_and_changes_nothing():
    other = factories.TermFactory(name="Winter school", slug="winter-school")
    factories.SessionFactory(term=other, date="2025-12-02")
    before = snapshot()

    with pytest.raises(ScheduleImportError) as error:
        import_schedule(read("schedule-2025-fall.md"))

    assert error.value.line == 79  # "### December 2"
    assert "Winter school" in error.value.message
    assert snapshot() == before
    assert Term.objects.count() == 1


def test_broken_file_changes_nothing():
    with pytest.raises(ScheduleFormatError):
        import_schedule("# 2026 Spring\n### February 30\n- 💡 X\n")
    assert Term.objects.count() == 0


def test_term_name_option_overrides_the_heading():
    result = import_schedule(read("schedule-2025-fall.md"), term_name="Fall 2025 (Systems)")
    assert (result.term.name, result.term.slug) == ("Fall 2025 (Systems)", "fall-2025-systems")
    assert Session.objects.filter(term=result.term).count() == 15


def test_base_url_resolves_slides():
    import_schedule(read("schedule-2025-fall.md"), base_url="https://github.com/g/r/blob/main/")
    talk = Talk.objects.get(session__date="2025-12-16", position=1)
    assert talk.slides_url == "https://github.com/g/r/blob/main/slides/251216_Nanoflow.pdf"


# --- Round trip ---------------------------------------------------------------------------------


def empty_database() -> None:
    for model in (Presenter, Talk, Session, Term, Person, Paper, Proceedings, Venue):
        model.objects.all().delete()


def test_import_export_import_gives_identical_json():
    import_schedule(read("schedule-2025-fall.md"))
    first = schedule_data(schedule_terms())
    text = export_term(Term.objects.get())

    empty_database()
    result = import_schedule(text)

    assert result.warnings == [] or all("folder" in w.message for w in result.warnings)
    second = schedule_data(schedule_terms())
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)
    assert len(first["terms"][0]["sessions"]) == 15


def test_export_of_the_mojibake_import_is_clean():
    import_schedule(read("schedule-2025-fall.mojibake.md"))
    text = export_term(Term.objects.get())
    assert "🙋\u200d♂️ Chengru Yang, Jiawei Yi" in text
    assert "ğŸ" not in text


# --- Commands ------------------------------------------------------------------------------------


def test_import_command_prints_summary_and_warnings():
    out, err = StringIO(), StringIO()
    path = FIXTURES / "schedule-2025-fall.md"

    call_command("import_schedule", path, stdout=out, stderr=err)

    assert "Term 2025 Fall" in out.getvalue()
    assert "sessions   15 created, 0 updated, 0 unchanged" in out.getvalue()
    assert f"{path}:59: unrecognised line 'c'" in err.getvalue()
    assert f"{path}:64: the slides link" in err.getvalue()


def test_import_command_dry_run(tmp_path):
    out = StringIO()
    call_command(
        "import_schedule",
        FIXTURES / "schedule-2025-fall.md",
        "--dry-run",
        stdout=out,
        stderr=StringIO(),
    )
    assert "dry run" in out.getvalue()
    assert Term.objects.count() == 0


def test_import_command_reports_errors_with_file_and_line(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("# 2026 Spring\n\n### February 30\n- 💡 X\n", encoding="utf-8")

    with pytest.raises(CommandError, match=rf"^{path}:3: '### February 30' is not a date"):
        call_command("import_schedule", path, stdout=StringIO(), stderr=StringIO())


def test_import_command_reads_windows_code_page_bytes(tmp_path):
    path = tmp_path / "cp1252.md"
    path.write_bytes(
        "# 2026 Spring\r\n### March 3\r\n- [arXiv] [Café](https://arxiv.org/abs/2501.00001)\r\n".encode(
            "cp1252"
        )
    )

    call_command("import_schedule", path, stdout=StringIO(), stderr=StringIO())

    assert Talk.objects.get().display_title == "Café"


def test_export_command_writes_the_readme(tmp_path):
    import_schedule(read("schedule-2025-fall.md"))
    output = tmp_path / "README.md"

    call_command("export_schedule", "--term", "2025-fall", "--output", output, stderr=StringIO())

    text = output.read_text(encoding="utf-8")
    assert text.startswith("# 2025 Fall\n")
    assert "### January 20\n#### Topic I\n" in text


def test_export_command_unknown_term():
    with pytest.raises(CommandError, match="no term with slug 'nope'"):
        call_command("export_schedule", "--term", "nope")
