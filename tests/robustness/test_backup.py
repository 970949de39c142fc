"""manage.py backup / restore round-trip the whole data: rows and uploaded slides (issue 12)."""

from __future__ import annotations

import io
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from papers.models import Paper, PaperLink
from papers.search.models import SearchDocument
from sessions.models import Presenter, Talk, Term
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SLIDES = b"%PDF-1.4 the slides of the talk"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seed() -> Talk:
    paper = factories.PaperFactory(title="ByteRobust", arxiv_id="2509.16293")
    factories.PaperLinkFactory(paper=paper)
    paper.topics.add(factories.TopicFactory(name="Reliability"))
    talk = factories.TalkFactory(paper=paper)
    user = factories.UserFactory(username="ada")
    factories.PresenterFactory(talk=talk, person=factories.PersonFactory(name="Ada", user=user))
    talk.slides_file.save("s.pdf", ContentFile(SLIDES), save=False)
    talk.slides_text = "gradient checkpoints on failure"
    talk.save()
    return talk


def picture() -> dict:
    talk = Talk.objects.select_related("paper", "session__term").get()
    return {
        "users": list(get_user_model().objects.values_list("username", "password")),
        "paper": (talk.paper.title, talk.paper.arxiv_id, [t.name for t in talk.paper.topics.all()]),
        "links": list(PaperLink.objects.values_list("kind", "url")),
        "term": (talk.session.term.slug, talk.session.date, talk.position),
        "presenters": list(Presenter.objects.values_list("person__name", "person__user__username")),
        "slides": talk.slides_file.name,
        "search": sorted(
            SearchDocument.objects.values_list("kind", "paper_id", "talk_id", "title")
        ),
    }


def round_trip(tmp_path, media) -> None:
    talk = seed()
    before = picture()
    assert {row[0] for row in before["search"]} == {"paper", "slides"}
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    assert {"manifest.json", "data.json", f"media/{talk.slides_file.name}"} <= names

    call_command("flush", interactive=False, verbosity=0)
    (media / talk.slides_file.name).unlink()
    assert not Paper.objects.exists()

    call_command("restore", str(archive), stdout=io.StringIO())
    assert picture() == before
    assert (media / before["slides"]).read_bytes() == SLIDES
    # The restored rows are ordinary rows: new ones get fresh ids (sequences moved on).
    factories.TermFactory(slug="after-restore")
    assert Term.objects.count() == 2


def test_backup_and_restore_round_trip_the_data_and_the_slides(tmp_path, media):
    round_trip(tmp_path, media)


@pytest.mark.services
def test_backup_and_restore_round_trip_on_postgresql(postgres, tmp_path, media):
    round_trip(tmp_path, media)


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path, media):
    seed()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    factories.TermFactory(slug="made-after-the-backup")

    with pytest.raises(CommandError, match=r"The database is not empty .*--force"):
        call_command("restore", str(archive))
    assert Term.objects.filter(slug="made-after-the-backup").exists()

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert not Term.objects.filter(slug="made-after-the-backup").exists()
    assert Talk.objects.count() == 1


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "x.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(junk))
