"""Every members' and accounts' URL, as anonymous, a member, the talk's lead, another member
(a supporter of the same talk) and an organiser: the allowed/denied table, checked on the server,
and a denied request changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Invite
from sessions import signups, slides
from sessions.models import Person, Presenter, Talk
from tests import factories
from tests.members.conftest import make_talk, person_of
from tests.members.pdfs import text_pdf

ROLES = ["anonymous", "member", "lead", "other", "organiser"]
LOGIN = "login"  # a redirect to the sign-in page


def everyone(status):
    return dict.fromkeys(ROLES[1:], status) | {"anonymous": LOGIN}


def lead_or_organiser(allowed):
    return {"anonymous": LOGIN, "member": 403, "lead": allowed, "other": 403, "organiser": allowed}


def organiser_only(allowed):
    return {"anonymous": LOGIN, "member": 403, "lead": 403, "other": 403, "organiser": allowed}


def pdf():
    return SimpleUploadedFile("deck.pdf", text_pdf("Deck"), "application/pdf")


# (method, url name, url kwargs key, POST data factory, expected status by role)
TABLE = [
    ("GET", "schedule:talk_edit", "talk", None, lead_or_organiser(200)),
    (
        "POST",
        "schedule:talk_paper",
        "talk",
        lambda w: {"paper": w.paper.pk},
        lead_or_organiser(302),
    ),
    (
        "POST",
        "schedule:talk_slides_upload",
        "talk",
        lambda w: {"slides": pdf()},
        lead_or_organiser(302),
    ),
    ("POST", "schedule:talk_slides_remove", "talk", lambda w: {}, lead_or_organiser(302)),
    (
        "POST",
        "schedule:talk_links",
        "past",
        lambda w: {"video_url": "https://v.example/1", "summary_url": ""},
        lead_or_organiser(302),
    ),
    ("GET", "schedule:talk_slides", "talk", None, dict.fromkeys(ROLES, 200)),
    ("POST", "schedule:talk_signup", "talk", lambda w: {"role": "support"}, everyone(302)),
    ("POST", "schedule:talk_withdraw", "talk", lambda w: {}, everyone(302)),
    ("GET", "schedule:member", "username", None, everyone(200)),
    ("GET", "schedule:me", None, None, everyone(302)),
    ("GET", "profile", None, None, everyone(200)),
    (
        "POST",
        "profile",
        None,
        lambda w: {"name": "Changed", "affiliation": "", "email": "changed@example.org"},
        everyone(302),
    ),
    ("GET", "password_change", None, None, everyone(200)),
    ("GET", "invites", None, None, organiser_only(200)),
    ("POST", "invites", None, lambda w: {"note": "x", "days": 3}, organiser_only(302)),
    ("POST", "invite_revoke", "invite", lambda w: {}, organiser_only(302)),
    ("GET", "people", None, None, organiser_only(200)),
    (
        "POST",
        "people",
        None,
        lambda w: {"guest": w.guest.pk, "member": w.users["member"].pk},
        organiser_only(302),
    ),
    ("GET", "register", None, None, {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302)),
]


class World:
    """One upcoming talk (lead + a supporter, slides uploaded), one past talk, a guest, an
    invite and a spare catalogue paper."""

    def __init__(self, member, other, organiser):
        lead_user = factories.UserFactory(username="lead")
        self.users = {"member": member, "lead": lead_user, "other": other, "organiser": organiser}
        for user in self.users.values():
            person_of(user)
        self.talk = make_talk(days=7)
        self.past = make_talk(days=-7)
        for talk in (self.talk, self.past):
            signups.assign_presenter(talk, lead_user.person, "lead")
            signups.assign_presenter(talk, other.person, "support")
        slides.store_slides(self.talk, pdf())
        self.paper = factories.PaperFactory(title="Another paper")
        self.guest = factories.PersonFactory(name="Guest")
        factories.PresenterFactory(talk=self.past, person=self.guest, role="support", position=5)
        self.invite = services.create_invite(organiser)

    def kwargs(self, key):
        return {
            None: {},
            "talk": {"pk": self.talk.pk},
            "past": {"pk": self.past.pk},
            "username": {"username": "lead"},
            "invite": {"pk": self.invite.pk},
        }[key]

    def snapshot(self):
        """Everything a request in the table could change."""
        return (
            list(Talk.objects.order_by("pk").values()),
            list(Presenter.objects.order_by("pk").values("talk", "person", "role", "confirmed")),
            list(Person.objects.order_by("pk").values("name", "affiliation", "user")),
            list(Invite.objects.order_by("pk").values("pk", "used_at")),
        )


@pytest.fixture
def world(member, other_member, organiser, media_root):
    return World(member, other_member, organiser)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name", "key", "data", "expected"),
    TABLE,
    ids=[f"{row[0]} {row[1]}" for row in TABLE],
)
def test_permission_table(world, role, method, name, key, data, expected):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    url = reverse(name, kwargs=world.kwargs(key))
    before = world.snapshot()
    response = client.get(url) if method == "GET" else client.post(url, data(world))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == want, (role, name, response)
    if want in (LOGIN, 403) and method == "POST":
        assert world.snapshot() == before, f"a denied {name} changed data"


def test_table_covers_every_members_and_accounts_url():
    from accounts import urls as account_urls
    from sessions import urls_members

    names = {f"schedule:{p.name}" for p in urls_members.urlpatterns}
    names |= {p.name for p in account_urls.urlpatterns if getattr(p, "name", None)}
    names -= {"register_invite"}  # covered in test_accounts (valid, used, expired, unknown)
    assert names <= {row[1] for row in TABLE}
