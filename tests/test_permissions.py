"""Every URL of the app, as anonymous, a member, the talk's lead, another member (a supporter of
the same talk) and an organiser: the allowed/denied table, checked on the server, and a denied
request changes nothing. A second sweep sends GET and POST to every URL as every role: nothing
crashes, and a role the table denies changes nothing either way."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Invite
from notifications import calendar, kinds, unsubscribe
from notifications.models import CalendarToken, MailTemplate, Message, OptOut, OutboxSettings
from papers.models import Paper
from planner import nominations, swaps
from planner.models import Nomination, SwapRequest, Unavailability, Vote
from sessions import signups, slides
from sessions.models import Person, Presenter, Talk
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk, person_of
from tests.members.pdfs import text_pdf

pytestmark = pytest.mark.time_machine(FROZEN_NOW)

ROLES = ["anonymous", "member", "lead", "other", "organiser"]
LOGIN = "login"  # a redirect to the sign-in page
# Allowed: any answer but a sign-in redirect, 403, 404 or 405 (e.g. 400 for an empty form).
OK = "ok"


def everyone(status):
    return dict.fromkeys(ROLES[1:], status) | {"anonymous": LOGIN}


def lead_or_organiser(allowed):
    return {"anonymous": LOGIN, "member": 403, "lead": allowed, "other": 403, "organiser": allowed}


def organiser_only(allowed):
    return {"anonymous": LOGIN, "member": 403, "lead": 403, "other": 403, "organiser": allowed}


def anyone(status):
    return dict.fromkeys(ROLES, status)


def organisers_json(allowed):
    """JSON for organisers: everyone else, signed in or not, gets 403 (no sign-in page)."""
    return dict.fromkeys(ROLES[:-1], 403) | {"organiser": allowed}


def pdf():
    return SimpleUploadedFile("deck.pdf", text_pdf("Deck"), "application/pdf")


# (method, url name, url kwargs key, POST data factory, expected status by role)
TABLE = [
    # Swaps first: the GET/POST sweep below runs in this order, and later rows (a withdrawal,
    # an organiser removing the lead) take away the presenter row these act on.
    (
        "POST",
        "planner:swap_request",
        "presenter",
        lambda w: {"to": w.users["member"].person.pk},
        {"anonymous": LOGIN, "member": 403, "lead": 302, "other": 403, "organiser": 403},
    ),
    (
        "POST",
        "planner:swap_answer",
        "swap",
        lambda w: {},
        {"anonymous": LOGIN, "member": 302, "lead": 403, "other": 403, "organiser": 403},
    ),
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
    ("GET", "schedule:talk_slides_status", "talk", None, lead_or_organiser(200)),
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
    # The language switcher: anyone (anonymous pages are cached without a CSRF token).
    (
        "POST",
        "set_language",
        None,
        lambda w: {"language": "zh-hans", "next": "/"},
        anyone(302),
    ),
    ("GET", "register", None, None, {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302)),
    ("GET", "login", None, None, anyone(200)),
    ("POST", "logout", None, lambda w: {}, anyone(302)),
    ("GET", "password_change_done", None, None, everyone(200)),
    ("GET", "password_reset", None, None, anyone(200)),
    ("GET", "password_reset_done", None, None, anyone(200)),
    ("GET", "password_reset_confirm", "reset", None, anyone(200)),
    ("GET", "password_reset_complete", None, None, anyone(200)),
    # The catalogue is public; adding a paper needs an account, re-fetching an organiser.
    ("GET", "papers:list", None, None, anyone(200)),
    ("GET", "papers:detail", "paper", None, anyone(200)),
    ("GET", "papers:proceedings", "proceedings", None, anyone(200)),
    ("GET", "papers:api-list", None, None, anyone(200)),
    ("GET", "papers:paper_bib", "paper", None, anyone(200)),
    ("GET", "papers:paper_csl", "paper", None, anyone(200)),
    ("GET", "papers:export_bib", None, None, anyone(200)),
    ("GET", "papers:export_csl", None, None, anyone(200)),
    ("GET", "papers:add_arxiv", None, None, everyone(200)),
    ("POST", "papers:add_arxiv", None, lambda w: {"arxiv": "not an id"}, everyone(OK)),
    ("GET", "papers:arxiv_status", "paper", None, anyone(200)),
    ("POST", "papers:arxiv_refetch", "paper", lambda w: {}, organiser_only(302)),
    ("POST", "papers:keep_public", "paper", lambda w: {}, organiser_only(302)),
    # The schedule is public.
    ("GET", "schedule:home", None, None, anyone(200)),
    ("GET", "schedule:term", "term", None, anyone(200)),
    ("GET", "schedule:term_readme", "term", None, anyone(200)),
    ("GET", "schedule:term_ical", "term", None, anyone(200)),
    ("GET", "schedule:term_bib", "term", None, anyone(200)),
    ("GET", "schedule:term_csl", "term", None, anyone(200)),
    ("GET", "schedule:session", "date", None, anyone(200)),
    ("GET", "schedule:ical", None, None, anyone(200)),
    ("GET", "schedule:feed", None, None, anyone(200)),
    ("GET", "schedule:api", None, None, anyone(200)),
    # The organiser's pages.
    ("GET", "schedule:organiser_terms", None, None, organiser_only(200)),
    ("POST", "schedule:organiser_terms", None, lambda w: {}, organiser_only(OK)),
    ("GET", "schedule:organiser_import", None, None, organiser_only(200)),
    ("POST", "schedule:organiser_import", None, lambda w: {}, organiser_only(OK)),
    ("GET", "papers:organiser_import", None, None, organiser_only(200)),
    ("POST", "papers:organiser_import", None, lambda w: {}, organiser_only(OK)),
    ("GET", "schedule:organiser_paper_suggestions", None, None, organiser_only(200)),
    ("GET", "schedule:organiser_term", "term", None, organiser_only(200)),
    ("POST", "schedule:organiser_term_rules", "term", lambda w: {}, organiser_only(OK)),
    ("GET", "schedule:organiser_term_export", "term", None, organiser_only(200)),
    # Without HTMX a session's row is its place on the term dashboard.
    ("GET", "schedule:organiser_session", "session", None, organiser_only(302)),
    ("GET", "schedule:organiser_session_edit", "session", None, organiser_only(200)),
    ("POST", "schedule:organiser_session_edit", "session", lambda w: {}, organiser_only(OK)),
    ("POST", "schedule:organiser_session_cancel", "session", lambda w: {}, organiser_only(OK)),
    ("POST", "schedule:organiser_talk_add", "session", lambda w: {}, organiser_only(OK)),
    ("POST", "schedule:organiser_talk_remove", "talk", lambda w: {}, organiser_only(OK)),
    ("POST", "schedule:organiser_talk_move", "talk", lambda w: {}, organiser_only(OK)),
    ("POST", "schedule:organiser_presenter_assign", "talk", lambda w: {}, organiser_only(OK)),
    ("POST", "schedule:organiser_presenter_remove", "presenter", lambda w: {}, organiser_only(OK)),
    (
        "POST",
        "schedule:organiser_presenter_confirm",
        "presenter",
        lambda w: {},
        organiser_only(OK),
    ),
    # Planning: the queue is public to read; voting, availability and swaps need an account
    # (a swap is the presenter's to ask and the asked member's to answer); suggestions and
    # topics are for organisers.
    ("GET", "planner:queue", None, None, anyone(200)),
    ("POST", "planner:nominate", None, lambda w: {"arxiv": "not an id"}, everyone(302)),
    ("POST", "planner:vote", "nomination", lambda w: {}, everyone(302)),
    (
        "POST",
        "planner:schedule",
        "nomination",
        lambda w: {"talk": w.talk.pk},
        organiser_only(302),
    ),
    ("POST", "planner:availability", "session", lambda w: {"available": "0"}, everyone(302)),
    ("GET", "planner:suggestions", "session", None, organiser_only(200)),
    ("POST", "planner:apply_pair", "session", lambda w: {}, organiser_only(302)),
    ("GET", "planner:topics", None, None, organiser_only(200)),
    ("POST", "planner:paper_topics", "paper", lambda w: {}, organiser_only(302)),
    ("GET", "planner:api_pairs", None, None, organisers_json(OK)),
    ("GET", "planner:api_presenters", None, None, organisers_json(OK)),
    # Mail: the outbox, templates and messages to presenters are for organisers; choices and
    # the calendar's new address need an account; the signed unsubscribe link and the secret
    # calendar URL work without one.
    ("GET", "notifications:outbox", None, None, organiser_only(200)),
    ("POST", "notifications:outbox", None, lambda w: {"hold_automatic": "on"}, organiser_only(302)),
    ("GET", "notifications:message", "message", None, organiser_only(200)),
    (
        "POST",
        "notifications:message",
        "message",
        lambda w: {"subject": "Edited", "text": "Edited text"},
        organiser_only(302),
    ),
    ("POST", "notifications:message_send", "message", lambda w: {}, organiser_only(302)),
    ("POST", "notifications:message_discard", "message", lambda w: {}, organiser_only(302)),
    ("GET", "notifications:templates", None, None, organiser_only(200)),
    ("GET", "notifications:template", "kind", None, organiser_only(200)),
    (
        "POST",
        "notifications:template",
        "kind",
        lambda w: {"subject": "Hi {{ name }}", "body": "Soon: {{ talk_title }}"},
        organiser_only(302),
    ),
    ("POST", "notifications:template_restore", "kind", lambda w: {}, organiser_only(302)),
    ("GET", "notifications:session_message", "session", None, organiser_only(200)),
    (
        "POST",
        "notifications:session_message",
        "session",
        lambda w: {"subject": "Hello", "text": "All of you", "nonce": "s"},
        organiser_only(302),
    ),
    ("GET", "notifications:talk_message", "talk", None, organiser_only(200)),
    (
        "POST",
        "notifications:talk_message",
        "talk",
        lambda w: {"subject": "Hello", "text": "Both of you", "nonce": "t"},
        organiser_only(302),
    ),
    ("POST", "notifications:preferences", None, lambda w: {"reminder": "on"}, everyone(302)),
    ("GET", "notifications:unsubscribe", "unsubscribe", None, anyone(200)),
    ("POST", "notifications:unsubscribe", "unsubscribe", lambda w: {}, anyone(200)),
    ("GET", "notifications:calendar", "calendar", None, anyone(200)),
    ("POST", "notifications:calendar_regenerate", None, lambda w: {}, everyone(302)),
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
        pending = slides.submit_slides(self.talk, pdf()).slides_pending.name
        slides.process_pending(self.talk.pk, pending)
        self.paper = factories.PaperFactory(title="Another paper", arxiv_id="2412.03131")
        self.guest = factories.PersonFactory(name="Guest")
        factories.PresenterFactory(talk=self.past, person=self.guest, role="support", position=5)
        self.invite = services.create_invite(organiser)
        self.lead_presenter_pk = self.talk.presenters.get(role="lead").pk
        self.nomination, _ = nominations.nominate(self.paper, other.person, "worth reading")
        self.swap = swaps.request_swap(self.talk.presenters.get(role="lead"), member.person)
        self.message = Message.objects.create(
            key="permissions-table",
            kind=kinds.REMINDER,
            to=["x@example.org"],
            subject="S",
            body_text="T",
            state=Message.State.HELD,
        )
        self.unsubscribe_token = unsubscribe.token_for(member, kinds.REMINDER)
        self.calendar_token = calendar.token_of(member).token

    def kwargs(self, key):
        return {
            None: {},
            "talk": {"pk": self.talk.pk},
            "past": {"pk": self.past.pk},
            "username": {"username": "lead"},
            "invite": {"pk": self.invite.pk},
            "reset": {"uidb64": "MQ", "token": "set-password"},
            "paper": {"pk": self.paper.pk},
            "proceedings": {"venue": "sosp", "year": 2025},
            "term": {"slug": self.talk.session.term.slug},
            "date": {"date": self.talk.session.date.isoformat()},
            "session": {"pk": self.talk.session.pk},
            "presenter": {"pk": self.lead_presenter_pk},
            "nomination": {"pk": self.nomination.pk},
            "swap": {"pk": self.swap.pk, "answer": "decline"},
            "message": {"pk": self.message.pk},
            "kind": {"kind": kinds.REMINDER},
            "unsubscribe": {"token": self.unsubscribe_token},
            "calendar": {"token": self.calendar_token},
        }[key]

    def snapshot(self):
        """Everything a request in the table could change."""
        return (
            list(Talk.objects.order_by("pk").values()),
            list(Presenter.objects.order_by("pk").values("talk", "person", "role", "confirmed")),
            list(Person.objects.order_by("pk").values("name", "affiliation", "user")),
            list(Invite.objects.order_by("pk").values("pk", "used_at")),
            list(Nomination.objects.order_by("pk").values()),
            list(Vote.objects.order_by("pk").values("nomination", "person")),
            list(Unavailability.objects.order_by("pk").values("person", "session")),
            list(SwapRequest.objects.order_by("pk").values("presenter", "to_person", "status")),
            list(Paper.topics.through.objects.order_by("pk").values("paper", "topic")),
            list(Message.objects.order_by("pk").values("state", "subject", "body_text")),
            list(OptOut.objects.order_by("pk").values("user", "kind")),
            list(MailTemplate.objects.order_by("pk").values()),
            list(OutboxSettings.objects.values()),
            list(CalendarToken.objects.order_by("pk").values("user", "token")),
        )


@pytest.fixture
def world(member, other_member, organiser, media_root):
    return World(member, other_member, organiser)


def check(response, want) -> None:
    if want == LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith("/accounts/login/?next=")
    elif want == OK:
        assert response.status_code not in (403, 404, 405), response
        assert not response.get("Location", "").startswith("/accounts/login/"), response
        assert response.status_code < 500, response
    else:
        assert response.status_code == want, response


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
    check(response, want)
    if want in (LOGIN, 403) and method == "POST":
        assert world.snapshot() == before, f"a denied {name} changed data"


def _denied(name: str, role: str) -> bool:
    return any(row[1] == name and row[4][role] in (LOGIN, 403) for row in TABLE)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_get_and_post_without_crashing(world, role):
    """GET and an empty POST to every URL: never a 500; denied roles change nothing."""
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(world.users[role])
    seen = set()
    for _, name, key, _, _ in TABLE:
        if (name, key) in seen:
            continue
        seen.add((name, key))
        url = reverse(name, kwargs=world.kwargs(key))
        for method in ("get", "post"):
            if name == "logout":
                continue  # signs the client out; checked in the table
            before = world.snapshot()
            response = getattr(client, method)(url)
            assert response.status_code < 500, (method, name, response)
            if _denied(name, role):
                assert response.status_code in (302, 403, 405), (method, name, role, response)
                assert world.snapshot() == before, f"a denied {method} {name} changed data"


def _all_url_names() -> set[str]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue  # Django's admin checks is_staff itself
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def test_table_covers_every_url_of_the_app():
    names = _all_url_names()
    names -= {"register_invite"}  # covered in test_accounts (valid, used, expired, unknown)
    assert names - {row[1] for row in TABLE} == set()
