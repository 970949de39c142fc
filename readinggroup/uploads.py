"""The organiser imports' "upload a file or paste its markdown" form, in one place.

Both imports (a conference list, the group's README) take one markdown text, from a file or
pasted, within a size limit; each says in its subclass how big a file may be, how its bytes
become text and what to say when nothing was given.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PASTED = "pasted"  # the file name warnings use for pasted text


class MarkdownUploadForm(forms.Form):
    """`cleaned_data["markdown"]` is the text and `cleaned_data["filename"]` where it came from
    (the upload's name, or "pasted"); a form error says why nothing can be read."""

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

    def decode(self, data: bytes) -> str:
        """The file's text: UTF-8 (with or without a byte-order mark), else a form error."""
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise forms.ValidationError(
                _("Line %(line)s is not UTF-8 text; save the file as UTF-8.") % {"line": line}
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
            cleaned["markdown"] = self.decode(upload.read())
            cleaned["filename"] = upload.name
        else:
            cleaned["markdown"] = pasted
            cleaned["filename"] = PASTED
        size = len(cleaned["markdown"].encode())
        if size > self.max_bytes:
            raise self._too_large(size)
        if not cleaned["markdown"].strip():
            raise forms.ValidationError(self.empty_message)
        if "\x00" in cleaned["markdown"]:
            raise forms.ValidationError(_("That file is binary, not markdown."))
        return cleaned
