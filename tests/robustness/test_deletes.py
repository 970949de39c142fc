"""Deletes say what they take (issue 12): a deleted paper's talks keep what they showed; the
slides files of deleted talks, sessions and terms leave storage once the delete commits."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from papers.models import Paper
from sessions.models import Talk
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_deleting_a_paper_keeps_its_talks_title_and_link():
    paper = factories.PaperFactory(title="ByteRobust: robust LLM training", arxiv_id="2509.16293")
    talk = factories.TalkFactory(paper=paper, title="", url="", venue_label="")
    own = factories.TalkFactory(paper=paper, title="Our own title", url="https://x.org/a")

    paper.delete()

    talk.refresh_from_db()
    assert talk.paper_id is None
    assert talk.display_title == "ByteRobust: robust LLM training"
    assert talk.url == "https://arxiv.org/abs/2509.16293"
    assert talk.venue_label == "SOSP'25"
    own.refresh_from_db()
    assert (own.title, own.url) == ("Our own title", "https://x.org/a")


def test_a_queryset_delete_of_papers_keeps_the_list_link_when_there_is_no_arxiv_id():
    paper = factories.PaperFactory(title="A conference paper")
    factories.PaperLinkFactory(paper=paper, url="https://dl.acm.org/doi/10.1145/1")
    talk = factories.TalkFactory(paper=paper)

    Paper.objects.filter(pk=paper.pk).delete()

    talk.refresh_from_db()
    assert (talk.title, talk.url) == ("A conference paper", "https://dl.acm.org/doi/10.1145/1")


def test_admin_delete_confirmation_lists_the_talks_it_keeps(client, organiser):
    organiser.is_staff = True
    organiser.save()
    client.force_login(organiser)
    paper = factories.PaperFactory(title="ByteRobust")
    talk = factories.TalkFactory(paper=paper)

    page = client.get(f"/admin/papers/paper/{paper.pk}/delete/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Talks kept, with the paper&#x27;s title and link copied onto them:" in text
    assert f"{talk} (ByteRobust)".replace("'", "&#x27;") in text
    assert "<li>Talk kept: 1</li>" in text

    bulk = client.post(
        "/admin/papers/paper/",
        {"action": "delete_selected", "_selected_action": [paper.pk]},
    )
    assert "Talks kept" in bulk.content.decode()


def slides_of(talk: Talk, media) -> str:
    talk.slides_file.save("s.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    assert (media / talk.slides_file.name).exists()
    return talk.slides_file.name


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["talk", "session", "term"])
def test_deleting_a_talk_session_or_term_removes_its_slides_files(media, what):
    talk = factories.TalkFactory()
    other = factories.TalkFactory()
    name, other_name = slides_of(talk, media), slides_of(other, media)

    {"talk": talk, "session": talk.session, "term": talk.session.term}[what].delete()

    assert not (media / name).exists()
    assert (media / other_name).exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_delete_keeps_the_file(media):
    talk = factories.TalkFactory()
    name = slides_of(talk, media)
    with pytest.raises(RuntimeError), transaction.atomic():
        talk.session.delete()
        raise RuntimeError("changed my mind")
    assert Talk.objects.filter(pk=talk.pk).exists()
    assert (media / name).exists()
