from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import loader
from django.utils.translation import gettext_lazy as _

from sessions.models import Person

logger = logging.getLogger("accounts")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, its mail handed to the backend named by QUEUED_EMAIL_BACKEND (the outbox:
    sent by the worker after the commit) instead of SMTP inside the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email = EmailMultiAlternatives(
            subject,
            body,
            from_email,
            [to_email],
            connection=get_connection(settings.QUEUED_EMAIL_BACKEND),
        )
        if html_email_template_name is not None:
            email.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        try:
            email.send()
        except Exception:
            # As Django does: an error page for a known address only would tell who has an
            # account here.
            logger.exception(
                "Could not queue the password reset mail to user %s", context["user"].pk
            )


class RegistrationForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email"), help_text=_("For password resets; not shown to anyone.")
    )
    name = forms.CharField(
        label=_("Display name"), max_length=200, help_text=_("As it appears on the schedule.")
    )
    affiliation = forms.CharField(max_length=200, required=False, label=_("Affiliation"))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    field_order = ["username", "name", "affiliation", "email", "password1", "password2"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class ProfileForm(forms.ModelForm):
    """Validates a member's name, affiliation and email; accounts.services.update_profile saves."""

    email = forms.EmailField(
        label=_("Email"), help_text=_("For password resets; not shown to anyone.")
    )

    class Meta:
        model = Person
        fields = ("name", "affiliation")
        labels = {"name": _("Display name"), "affiliation": _("Affiliation")}
        help_texts = {"name": _("As it appears on the schedule.")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email
        self.order_fields(["name", "affiliation", "email"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.user.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another account uses this email."))
        return email


class InviteForm(forms.Form):
    note = forms.CharField(
        max_length=200,
        required=False,
        label=_("For"),
        help_text=_("Whom it is for (only organisers see this)."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=14)


class MemberChoiceField(forms.ModelChoiceField):
    """Active accounts, shown by their name on the schedule and their username."""

    def label_from_instance(self, obj: User) -> str:
        try:
            name = obj.person.name
        except Person.DoesNotExist:
            name = ""
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class LinkGuestForm(forms.Form):
    # Querysets are lazy and each form instance gets its own copy of the fields.
    guest = forms.ModelChoiceField(
        queryset=Person.objects.filter(user__isnull=True), label=_("Guest")
    )
    member = MemberChoiceField(
        queryset=get_user_model()
        .objects.filter(is_active=True)
        .select_related("person")
        .order_by("username"),
        label=_("Member"),
    )
