"""Forms of the member pages (the lead's talk page). They parse and validate; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LinksForm(forms.Form):
    video_url = forms.URLField(
        label=_("Video link"), max_length=1000, required=False, assume_scheme="https"
    )
    summary_url = forms.URLField(
        label=_("Text summary link"), max_length=1000, required=False, assume_scheme="https"
    )


class SlidesForm(forms.Form):
    slides = forms.FileField(label=_("Slides (PDF)"))
