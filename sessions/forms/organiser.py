"""Forms of the organiser's pages. They parse and validate; sessions.planning decides."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from papers.identifiers import parse_arxiv_id, parse_doi
from papers.models import Paper
from papers.services import find_paper
from readinggroup.uploads import MarkdownUploadForm
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.planning import MAX_TALKS_PER_SESSION, MAX_WEEKS, RULE_FIELDS, WEEKDAYS
from sessions.readme.years import far_year

README_MAX_BYTES = 1024 * 1024


class NoColonMixin:
    """Labels read "Date", not "Date:" (the labels sit above their fields)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", **kwargs)


class NewTermForm(NoColonMixin, forms.Form):
    name = forms.CharField(
        max_length=100, label=_("Name"), help_text=_("As the group says it, e.g. “2026 Spring”.")
    )
    slug = forms.SlugField(
        max_length=100,
        required=False,
        label=_("Address"),
        help_text=_("Its address, e.g. 2026-spring. Left blank, it is made from the name."),
    )
    weekday = forms.TypedChoiceField(
        choices=list(enumerate(WEEKDAYS)), coerce=int, initial=1, label=_("Meets every")
    )
    start_date = forms.DateField(
        widget=DateInput(),
        label=_("Start date"),
        help_text=_("The first meeting is the first chosen weekday on or after this date."),
    )
    weeks = forms.IntegerField(
        label=_("Weeks"),
        min_value=1,
        max_value=MAX_WEEKS,
        initial=14,
        help_text=_(
            "Calendar weeks from the first meeting. A skipped date still counts as a week: "
            "the term ends on the same day and holds one session fewer."
        ),
    )
    start_time = forms.TimeField(
        required=False, widget=TimeInput(), initial=datetime.time(19, 0), label=_("Start time")
    )
    place = forms.CharField(max_length=200, required=False, label=_("Place"))
    online_link = forms.URLField(
        max_length=500, required=False, assume_scheme="https", label=_("Online link")
    )
    skip_dates = forms.CharField(
        required=False,
        label=_("Skip dates"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-04-07\n2026-05-05"}),
        help_text=_(
            "Meeting dates to leave out (holidays), as YYYY-MM-DD, one a line or "
            "separated by commas."
        ),
    )
    talks_per_session = forms.IntegerField(
        min_value=1, max_value=MAX_TALKS_PER_SESSION, initial=2, label=_("Talk slots per session")
    )
    minutes = forms.IntegerField(
        min_value=1, max_value=600, initial=45, label=_("Minutes per talk")
    )

    def clean_skip_dates(self) -> list[datetime.date]:
        dates = []
        bad = []
        for token in re.split(r"[\s,;]+", self.cleaned_data["skip_dates"].strip()):
            if not token:
                continue
            try:
                dates.append(datetime.date.fromisoformat(token))
            except ValueError:
                bad.append(token)
        if bad:
            raise forms.ValidationError(
                _("Not a date (use YYYY-MM-DD): %(dates)s")
                % {"dates": ", ".join(f"“{token}”" for token in bad)}
            )
        return dates

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("name") and not cleaned.get("slug"):
            cleaned["slug"] = slugify(cleaned["name"])
            if not cleaned["slug"]:
                self.add_error("slug", _("Give the term an address made of letters and digits."))
        return cleaned


class SessionForm(NoColonMixin, forms.ModelForm):
    online_link = forms.URLField(
        max_length=500, required=False, assume_scheme="https", label=_("Online link")
    )

    class Meta:
        model = Session
        fields = ["date", "kind", "title", "start_time", "place", "online_link"]
        widgets = {"date": DateInput(), "start_time": TimeInput()}
        labels = {
            "date": _("Date"),
            "kind": _("Kind"),
            "title": _("Title"),
            "start_time": _("Start time"),
            "place": _("Place"),
        }

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        other = (
            Session.objects.filter(date=date).exclude(pk=self.instance.pk).select_related("term")
        )
        clash = other.first()
        if clash is not None:
            raise forms.ValidationError(
                _("%(date)s already holds a session (%(term)s); one a day.")
                % {"date": date.isoformat(), "term": clash.term.name}
            )
        # The README importer's rule for a year that cannot be this term's (a typo such as
        # 9999 would break every calendar that shows the schedule).
        others = list(
            self.instance.term.sessions.exclude(pk=self.instance.pk).values_list(
                "date__year", flat=True
            )
        )
        why = far_year(date.year, others)
        if why is not None:
            raise forms.ValidationError(
                _("%(date)s is %(why)s; check the year.") % {"date": date.isoformat(), "why": why}
            )
        return date

    def validate_unique(self) -> None:
        # clean_date gives the clearer message for the one unique field.
        pass


class PaperField(forms.CharField):
    """A catalogue paper named by arXiv id or URL, DOI or URL, or its exact title."""

    def prepare_value(self, value):
        if isinstance(value, Paper):
            return value.title
        if isinstance(value, int):
            paper = Paper.objects.filter(pk=value).only("title").first()
            return paper.title if paper else ""
        return value

    def has_changed(self, initial, data) -> bool:
        # The initial value is a paper id, the submitted one its title.
        return (self.prepare_value(initial) or "") != (data or "").strip()

    def clean(self, value) -> Paper | None:
        text = super().clean(value).strip()
        if not text:
            return None
        arxiv = parse_arxiv_id(text)
        paper = find_paper(
            arxiv_id=arxiv.id if arxiv else "", doi=parse_doi(text) or "", title=text
        )
        if paper is None:
            raise forms.ValidationError(
                _(
                    "No catalogue paper matches “%(text)s”. Give its arXiv id, DOI or exact "
                    "title, or leave this empty and write the talk's title."
                )
                % {"text": text}
            )
        return paper


class TalkForm(NoColonMixin, forms.ModelForm):
    paper = PaperField(
        required=False,
        label=_("Paper"),
        max_length=500,
        help_text=_("arXiv id, DOI or exact title from the catalogue."),
    )
    url = forms.URLField(
        max_length=1000, required=False, assume_scheme="https", label=_("Paper link")
    )

    class Meta:
        model = Talk
        fields = [
            "title",
            "paper",
            "venue_label",
            "minutes",
            "url",
            "slides_url",
            "video_url",
            "summary_url",
        ]
        labels = {
            "url": _("Paper link"),
            "title": _("Title (if not the paper's)"),
            "venue_label": _("Venue label"),
            "minutes": _("Minutes"),
            "slides_url": _("Slides link"),
            "video_url": _("Video link"),
            "summary_url": _("Summary link"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The suggestions list is filled as the organiser types (see paper_suggestions).
        suggestions = f"{self.prefix}-paper-suggestions"
        self.fields["paper"].widget.attrs.update(
            {
                "list": suggestions,
                "autocomplete": "off",
                "hx-get": reverse("schedule:organiser_paper_suggestions"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{suggestions}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        paper = cleaned.get("paper")
        # The label the group writes next to a paper; the catalogue knows it when left blank.
        if paper is not None and not cleaned.get("venue_label"):
            cleaned["venue_label"] = paper.venue_label
        return cleaned


class BaseTalkFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # A formset skips validating forms marked for deletion, so the refusal is formset-wide.
        refused = [
            _(
                "Topic %(topic)s has presenters; remove them (or move the talk) before "
                "removing the slot."
            )
            % {"topic": form.instance.roman_position}
            for form in self.forms
            if self.can_delete
            # Django's own test for "marked for deletion"; django-stubs leaves it out.
            and self._should_delete_form(form)  # type: ignore[attr-defined]
            and form.instance.pk
            and form.instance.presenters.exists()
        ]
        if refused:
            raise forms.ValidationError(refused)


TalkFormSet = inlineformset_factory(
    Session,
    Talk,
    form=TalkForm,
    formset=BaseTalkFormSet,
    extra=0,
    can_delete=True,
)


class AssignPresenterForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.all(), required=False, label=_("Member or known guest")
    )
    guest_name = forms.CharField(max_length=200, required=False, label=_("…or a new guest"))
    guest_affiliation = forms.CharField(max_length=200, required=False, label=_("Affiliation"))
    role = forms.ChoiceField(
        choices=Presenter.Role.choices, initial=Presenter.Role.SUPPORT, label=_("Role")
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        person = cleaned.get("person")
        name = (cleaned.get("guest_name") or "").strip()
        if person is None and not name:
            raise forms.ValidationError(_("Pick a member or guest, or type a new guest's name."))
        if person is not None and name:
            raise forms.ValidationError(
                _("Pick someone from the list or type a new guest, not both.")
            )
        return cleaned


class MoveTalkForm(forms.Form):
    to_session = forms.ModelChoiceField(queryset=Session.objects.none(), label=_("Move to"))

    def __init__(self, *args, term: Term, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Session.objects.filter(term=term)


class RulesForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = Term
        fields = list(RULE_FIELDS)
        labels = {
            "rule_one_conference_one_arxiv": _("One SOSP/OSDI + one arXiv paper"),
            "rule_lead_required": _("Every talk has a lead"),
            "rule_min_minutes": _("Minimum minutes per talk"),
            "rule_recording_required": _("Past talks have slides or video"),
            "rule_one_lead_per_member": _("A member leads at most one topic per session"),
        }


class ReadmeUploadForm(MarkdownUploadForm):
    max_bytes = README_MAX_BYTES
    file_label = _("README file (.md)")
    empty_message = _("Upload the README file or paste its markdown.")

    term_name = forms.CharField(
        max_length=100,
        required=False,
        label=_("Term name"),
        help_text=_("E.g. “2025 Fall”. Left blank, the README's first heading names the term."),
    )
    base_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label=_("Base URL for relative links"),
        help_text=_("Where the README lives, so “./slides/x.pdf” becomes a full link."),
    )
