from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.rendering import MailTemplateError, compile_template


class PreferencesForm(forms.Form):
    """One box per kind the member can receive; ticked = wanted."""

    def __init__(self, *args, offered: list[kinds.Kind], opted_out: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        for kind in offered:
            self.fields[kind.code] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.code not in opted_out
            )

    def wanted(self) -> set[str]:
        return {code for code, value in self.cleaned_data.items() if value}


class HoldForm(forms.Form):
    hold_automatic = forms.BooleanField(
        label=_("Hold automatic mails for review"),
        required=False,
        help_text=_("Notifications and reminders wait here until an organiser sends them."),
    )


class MessageEditForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))


class DirectMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
    # The form's own token (a hidden field): the same form sent twice is one mail, a second
    # message to the same people is another. Bounded, as it ends up in the mail's key.
    nonce = forms.SlugField(max_length=32, widget=forms.HiddenInput)


def _compiles(value: str) -> str:
    try:
        compile_template(value)
    except MailTemplateError as exc:
        raise forms.ValidationError(str(exc)) from exc
    return value


class MailTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}))

    def clean_subject(self) -> str:
        return _compiles(self.cleaned_data["subject"])

    def clean_body(self) -> str:
        return _compiles(self.cleaned_data["body"])
