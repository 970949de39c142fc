# ruff: noqa: RUF001  (full-width commas and parentheses are the test data)
"""The app's own README export, imported again, is a no-op; into an empty database it gives the
same public schedule. With what real terms hold: pending sign-ups, members whose names hold
commas, parentheses or Chinese punctuation, uploaded slides, titled regular sessions."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from papers.models import Paper, Proceedings, Venue
from sessions.exports.schedule_json import schedule_data
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.readme.exporter import export_term
from sessions.readme.importer import import_schedule
from sessions.readme.parsed import ParsedPresenter, ScheduleFormatError
from sessions.readme.reader import parse_schedule
from sessions.readme.syntax import format_person, parse_person, split_names
from sessions.selectors import schedule_terms
from tests import factories
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
ODD_NAMES = [
    "Wang, Li (PKU)",
    "Chen Wei (David)",
    "欧阳，娜娜",
    "李、王",
    "张三（北大）",
    "Tom and Jerry",
    "TBD",
    '"Quoted" Name',
]


def snapshot() -> dict:
    rows = {
        model.__name__: sorted(model.objects.values_list("id", "updated_at"))
        for model in (Term, Session, Talk, Person, Presenter, Paper)
    }
    rows["Proceedings"] = sorted(Proceedings.objects.values_list("id", flat=True))
    rows["Venue"] = sorted(Venue.objects.values_list("id", flat=True))
    return rows


def member(name: str, affiliation: str = "") -> Person:
    user = factories.UserFactory()
    return Person.objects.create(name=name, affiliation=affiliation, user=user)


def present(talk: Talk, person: Person, role: str, position: int, confirmed: bool = True):
    return Presenter.objects.create(
        talk=talk, person=person, role=role, position=position, confirmed=confirmed
    )


def build_term(media_root) -> Term:
    """The seed term, then what the organiser pages and members add to it."""
    import_schedule((FIXTURES / "schedule-2025-fall.md").read_text(encoding="utf-8"))
    term = Term.objects.get()
    # A form saves markdown with CRLF line ends.
    term.requirements = term.requirements.replace("\n", "\r\n") + "\r\n"
    term.save()

    wang = member("Wang, Li (PKU)")
    david = member("Chen Wei (David)", "Tsinghua")
    ouyang = member("欧阳，娜娜", "北京大学")
    li_wang = member("李、王")
    zhang = member("张三（北大）")
    pending_member = member("Pending Person")
    quoted = Person.objects.create(name='"Quoted" Name')

    # A regular session with a title, made on the organiser pages with two talks.
    session = Session.objects.create(
        term=term, date=datetime.date(2026, 1, 27), title="Deep dive: KV caches"
    )
    arxiv = factories.VenueFactory(name="arXiv", kind=Venue.Kind.PREPRINT)
    paper = factories.PaperFactory(
        title="A catalogue paper chosen on the dashboard",
        arxiv_id="2501.01234",
        proceedings=factories.ProceedingsFactory(venue=arxiv, year=2025),
    )
    chosen = Talk.objects.create(session=session, position=1, paper=paper)
    present(chosen, wang, "lead", 0)
    present(chosen, david, "support", 1)
    present(chosen, pending_member, "support", 2, confirmed=False)
    present(chosen, ouyang, "support", 3)
    # A free topic with a link and uploaded slides.
    free = Talk.objects.create(
        session=session, position=2, title="Open problems, (re)visited", url="https://ex.org/p"
    )
    free.slides_file.save("deck.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    present(free, li_wang, "lead", 0)
    present(free, zhang, "support", 1)
    present(free, quoted, "support", 2)

    # A pending lead with confirmed supporters: the README keeps the lead open.
    open_lead = Session.objects.create(term=term, date=datetime.date(2026, 2, 3))
    talk = Talk.objects.create(session=open_lead, position=1, title="Who leads this?")
    present(talk, pending_member, "lead", 0, confirmed=False)
    present(talk, david, "support", 1)

    # Kinds whose titles alone would read back as another kind.
    Session.objects.create(term=term, date=datetime.date(2026, 2, 10), kind="kick-off")
    Session.objects.create(
        term=term, date=datetime.date(2026, 2, 17), kind="cancelled", title="Holiday"
    )
    Session.objects.create(
        term=term, date=datetime.date(2026, 2, 24), kind="special", title="After the kick-off"
    )
    # Members' pending sign-ups on seed talks (one as lead of an open talk, one supporter).
    seed_talk = Talk.objects.get(session__date="2026-01-20", position=1)
    present(seed_talk, pending_member, "support", 5, confirmed=False)
    present(seed_talk, wang, "support", 6)
    Term.objects.filter(pk=term.pk).update(end_date=datetime.date(2026, 2, 24))
    term.refresh_from_db()
    return term


def public_schedule(*, without_pending: bool) -> str:
    """/api/schedule.json's data; optionally as it reads once the pending sign-ups are gone."""
    with transaction.atomic():
        if without_pending:
            Presenter.objects.filter(confirmed=False).delete()
        data = json.dumps(schedule_data(schedule_terms(), SITE), sort_keys=True, indent=1)
        transaction.set_rollback(True)
    return data


def test_names_the_reader_would_split_are_quoted():
    for name in ODD_NAMES:
        for affiliation in ("", "MIT (CSAIL), Cambridge"):
            written = format_person(name, affiliation)
            assert [parse_person(part) for part in split_names(f"{written}, X")] == [
                ParsedPresenter(name, affiliation),
                ParsedPresenter("X"),
            ], written
    assert format_person("Ada Lovelace", "") == "Ada Lovelace"  # nothing to quote


def test_export_then_import_changes_nothing(media_root, client):
    term = build_term(media_root)
    text = export_term(term, site_url=SITE)
    pending = sorted(Presenter.objects.filter(confirmed=False).values_list("id", "role"))
    before = snapshot()

    assert "Pending Person" not in text  # the README is public
    assert '"Wang, Li (PKU)"' in text
    assert "- ✨ [Regular] Deep dive: KV caches" in text  # the words alone read as "special"

    preview = import_schedule(text, dry_run=True)
    assert preview.changes == []
    result = import_schedule(text)

    assert result.changes == [], [str(c) for c in result.changes]
    assert snapshot() == before
    assert sorted(Presenter.objects.filter(confirmed=False).values_list("id", "role")) == pending
    free = Talk.objects.get(session__date="2026-01-27", position=2)
    assert free.slides_file and free.slides_url == ""
    session = Session.objects.get(date="2026-01-27")
    assert (session.kind, session.title) == ("regular", "Deep dive: KV caches")

    # The organiser's preview of the same file says so.
    client.force_login(factories.OrganiserFactory())
    response = client.post(reverse("schedule:organiser_import"), {"step": "preview", "text": text})
    assert response.status_code == 200
    assert "Nothing to change" in response.content.decode()


def test_export_into_an_empty_database_gives_the_same_public_schedule(media_root):
    term = build_term(media_root)
    text = export_term(term, site_url=SITE)
    expected = public_schedule(without_pending=True)

    for model in (Presenter, Talk, Session, Term, Person, Paper, Proceedings, Venue):
        model.objects.all().delete()
    import_schedule(text)

    assert public_schedule(without_pending=False) == expected
    kinds = dict(Session.objects.values_list("date", "kind"))
    assert kinds[datetime.date(2026, 2, 10)] == "kick-off"
    assert kinds[datetime.date(2026, 2, 17)] == "cancelled"
    assert kinds[datetime.date(2026, 2, 24)] == "special"
    assert kinds[datetime.date(2026, 1, 27)] == "regular"
    open_lead = Talk.objects.get(session__date="2026-02-03")
    assert [(p.person.name, p.role) for p in open_lead.presenters.all()] == [
        ("Chen Wei (David)", "support")
    ]


def test_import_never_confirms_a_pending_sign_up(media_root):
    term = build_term(media_root)
    pending = Presenter.objects.get(talk__session__date="2026-02-03", confirmed=False)
    # An organiser's edited README names the pending lead, and someone else as lead.
    text = export_term(term, site_url=SITE).replace(
        '- 🙋\u200d♂️ TBD, "Chen Wei (David)" (Tsinghua)',
        '- 🙋\u200d♂️ Pending Person, "Chen Wei (David)" (Tsinghua)',
    )
    assert "Pending Person" in text

    result = import_schedule(text)

    pending.refresh_from_db()
    assert (pending.confirmed, pending.role) == (False, "lead")
    assert any("awaits an organiser's confirmation" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    ("heading", "line"),
    [("### January 20, 9999", 4), ("### 0001-01-01", 4), ("### 2031-01-20", 4)],
)
def test_dates_far_from_the_term_are_refused_with_the_line(heading, line):
    text = (
        f"# 2025 Fall\n\n## Schedule\n{heading}\n- 💡 A talk\n"
        "### 2025-12-09\n- 💡 B\n### December 2\n- 💡 C\n"
    )
    with pytest.raises(ScheduleFormatError) as error:
        import_schedule(text)
    assert error.value.line == line
    assert "typo" in error.value.message
    assert Term.objects.count() == 0
    # A term spanning the new year is fine.
    assert parse_schedule(
        "# 2025 Fall\n## Schedule\n### January 20\n- 💡 A\n### December 2\n- 💡 B\n"
    )


def test_a_far_date_is_refused_in_the_organisers_language():
    text = "# 2025 Fall\n\n## Schedule\n### January 20, 9999\n- 💡 A\n### December 2\n- 💡 B\n"
    with translation.override("zh-hans"), pytest.raises(ScheduleFormatError) as error:
        parse_schedule(text)
    # The sentence and the reason it carries (years.far_year) are both Chinese.
    assert "落在 9999 年" in error.value.message
    assert "不在 1900-2099 年之间" in error.value.message
