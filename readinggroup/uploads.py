"""The organiser imports' "upload a file or paste its markdown" form, in one place.

Both imports (a conference list, the group's README) take one markdown text, from a file or
pasted, within a size limit; each says in its subclass how big a file may be and what to say
when nothing was given. A file's bytes become text by the project's one rule
(readinggroup/text_files.py), and what that took is kept for the preview's warnings.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readinggroup.text_files import Decoded, NotTextError, decode_text_file

PASTED = "pasted"  # the file name warnings use for pasted text


class MarkdownUploadForm(forms.Form):
    """`cleaned_data["markdown"]` is the text and `cleaned_data["filename"]` where it came from
    (the upload's name, or "pasted"); `cleaned_data["decoding_note"]` is what reading the file
    took when it was not plain UTF-8 (a warning for line 1), else None; a form error says why
    nothing can be read."""

    max_bytes: ClassVar[int] = 1024 * 1024
    file_label: ClassVar[Any] = gettext_lazy("Markdown file (.md)")
    # Said when neither a file nor any text was given.
    empty_message: ClassVar[Any] = gettext_lazy("Upload a file or paste its markdown.")
    # Said after the size refusal: where bigger files go, if anywhere.
    too_large_hint: ClassVar[Any] = ""

    file = forms.FileField(required=False)
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        label=gettext_lazy("…or paste its markdown"),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label

    def decode(self, data: bytes, name: str) -> Decoded:
        """The file's text (readinggroup/text_files.py decides how), else a form error when the
        file is not text at all."""
        try:
            return decode_text_file(data)
        except NotTextError as exc:
            raise forms.ValidationError(
                _("%(file)s is not a text file: %(reason)s.") % {"file": name, "reason": exc}
            ) from None

    def _too_large(self, size: int) -> forms.ValidationError:
        message = _("The file is %(size)s KB; this import takes at most %(max)s KB.") % {
            "size": size // 1024,
            "max": self.max_bytes // 1024,
        }
        return forms.ValidationError(f"{message} {self.too_large_hint}".strip())

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        upload = cleaned.get("file")
        pasted = cleaned.get("text") or ""
        if upload and pasted.strip():
            raise forms.ValidationError(_("Upload a file or paste the markdown, not both."))
        if upload:
            # Checked before the body is read into memory.
            if upload.size > self.max_bytes:
                raise self._too_large(upload.size)
            decoded = self.decode(upload.read(), upload.name)
            cleaned["markdown"] = decoded.text
            cleaned["filename"] = upload.name
            cleaned["decoding_note"] = decoded.note
        else:
            cleaned["markdown"] = pasted
            cleaned["filename"] = PASTED
            cleaned["decoding_note"] = None
        size = len(cleaned["markdown"].encode())
        if size > self.max_bytes:
            raise self._too_large(size)
        if not cleaned["markdown"].strip():
            raise forms.ValidationError(self.empty_message)
        if "\x00" in cleaned["markdown"]:
            raise forms.ValidationError(_("That file is binary, not markdown."))
        return cleaned
