"""Organisers edit the catalogue in the Django admin."""

from __future__ import annotations

import pytest

from papers.catalogue_import import import_conference_list
from papers.conference_list import parse
from papers.models import Paper, Topic
from tests.papers.test_conference_list import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_organiser(organiser):
    # The admin site lets only staff in; the catalogue's permissions come from the role.
    organiser.is_staff = True
    organiser.save()
    return organiser


@pytest.fixture
def sosp(db):
    import_conference_list(parse(SEED))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/papers/venue/",
        "/admin/papers/proceedings/",
        "/admin/papers/topic/",
        "/admin/papers/paper/",
        "/admin/papers/paper/?q=ByteRobust",
        "/admin/papers/paper/?fetch_status__exact=never",
        "/admin/papers/acronym/",
        "/admin/papers/paper/add/",
    ],
)
def test_organiser_reaches_every_catalogue_page(client, staff_organiser, sosp, path):
    client.force_login(staff_organiser)
    assert client.get(path).status_code == 200


def test_area_filter_and_search(client, staff_organiser, sosp):
    client.force_login(staff_organiser)
    llm = Topic.objects.get(name="LLM", parent=None)
    html = client.get(f"/admin/papers/paper/?area={llm.pk}").content.decode()
    assert "14 papers" in html
    html = client.get("/admin/papers/paper/?q=UPenn").content.decode()
    assert "1 paper" in html and "Quilt" in html


def test_paper_change_form_has_link_inline_and_locks_hand_edits(client, staff_organiser, sosp):
    client.force_login(staff_organiser)
    paper = Paper.objects.get(system_name="ByteRobust")
    page = client.get(f"/admin/papers/paper/{paper.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    links = page.context["inline_admin_formsets"][0].formset
    assert links.prefix == "links"
    data = {name: form.initial.get(name, "") for name in form.fields if name not in {"topics"}}
    data.update(
        {
            "title": paper.title,
            "authors": '["Ada Lovelace"]',
            "affiliations": "HKU",
            "arxiv_categories": "[]",
            "locked_fields": "[]",
            "topics": [t.pk for t in paper.topics.all()],
            "proceedings": paper.proceedings_id,
            "arxiv_version": "",
            "links-TOTAL_FORMS": "1",
            "links-INITIAL_FORMS": "1",
            "links-MIN_NUM_FORMS": "0",
            "links-MAX_NUM_FORMS": "1000",
            "links-0-id": paper.links.get().pk,
            "links-0-paper": paper.pk,
            "links-0-position": "0",
            "links-0-kind": "paper",
            "links-0-label": "Paper",
            "links-0-url": paper.links.get().url,
        }
    )
    response = client.post(f"/admin/papers/paper/{paper.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    paper.refresh_from_db()
    assert paper.affiliations == "HKU"
    assert paper.authors == ["Ada Lovelace"]
    assert set(paper.locked_fields) == {"affiliations", "authors"}
    # The next import of the list leaves the hand edit alone.
    import_conference_list(parse(SEED))
    paper.refresh_from_db()
    assert paper.affiliations == "HKU"


def test_members_and_anonymous_stay_out(client, member, sosp):
    assert client.get("/admin/papers/paper/").status_code == 302
    member.is_staff = True
    member.save()
    client.force_login(member)
    # Staff without the organiser role or Django permissions see nothing of the catalogue.
    assert client.get("/admin/papers/paper/").status_code == 403
