"""Re-importing an unchanged list is recognised by its catalogue stamp (papers.import_stamps)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.catalogue_import import import_conference_list
from papers.conference_list import parse
from papers.import_stamps import catalogue_stamp, import_text
from papers.models import ImportStamp, Paper, PaperLink, Topic
from tests.papers.lists import generated_list

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LISTS = [FIXTURES / "sosp-2025.md", *sorted((FIXTURES / "lists").glob("*.md"))]

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "COPY", "TRUNCATE")


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def full_reimport(text: str):
    """What importing the text gives without any stamp: the importer's full comparison."""
    return import_conference_list(parse(text))


@pytest.mark.parametrize("path", LISTS, ids=lambda path: path.name)
def test_an_unchanged_reimport_takes_the_short_cut_with_the_full_paths_summary(path):
    text = path.read_text(encoding="utf-8")
    first = import_text(text)
    assert first.changed and not first.from_stamp
    with CaptureQueriesContext(connection) as queries:
        again = import_text(text)
    assert again.from_stamp
    assert writes(queries) == []
    assert len(queries.captured_queries) == 2  # the recorded stamp, the catalogue's stamp
    full = full_reimport(text)
    assert not full.changed
    assert again == full
    assert again.lines() == full.lines()


def test_the_short_cut_gives_the_summary_after_merges_and_identifier_clashes():
    # Preprints the list's first two papers merge with, and a paper holding the second's DOI.
    text = generated_list(6)
    Paper.objects.create(title="Generated paper 0 about systems", arxiv_id="2401.00000")
    Paper.objects.create(title="A preprint", arxiv_id="2401.00001")
    Paper.objects.create(title="Someone else's paper", doi="10.5555/2030.1")
    first = import_text(text)
    assert first.papers_merged == 2
    assert [issue.line for issue in first.issues] == [list(parse(text).papers())[1][1].line]
    again = import_text(text)
    assert again.from_stamp
    full = full_reimport(text)
    assert again == full
    assert again.papers_merged == 0 and again.papers_unchanged == 6
    assert [issue.message for issue in again.issues] == [issue.message for issue in first.issues]


def test_the_command_says_it_recognised_the_file(tmp_path):
    path = tmp_path / "list.md"
    path.write_text(generated_list(4), encoding="utf-8")
    call_command("import_papers", str(path), stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("import_papers", str(path), stdout=out, stderr=StringIO())
    assert "nothing changed" in out.getvalue()
    assert "nothing was compared or written" in out.getvalue()


def edit_title() -> dict:
    paper = Paper.objects.get(title__startswith="Generated paper 1 ")
    paper.title = "Retitled by hand"
    paper.save()
    return {"papers_updated": 1}


def edit_title_without_updated_at() -> dict:
    # queryset.update() leaves updated_at alone: the revision trigger still sees it.
    Paper.objects.filter(title__startswith="Generated paper 2 ").update(title="Retitled in bulk")
    return {"papers_updated": 1}


def add_link() -> dict:
    paper = Paper.objects.get(title__startswith="Generated paper 3 ")
    PaperLink.objects.create(paper=paper, kind=PaperLink.Kind.VIDEO, url="https://x.example/v")
    return {"papers_updated": 1, "links_deleted": 1}


def edit_link_url_in_bulk() -> dict:
    PaperLink.objects.filter(kind=PaperLink.Kind.CODE, url__endswith="/p1").update(
        url="https://github.com/example/moved"
    )
    return {"papers_updated": 1, "links_created": 1, "links_deleted": 1}


def delete_paper() -> dict:
    Paper.objects.get(title__startswith="Generated paper 0 ").delete()
    return {"papers_created": 1, "links_created": 2}  # paper 0 has a DOI and an arXiv link


def rename_topic() -> dict:
    topic = Topic.objects.get(name="Sub 1")
    topic.name = "Renamed"
    topic.save()
    return {"topics_created": 1, "papers_updated": 2}


@pytest.mark.parametrize(
    "change",
    [edit_title, edit_title_without_updated_at, add_link, edit_link_url_in_bulk, delete_paper,
     rename_topic],
)  # fmt: skip
def test_a_change_between_the_imports_takes_the_full_path_and_repairs_it(change):
    text = generated_list(8)
    import_text(text)
    expected = change()
    again = import_text(text)
    assert not again.from_stamp
    names = ("papers_created", "papers_updated", "topics_created", "links_created")
    counts = {
        name: getattr(again, name) for name in (*names, "links_deleted") if getattr(again, name)
    }
    assert counts == expected
    # Repaired, and the repair recorded: the next import is a no-op again.
    assert not full_reimport(text).changed
    assert import_text(text).from_stamp


def test_another_text_takes_the_full_path():
    import_text(generated_list(4))
    summary = import_text(generated_list(5))
    assert not summary.from_stamp and summary.papers_created == 1


def test_a_dry_run_never_records_a_stamp_but_may_use_one():
    text = generated_list(4)
    preview = import_text(text, dry_run=True)
    assert preview.papers_created == 4 and not ImportStamp.objects.exists()
    first = import_text(text)
    assert not first.from_stamp and first.papers_created == 4
    assert ImportStamp.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        preview = import_text(text, dry_run=True)
    assert preview.from_stamp and preview.dry_run and not preview.changed
    assert writes(queries) == []


def test_a_dry_run_of_an_edited_list_leaves_the_recorded_stamp_matching_or_not_but_exact():
    text = generated_list(4)
    import_text(text)
    edited = text.replace("a note", "another note")
    assert import_text(edited, dry_run=True).papers_updated == 4
    # Rolled back: importing the recorded text again is still a no-op, by either path.
    again = import_text(text)
    assert not again.changed and again == full_reimport(text)


def test_only_the_latest_catalogues_stamp_is_kept():
    import_text(generated_list(3))
    import_text(generated_list(3, venue="OTHER"))
    assert ImportStamp.objects.count() == 1


@pytest.mark.services
def test_postgres_moves_the_revision_sequence_on_every_update_statement(postgres):
    import_text(generated_list(2))
    before = catalogue_stamp()
    Topic.objects.filter(name="Sub 1").update(name="Sub 1")  # no value changes: still a write
    after = catalogue_stamp()
    assert after[:-2] == before[:-2]
    assert after[-2:] != before[-2:]


def test_a_link_added_in_the_admin_makes_the_next_import_take_the_full_path(client, organiser):
    organiser.is_staff = True  # the admin site lets only staff in
    organiser.save()
    client.force_login(organiser)
    text = LISTS[0].read_text(encoding="utf-8")
    import_text(text)
    paper = Paper.objects.get(system_name="ByteRobust")
    page = client.get(f"/admin/papers/paper/{paper.pk}/change/")
    form = page.context["adminform"].form
    data: dict = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "topics":
            value = [topic.pk for topic in paper.topics.all()]
        elif isinstance(value, list | dict):
            value = json.dumps(value)
        data[name] = "" if value is None else value
    links = list(paper.links.all())
    data.update(
        {
            "links-TOTAL_FORMS": str(len(links) + 1),
            "links-INITIAL_FORMS": str(len(links)),
            "links-MIN_NUM_FORMS": "0",
            "links-MAX_NUM_FORMS": "1000",
        }
    )
    for index, link in enumerate([*links, None]):
        data.update(
            {
                f"links-{index}-id": link.pk if link else "",
                f"links-{index}-paper": paper.pk,
                f"links-{index}-position": link.position if link else len(links),
                f"links-{index}-kind": link.kind if link else "video",
                f"links-{index}-label": link.label if link else "Video",
                f"links-{index}-url": link.url if link else "https://video.example/byterobust",
            }
        )
    response = client.post(f"/admin/papers/paper/{paper.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert paper.links.count() == len(links) + 1
    again = import_text(text)
    assert not again.from_stamp
    assert (again.papers_updated, again.links_deleted, again.links_created) == (1, 1, 0)


@pytest.mark.services
def test_postgres_records_no_stamp_when_another_session_writes_during_the_import(postgres):
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    fired = []

    def concurrent_write(execute, sql, params, many, context):
        if not fired and '"papers_paperlink"."paper_id"' in sql:  # _write_links reads
            fired.append(sql)
            # Another session's committed UPDATE, while this import is under way.
            other.execute("UPDATE papers_topic SET name = name WHERE id = -1")
        return execute(sql, params, many, context)

    text = generated_list(4)
    try:
        with connection.execute_wrapper(concurrent_write):
            first = import_text(text)
    finally:
        other.close()
    assert fired and first.papers_created == 4
    assert not ImportStamp.objects.exists()
    # Without another writer the next import records one; the one after takes the short-cut.
    assert not import_text(text).from_stamp
    assert ImportStamp.objects.count() == 1
    assert import_text(text).from_stamp


def test_an_import_that_updates_rows_still_records_its_stamp():
    # On PostgreSQL its own UPDATE statements are counted against the revision it moved.
    text = generated_list(4)
    import_text(text)
    edited = text.replace("a note", "another note")
    assert import_text(edited).papers_updated == 4
    assert import_text(edited).from_stamp


def test_the_short_cut_keeps_skipped_papers_and_the_importers_warnings():
    # A title longer than its column (skipped, with an error) and a DOI listed twice.
    text = generated_list(3) + "  * " + "x" * 600 + " \\[[Paper](https://doi.org/10.5555/2030.0)]\n"
    first = import_text(text)
    assert first.papers_skipped == 1 and len(first.issues) >= 1
    again = import_text(text)
    assert again.from_stamp
    assert again == full_reimport(text)
    assert again.papers_skipped == 1 and again.issues == first.issues


def test_the_short_cut_counts_the_papers_no_longer_in_the_list():
    import_text(generated_list(4))
    shorter = generated_list(3)
    assert import_text(shorter).papers_not_in_list == 1
    again = import_text(shorter)
    assert again.from_stamp and again.papers_not_in_list == 1
    assert again == full_reimport(shorter)
