"""A text file's bytes as text: the one place that decides how an uploaded or imported file
is read.

The community's files are markdown written on every kind of machine: UTF-8 mostly, but also
saved by Windows Notepad as "ANSI" (GBK/GB18030 on a Chinese Windows, Windows-1252 on a Western
one) or as "Unicode" (UTF-16). The project's rule is to take what can be read, say what was
done, and refuse only what is not text at all, so:

- a byte-order mark decides (UTF-8, UTF-16, UTF-32);
- strict UTF-8 is read without a word;
- UTF-16 without a byte-order mark (NUL in every other byte) is read, with a note;
- anything else is a guess between the legacy encodings this community saves in (GB18030 when
  every non-ASCII byte is a common Chinese character, else charset-normalizer's pick), reported
  in the note so the person can check the names;
- NUL bytes that are not UTF-16, or a known binary header, mean the file is not text.

Nothing is replaced silently: when no encoding reads every byte, the note counts the
replacement characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

# The legacy encodings a guess may pick: the "ANSI" code pages of the Chinese and the Western
# Windows this community writes on (GB18030 reads GBK and GB2312; Windows-1252 reads printable
# Latin-1). Measured on short, mostly ASCII lists (tests/test_text_files.py), charset-normalizer
# left free read Chinese names as Big5 or Korean and accented ones as cp1006, cp775 or cp1250;
# with Big5, Shift-JIS, EUC-KR or cp1250 allowed beside these two it still picked them for
# some files. Between just these two, over the whole file, it was right but for one short
# Chinese list, which _looks_like_gb2312 settles first.
GUESSES = ("gb18030", "cp1252")

# What the note calls an encoding: the names a text editor's "Save as" offers.
DISPLAY_NAMES = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32-le": "UTF-32 LE",
    "utf-32-be": "UTF-32 BE",
    "gb18030": "GB18030",
    "cp1252": "Windows-1252",
}

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Files people attach by mistake, by their first bytes: named in the refusal.
BINARY_HEADERS = (
    (b"\x89PNG\r\n\x1a\n", gettext_noop("PNG image")),
    (b"%PDF-", gettext_noop("PDF document")),
    (b"PK\x03\x04", gettext_noop("ZIP archive (or a Word/Excel file)")),
    (b"\xff\xd8\xff", gettext_noop("JPEG image")),
    (b"GIF87a", gettext_noop("GIF image")),
    (b"GIF89a", gettext_noop("GIF image")),
    (b"\x1f\x8b", gettext_noop("gzip archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_noop("Office document")),
)


@dataclass(frozen=True)
class Decoded:
    """The file's text; the encoding it was read with (a Python codec name); and, when the
    reading was not plain UTF-8, what to tell the person (reported at line 1)."""

    text: str
    encoding: str
    note: str | None = None


class NotTextError(ValueError):
    """The bytes are not a text file at all; `str()` says why, for the person."""


def decode_text_file(data: bytes) -> Decoded:
    """`data` as text, following the module's rules; NotTextError when it is not text."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _by_bom(data[len(bom) :], encoding)
    for header, kind in BINARY_HEADERS:
        if data.startswith(header):
            raise NotTextError(_("it is a %(kind)s") % {"kind": _(kind)})
    # NUL is valid UTF-8 but in no text file: it is UTF-16's ASCII, or the file is binary.
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise NotTextError(_("it holds NUL bytes, which text files do not"))
        return utf16
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _guess(data)


def _by_bom(body: bytes, encoding: str) -> Decoded:
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        # A byte-order mark promises the encoding; broken after it, the file is not that text.
        raise NotTextError(
            _("it starts with a %(encoding)s byte-order mark but is not %(encoding)s text")
            % {"encoding": DISPLAY_NAMES[encoding]}
        ) from None
    if encoding == "utf-8":
        return Decoded(text, encoding)
    note = _("the file is %(encoding)s, not UTF-8; it was read as %(encoding)s") % {
        "encoding": DISPLAY_NAMES[encoding]
    }
    return Decoded(text, encoding, note)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 when one byte of most pairs is NUL: markdown is mostly ASCII, which UTF-16 writes
    as the character and a NUL, and no other text file has NUL bytes at all."""
    if len(data) < 2 or len(data) % 2:
        return None
    evens, odds = data[0::2], data[1::2]
    for zeros, others, encoding in ((odds, evens, "utf-16-le"), (evens, odds, "utf-16-be")):
        # A few characters (U+0100, U+4E00…) have a NUL byte on the other side too.
        if zeros.count(0) >= len(zeros) // 2 and others.count(0) <= len(others) // 100:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            note = _(
                "the file is not UTF-8; it was read as %(encoding)s (it has no byte-order "
                "mark: save the file as UTF-8 to be sure)"
            ) % {"encoding": DISPLAY_NAMES[encoding]}
            return Decoded(text, encoding, note)
    return None


def _guess(data: bytes) -> Decoded:
    if _looks_like_gb2312(data):
        return Decoded(data.decode("gb18030"), "gb18030", _guessed_note("gb18030"))
    # One chunk as long as the file: by default charset-normalizer samples five 512-byte chunks,
    # which in a long, mostly ASCII list can miss the few names that decide the encoding.
    # preemptive_behaviour off: a "charset=" written inside the markdown is not the file's.
    best = charset_normalizer.from_bytes(
        data,
        steps=1,
        chunk_size=len(data),
        cp_isolation=list(GUESSES),
        preemptive_behaviour=False,
    ).best()
    if best is not None:
        return Decoded(data.decode(best.encoding), best.encoding, _guessed_note(best.encoding))
    # No candidate reads every byte: the one that loses fewest, and the loss said with its count.
    readings = [(data.decode(encoding, errors="replace"), encoding) for encoding in GUESSES]
    text, encoding = min(readings, key=lambda reading: reading[0].count("\ufffd"))
    count = text.count("\ufffd")
    if not count:
        return Decoded(text, encoding, _guessed_note(encoding))
    note = ngettext(
        "the file is not UTF-8; it was read as %(encoding)s (a guess), and %(count)s byte that "
        "it does not define became the replacement character U+FFFD: save the file as UTF-8",
        "the file is not UTF-8; it was read as %(encoding)s (a guess), and %(count)s bytes that "
        "it does not define became the replacement character U+FFFD: save the file as UTF-8",
        count,
    ) % {"encoding": DISPLAY_NAMES.get(encoding, encoding), "count": count}
    return Decoded(text, encoding, note)


def _guessed_note(encoding: str) -> str:
    return _(
        "the file is not UTF-8; it was read as %(encoding)s (a guess: check names with "
        "accents or Chinese characters, or save the file as UTF-8)"
    ) % {"encoding": DISPLAY_NAMES.get(encoding, encoding)}


# A run of bytes >= 0x80 in the file, and a GB2312 character: a lead byte of one of its
# defined rows (symbols A1-A9, hanzi B0-F7) and a trail byte A1-FE.
HIGH_RUN = re.compile(rb"[\x80-\xff]+")
GB2312_PAIRS = re.compile(rb"(?:[\xa1-\xa9\xb0-\xf7][\xa1-\xfe])+")


def _looks_like_gb2312(data: bytes) -> bool:
    """Is every non-ASCII byte part of a GB2312 character (the common Chinese ones)?

    charset-normalizer misreads some short Chinese text as Windows-1252 (measured in
    tests/test_text_files.py), while Windows-1252 text almost never looks like this: an accented
    letter is followed by an ASCII one ("Müller"), which no GB2312 character has as trail byte.
    """
    return all(GB2312_PAIRS.fullmatch(run[0]) for run in HIGH_RUN.finditer(data))


def read_for_command(command: BaseCommand, path: Path) -> str:
    """A file's text for a management command (the importers'): CommandError when it cannot be
    read or is not text. How it was read, when not plain UTF-8, goes to stderr as `FILE:1:`
    first, even when the import then fails: a wrong guess explains other errors."""
    try:
        decoded = decode_text_file(path.read_bytes())
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except NotTextError as exc:
        raise CommandError(f"{path}: not a text file ({exc})") from exc
    if decoded.note:
        command.stderr.write(command.style.WARNING(f"{path}:1: {decoded.note}"))
    return decoded.text
