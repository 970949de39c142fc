"""Import a term from the group's README (see sessions/readme/reader.py) into the database.

What the file says wins; what it leaves out is kept: an empty slides line does not delete an
uploaded deck, a topic without a presenters line keeps its sign-ups, a session the file does
not list stays. A presenters line is the talk's whole list of confirmed presenters (others
are removed), because a new lead must replace the old one; a member's pending sign-up is not
in the public file and is never touched (not confirmed, not promoted, not removed). A talk
that already shows what the file says (its paper's title, link and venue, its own uploaded
slides) is left as it is, so the app's own export (exporter.py) re-imports as a no-op.
Everything happens in one transaction; a dry run rolls it back and reports what it would have
done. Importing the same file twice changes nothing.

One concern read top to bottom (term, people, sessions, talks, presenters, papers), hence a
little over 400 lines; the counts and changes it reports are in results.py.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models.functions import Lower
from django.urls import Resolver404, resolve
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy

from papers.conference_list import url_kind
from papers.identifiers import parse_arxiv_id, parse_doi
from papers.models import Paper, PaperLink, Proceedings
from papers.services import find_paper
from papers.venues import is_preprint, parse_venue_label, proceedings_for, venue_for_label
from sessions.caching import schedule_changed
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.numbering import roman
from sessions.readme.exporter import ordered_presenters
from sessions.readme.parsed import (
    ROLE_LEAD,
    ROLE_SUPPORT,
    FormatWarning,
    ParsedSchedule,
    ParsedSession,
    ParsedTalk,
)
from sessions.readme.reader import parse_schedule
from sessions.readme.results import Change, ImportResult, ScheduleImportError
from sessions.readme.syntax import normalize_block
from sessions.selectors import talk_link, talk_venue

# How a presenter's part reads in the import's list of changes.
_ROLE_WORDS = {
    ROLE_LEAD: pgettext_lazy("presenter's part in a talk", "lead"),
    ROLE_SUPPORT: pgettext_lazy("presenter's part in a talk", "support"),
}


def import_schedule(
    text: str, *, term_name: str | None = None, base_url: str = "", dry_run: bool = False
) -> ImportResult:
    """Read a schedule README and apply it in one transaction (rolled back when dry_run).

    Raises ScheduleFormatError (or its ScheduleImportError) with a line number for input that
    cannot be imported; then nothing has changed.
    """
    parsed = parse_schedule(text, term_name=term_name, base_url=base_url)
    with transaction.atomic():
        importer = _Importer(parsed, dry_run)
        result = importer.run()
        if dry_run:
            transaction.set_rollback(True)
        elif result.changed:
            schedule_changed()
    if dry_run and importer.term_created:
        # The row was rolled back; an unsaved Term still carries the name for a preview.
        result.term.pk = None
    return result


class _Importer:
    def __init__(self, parsed: ParsedSchedule, dry_run: bool) -> None:
        self.parsed = parsed
        self.term_created = False
        self.result = ImportResult(
            term=Term(name=parsed.term_name),
            dry_run=dry_run,
            schedule=parsed,
            warnings=list(parsed.warnings),
        )
        self.people: dict[str, Person] = {}
        self.people_with: dict[tuple[str, str], Person] = {}
        self.people_seen: set[int] = set()
        self.papers_seen: set[int] = set()

    # -- bookkeeping ---------------------------------------------------------------------------

    def count(self, kind: str, action: str, label: str, line: int = 0, fields=()) -> None:
        tally = self.result.counts[kind]
        setattr(tally, action, getattr(tally, action) + 1)
        if action != "unchanged":
            self.result.changes.append(Change(kind, action, label, line, tuple(fields)))

    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append(FormatWarning(line, message))

    # -- the run -------------------------------------------------------------------------------

    def run(self) -> ImportResult:
        parsed = self.parsed
        term = self._term()
        self.result.term = term
        sessions = sorted(parsed.sessions, key=lambda s: s.date)
        existing = {
            session.date: session
            for session in Session.objects.select_related("term").filter(
                date__in=[s.date for s in sessions]
            )
        }
        self._load_people(sessions)
        for parsed_session in sessions:
            self._session(term, parsed_session, existing.get(parsed_session.date))
        self.result.warnings.sort(key=lambda w: w.line)
        return self.result

    def _term(self) -> Term:
        parsed = self.parsed
        slug = slugify(parsed.term_name)[:100]
        if not slug:
            raise ScheduleImportError(
                parsed.line,
                gettext("the term name '%(name)s' gives no usable address (slug)")
                % {"name": parsed.term_name},
            )
        term = (
            Term.objects.filter(slug=slug).first()
            or Term.objects.filter(name__iexact=parsed.term_name).first()
        )
        dates = [session.date for session in parsed.sessions]
        if term is None:
            term = Term.objects.create(
                name=parsed.term_name,
                slug=slug,
                requirements=parsed.requirements,
                other_information=parsed.other_information,
                start_date=min(dates) if dates else None,
                end_date=max(dates) if dates else None,
            )
            self.term_created = True
            self.count("terms", "created", term.name, parsed.line)
            return term
        desired = {}
        # The file's markdown as the reader returns it; the term's as a form saved it (CRLF).
        if parsed.requirements and normalize_block(term.requirements) != parsed.requirements:
            desired["requirements"] = parsed.requirements
        if (
            parsed.other_information
            and normalize_block(term.other_information) != parsed.other_information
        ):
            desired["other_information"] = parsed.other_information
        stretched = []
        for day in (min(dates), max(dates)) if dates else ():
            stretched += term.extend_to_include(day, save=False)
        self._apply(term, desired, "terms", term.name, parsed.line, also=stretched)
        return term

    def _apply(
        self, obj, desired: dict, kind: str, label: str, line: int, also: list[str] | None = None
    ) -> bool:
        """Set the fields that differ, save them (with `also`, set already), and count the row."""
        changed = [name for name, value in desired.items() if getattr(obj, name) != value]
        changed += also or []
        if not changed:
            self.count(kind, "unchanged", label, line)
            return False
        for name in changed:
            if name in desired:
                setattr(obj, name, desired[name])
        obj.save(update_fields=[*changed, "updated_at"])
        self.count(kind, "updated", label, line, changed)
        return True

    # -- people --------------------------------------------------------------------------------

    def _load_people(self, sessions: list[ParsedSession]) -> None:
        names = {
            presenter.name.lower()
            for session in sessions
            for talk in session.talks
            for presenter in talk.presenters or []
        }
        if not names:
            return
        # Names match case-insensitively; of two people with one name, the older row wins.
        rows = Person.objects.annotate(key=Lower("name")).filter(key__in=names).order_by("id")
        for person in rows:
            self.people.setdefault(person.name.lower(), person)
            self.people_with.setdefault((person.name.lower(), person.affiliation.lower()), person)

    def _person(self, name: str, affiliation: str, line: int) -> Person:
        key = name.lower()
        # Two people of one name: the file's affiliation tells them apart.
        person = self.people_with.get((key, affiliation.lower())) or self.people.get(key)
        if person is None:
            person = Person.objects.create(name=name, affiliation=affiliation)
            self.people[key] = person
            self.people_with[(key, affiliation.lower())] = person
            self.people_seen.add(person.pk)
            self.count("people", "created", str(person), line)
            return person
        if affiliation and person.affiliation != affiliation:
            person.affiliation = affiliation
            person.save(update_fields=["affiliation", "updated_at"])
            self.count("people", "updated", str(person), line, ["affiliation"])
        elif person.pk not in self.people_seen:
            self.count("people", "unchanged", str(person), line)
        self.people_seen.add(person.pk)
        return person

    # -- sessions and talks ----------------------------------------------------------------------

    def _session(self, term: Term, parsed: ParsedSession, session: Session | None) -> None:
        label = f"{parsed.date.isoformat()}" + (f" {parsed.title}" if parsed.title else "")
        if session is None:
            session = Session.objects.create(
                term=term, date=parsed.date, kind=parsed.kind, title=parsed.title
            )
            self.count("sessions", "created", label, parsed.line)
            existing_talks: dict[int, Talk] = {}
        else:
            if session.term_id != term.pk:
                raise ScheduleImportError(
                    parsed.line,
                    gettext(
                        "%(date)s is already a session of the term '%(term)s'; move or delete "
                        "it there first"
                    )
                    % {"date": parsed.date.isoformat(), "term": session.term.name},
                )
            desired = {}
            # A regular session without a title is what the file says when it says nothing.
            if parsed.kind != Session.Kind.REGULAR or parsed.title:
                desired["kind"] = parsed.kind
            if parsed.title:
                desired["title"] = parsed.title
            self._apply(session, desired, "sessions", label, parsed.line)
            existing_talks = {
                talk.position: talk
                # The venue too: the preview's venue labels read the paper's proceedings.
                for talk in session.talks.prefetch_related("presenters__person").select_related(
                    "paper__proceedings__venue"
                )
            }
        listed = set()
        for parsed_talk in parsed.talks:
            listed.add(parsed_talk.position)
            self._talk(session, parsed, parsed_talk, existing_talks.get(parsed_talk.position))
        for position, talk in sorted(existing_talks.items()):
            if position not in listed:
                self.warn(
                    parsed.line,
                    gettext("%(date)s Topic %(topic)s (%(title)s) is not in the file; kept")
                    % {
                        "date": parsed.date.isoformat(),
                        "topic": roman(position),
                        "title": talk.display_title,
                    },
                )

    def _talk(
        self,
        session: Session,
        parsed_session: ParsedSession,
        parsed: ParsedTalk,
        talk: Talk | None,
    ) -> None:
        label = gettext("%(date)s Topic %(topic)s") % {
            "date": parsed_session.date.isoformat(),
            "topic": roman(parsed.position),
        }
        desired: dict = {}
        paper = None
        if talk is not None and _shows(talk) == (parsed.title, parsed.url, parsed.venue_label):
            # What the talk shows already (its paper's title, link and venue, as the exporter
            # writes them): nothing to change, whichever fields hold it.
            paper = talk.paper
        else:
            paper = self._paper(parsed, parsed_session) if parsed.title or parsed.url else None
            if paper is not None:
                desired["paper"] = paper
                # The talk keeps its own title only where it differs from the catalogue's.
                desired["title"] = "" if parsed.title == paper.title else parsed.title
            elif parsed.title:
                desired["paper"] = None
                desired["title"] = parsed.title
            for name in ("url", "venue_label"):
                if getattr(parsed, name):
                    desired[name] = getattr(parsed, name)
        for name in ("slides_url", "video_url", "summary_url"):
            if getattr(parsed, name):
                desired[name] = getattr(parsed, name)
        if talk is not None and _is_own_slides(talk, parsed.slides_url):
            del desired["slides_url"]  # the link to this talk's uploaded deck: keep the file
        shown = parsed.title or (paper.title if paper else gettext("(open)"))
        label = f"{label} · {shown}"
        if talk is None:
            talk = Talk.objects.create(session=session, position=parsed.position, **desired)
            self.count("talks", "created", label, parsed.line)
            rows: list[Presenter] = []
        else:
            self._apply(talk, desired, "talks", label, parsed.line)
            rows = list(talk.presenters.all())
        if parsed.presenters is not None:
            self._presenters(talk, parsed, label, rows)

    def _presenters(
        self, talk: Talk, parsed: ParsedTalk, label: str, rows: list[Presenter]
    ) -> None:
        """The file's presenters line is the talk's list of confirmed presenters.

        A member's pending sign-up is not in the (public) file and the import never touches
        it: not confirmed, not moved to another role, not removed.
        """
        pending = {row.person_id: row for row in rows if not row.confirmed}
        pending_lead = next((row for row in pending.values() if row.role == ROLE_LEAD), None)
        confirmed = {row.person_id: row for row in rows if row.confirmed}
        desired: list[tuple[Person, str]] = []
        for entry in parsed.presenters or []:
            person = self._person(entry.name, entry.affiliation, parsed.line)
            role = entry.role
            if person.pk in pending:
                self.warn(
                    parsed.line,
                    gettext(
                        "%(talk)s: %(name)s's sign-up awaits an organiser's confirmation; the "
                        "import leaves it pending (confirm it on the term's page)"
                    )
                    % {"talk": label, "name": person.name},
                )
                continue
            if role == ROLE_LEAD and pending_lead is not None:
                self.warn(
                    parsed.line,
                    gettext(
                        "%(talk)s: %(pending)s's pending sign-up holds the lead; %(name)s is "
                        "added as a supporter"
                    )
                    % {"talk": label, "pending": pending_lead.person.name, "name": person.name},
                )
                role = ROLE_SUPPORT
            desired.append((person, role))
        current = [(row.person_id, row.role) for row in ordered_presenters(confirmed.values())]
        if current == [(person.pk, role) for person, role in desired]:
            for person, role in desired:
                who = f"{label}: {person.name} ({_ROLE_WORDS[role]})"
                self.count("presenters", "unchanged", who, 0)
            return
        wanted = {person.pk for person, _ in desired}
        for person_id, row in confirmed.items():
            if person_id not in wanted:
                row.delete()
                self.count("presenters", "removed", f"{label}: {row.person.name}", parsed.line)
        # Demotions first: the database allows one lead per talk at every moment.
        numbered = [(person, role, position) for position, (person, role) in enumerate(desired)]
        for person, role, position in sorted(numbered, key=lambda item: item[1] == ROLE_LEAD):
            existing = confirmed.get(person.pk)
            who = f"{label}: {person.name} ({_ROLE_WORDS[role]})"
            if existing is None:
                Presenter.objects.create(
                    talk=talk, person=person, role=role, position=position, confirmed=True
                )
                self.count("presenters", "created", who, parsed.line)
            else:
                self._apply(
                    existing, {"role": role, "position": position}, "presenters", who, parsed.line
                )

    # -- papers --------------------------------------------------------------------------------

    def _paper(self, parsed: ParsedTalk, session: ParsedSession) -> Paper | None:
        arxiv = parse_arxiv_id(parsed.url) if parsed.url else None
        doi = parse_doi(parsed.url) if parsed.url else None
        paper = find_paper(arxiv_id=arxiv.id if arxiv else "", doi=doi or "", title=parsed.title)
        if paper is not None:
            self._fill_identifiers(paper, arxiv, doi, parsed)
            return paper
        if not parsed.names_paper:
            return None  # a plain title the catalogue does not know: a free topic
        if not parsed.title:
            self.warn(parsed.line, gettext("a paper link without a title; no paper created"))
            return None
        paper = Paper(
            title=parsed.title,
            proceedings=self._proceedings(parsed.venue_label, arxiv, session.date),
            arxiv_id=arxiv.id if arxiv else "",
            arxiv_version=arxiv.version if arxiv else None,
            doi=doi or "",
        )
        paper.save()
        if parsed.url and not arxiv and not doi:
            kind = url_kind(parsed.url, default=PaperLink.Kind.PAPER)
            PaperLink.objects.create(paper=paper, kind=kind, url=parsed.url)
        self.papers_seen.add(paper.pk)
        self.count("papers", "created", paper.title, parsed.line)
        return paper

    def _fill_identifiers(self, paper: Paper, arxiv, doi: str | None, parsed: ParsedTalk) -> None:
        """Give a catalogue paper the arXiv id or DOI it lacked, unless another paper has it."""
        changed = []
        if arxiv and not paper.arxiv_id:
            if Paper.objects.filter(arxiv_id=arxiv.id).exclude(pk=paper.pk).exists():
                self.warn(
                    parsed.line,
                    gettext("arXiv %(id)s belongs to another catalogue paper") % {"id": arxiv.id},
                )
            else:
                paper.arxiv_id = arxiv.id
                changed.append("arxiv_id")
                if arxiv.version and not paper.arxiv_version:
                    paper.arxiv_version = arxiv.version
                    changed.append("arxiv_version")
        if doi and not paper.doi:
            if Paper.objects.filter(doi=doi).exclude(pk=paper.pk).exists():
                self.warn(
                    parsed.line,
                    gettext("DOI %(doi)s belongs to another catalogue paper") % {"doi": doi},
                )
            else:
                paper.doi = doi
                changed.append("doi")
        if changed:
            paper.save(update_fields=[*changed, "updated_at"])
            self.count("papers", "updated", paper.title, parsed.line, changed)
        elif paper.pk not in self.papers_seen:
            self.count("papers", "unchanged", paper.title, parsed.line)
        self.papers_seen.add(paper.pk)

    def _proceedings(self, label: str, arxiv, date: datetime.date) -> Proceedings | None:
        """[SOSP'25] → SOSP 2025; [arXiv] → the arXiv preprint server, in the id's year."""
        if not label:
            return None
        name, year = parse_venue_label(label)
        if is_preprint(name):
            year = year or _arxiv_year(arxiv) or date.year
        if year is None:
            return None
        return proceedings_for(venue_for_label(name), year)


def _arxiv_year(arxiv) -> int | None:
    """2412.03131 → 2024; cs/0112017 → 2001."""
    if arxiv is None:
        return None
    digits = arxiv.id.split("/")[-1][:2]
    if not digits.isdigit():
        return None
    yy = int(digits)
    return (1900 if yy >= 91 else 2000) + yy


def _shows(talk: Talk) -> tuple[str, str, str]:
    """(title, link, venue tag) as the talk shows them, which is what the exporter writes."""
    title = talk.display_title if (talk.title or talk.paper_id) else ""
    return title, talk_link(talk), talk_venue(talk)


def _is_own_slides(talk: Talk, url: str) -> bool:
    """Is `url` (absolute or not) the download address of this talk's uploaded deck?"""
    if not url or not talk.slides_file:
        return False
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.view_name == "schedule:talk_slides" and match.kwargs.get("pk") == talk.pk
