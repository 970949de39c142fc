"""Forms of the member pages (the lead's talk page). They parse and validate; services write."""

from __future__ import annotations

from django import forms


class LinksForm(forms.Form):
    video_url = forms.URLField(
        label="Video link", max_length=1000, required=False, assume_scheme="https"
    )
    summary_url = forms.URLField(
        label="Text summary link", max_length=1000, required=False, assume_scheme="https"
    )


class SlidesForm(forms.Form):
    slides = forms.FileField(label="Slides (PDF)")
