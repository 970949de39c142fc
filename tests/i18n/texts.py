"""What a person reads on a page or in a template: text nodes and the attributes shown to them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

# Attributes a person reads (or a screen reader says).
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "hx-confirm"}
# Names and formats, the same in every language.
NOT_WORDS = {
    "arXiv", "BibTeX", "CSL-JSON", "JSON", "iCal", "iCalendar", "README", "PDF", "DOI", "Zotero",
    "SOSP", "OSDI", "TIME_ZONE", "REGISTRATION_MODE", "open", "invite", "md", "webcal",
    "Markdown", "markdown", "Atom", "RSS", "HTMX", "htmx", "URL", "CSV",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]+")
# `{% url ... %}`-free literals a template may spell out: code samples, ids, URLs.
CODEISH = re.compile(r"<code>.*?</code>|https?://\S+|\b\d{4}\.\d{4,5}\S*|\bcs/\d+")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def shown_texts(html: str) -> list[str]:
    """Each text node and shown attribute of an HTML page, whitespace collapsed."""
    reader = _Reader()
    # `<tr{% if %} class="x"{% endif %}>`: keep the tag a tag once its tags are gone.
    reader.feed(re.sub(r"<([a-zA-Z][\w-]*)\0", r"<\1 ", html))
    return [" ".join(text.split()) for text in reader.texts if text.strip()]


def template_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    folders = [base / "templates"] + [p for p in base.glob("*/templates") if p.is_dir()]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


_SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
                   "comment": "endcomment", "verbatim": "endverbatim"}  # fmt: skip


def literal_source(source: str) -> str:
    """The template with every tag, variable and translated block replaced by a NUL: what is
    left is what the template writes as it is, in every language."""
    out: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in _SKIPPED_BLOCKS:
                closing = _SKIPPED_BLOCKS[name]
        out.append("\0")
    return "".join(out)


def english_words(text: str) -> list[str]:
    text = CODEISH.sub(" ", text.replace("\0", " "))
    return [word for word in WORD.findall(text) if word.strip("'\u2019-") not in NOT_WORDS]


def untranslated_literals(path: Path) -> list[str]:
    """The English a template writes outside {% translate %} / {% blocktranslate %}."""
    found = []
    for text in shown_texts(literal_source(path.read_text())):
        words = english_words(text)
        if words:
            found.append(text.replace("\0", "…"))
    return found
