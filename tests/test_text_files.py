"""readinggroup/text_files.py: how a file's bytes become text, on files encoded for real.

The guesses are checked on the community's kind of file: markdown that is mostly ASCII, with
a few names ("Müller", "Łukasz", "张伟") that decide the encoding, in short and long lists.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from readinggroup.text_files import NotTextError, decode_text_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NSDI = (FIXTURES / "lists" / "nsdi-2025.md").read_text(encoding="utf-8")
# The seed list is 12 KB of ASCII but for its arrows: a name far down is all that tells.
SOSP = (FIXTURES / "sosp-2025.md").read_text(encoding="utf-8").replace("→", "->")
SHORT = "# SOSP 2025\n\n## Papers\n\n### Storage\n\n* Fast things\n    * {names}\n"

CHINESE = {
    "short, one name": SHORT.format(names="张伟"),
    "short, names and a university": SHORT.format(names="张伟, 李娜 (清华大学)"),
    "short, mixed names": SHORT.format(names="Jörg Müller, Łukasz Wąs, 张伟"),
    "list with Chinese affiliations": NSDI.replace("MIT", "清华大学").replace("CMU", "北京大学"),
    "long list, one name far down": SOSP.replace("Yale", "Yale, 张伟"),
    "long list, mixed names": SOSP.replace("Yale", "Yale, 张伟, Müller"),
}
WESTERN = {
    "a title": "# Café 2025\n",
    "short, German names": SHORT.format(names="Jörg Müller (ETH Zürich)"),
    "short, French names": SHORT.format(names="Hélène Dupré, François Lefèvre"),
    "list with accented affiliations": NSDI.replace("MIT", "ETH Zürich").replace(
        "CMU", "Universität Wien, José Müller"
    ),
    "long list, one name far down": SOSP.replace("Yale", "Yale, Müller"),
}


# Every text as GB18030, and as GBK where GBK can hold it (it has no "Ł": a Chinese Windows
# could not have saved those files in it).
CHINESE_FILES = [
    pytest.param(text, encoding, id=f"{name}-{encoding}")
    for name, text in CHINESE.items()
    for encoding in ("gb18030", "gbk")
    if encoding == "gb18030" or "Ł" not in text
]


@pytest.mark.parametrize(("text", "encoding"), CHINESE_FILES)
def test_chinese_windows_files_are_read_as_gb18030(text, encoding):
    decoded = decode_text_file(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == "gb18030"  # a superset of GBK: reads both
    assert decoded.note == (
        "the file is not UTF-8; it was read as GB18030 (a guess: check names with accents or "
        "Chinese characters, or save the file as UTF-8)"
    )


@pytest.mark.parametrize("text", WESTERN.values(), ids=WESTERN.keys())
def test_western_windows_files_are_read_as_windows_1252(text):
    decoded = decode_text_file(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.encoding == "cp1252"
    assert "it was read as Windows-1252 (a guess" in decoded.note


def test_utf8_is_read_without_a_note_with_or_without_a_byte_order_mark():
    text = SHORT.format(names="Müller, Łukasz, 张伟 🙋")
    assert decode_text_file(text.encode("utf-8")) == decode_text_file(
        codecs.BOM_UTF8 + text.encode("utf-8")
    )
    decoded = decode_text_file(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.note) == (text, "utf-8", None)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16 LE"),  # Python writes the mark, little-endian, as Notepad does
        ("utf-16-be", "UTF-16 BE"),
        ("utf-32", "UTF-32 LE"),
    ],
)
def test_a_byte_order_mark_decides(encoding, name):
    text = SHORT.format(names="Müller, Łukasz, 张伟")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    decoded = decode_text_file(data)
    assert decoded.text == text
    assert decoded.note == f"the file is {name}, not UTF-8; it was read as {name}"


@pytest.mark.parametrize(("encoding", "name"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_utf16_without_a_byte_order_mark_is_recognised_by_its_nul_bytes(encoding, name):
    text = SHORT.format(names="Müller, Łukasz, 张伟")
    decoded = decode_text_file(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.note.startswith(f"the file is not UTF-8; it was read as UTF-16 {name} (it ")


def test_bytes_no_candidate_defines_are_replaced_and_counted_not_silently():
    # 0x81 is undefined in Windows-1252, and not followed by a GB18030 trail byte.
    decoded = decode_text_file(b"# X 2025\n\x81\nCaf\xe9\n\x81\n")
    assert decoded.text.count("\ufffd") == 2
    assert "and 2 bytes that it does not define became the replacement character" in decoded.note
    decoded = decode_text_file(b"# X 2025\n\x81\n")
    assert "and 1 byte that it does not define" in decoded.note


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it is a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "it is a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "it is a ZIP archive (or a Word/Excel file)"),
        (b"# SOSP 2025\n\x00\x01\x02\x03\xff\xfe", "it holds NUL bytes, which text files do not"),
        (b"# SOSP 2025\n\x00", "it holds NUL bytes, which text files do not"),  # UTF-8 but NUL
    ],
)
def test_what_is_not_text_is_refused_with_why(data, reason):
    with pytest.raises(NotTextError) as caught:
        decode_text_file(data)
    assert str(caught.value) == reason


def test_a_byte_order_mark_followed_by_something_else_is_refused():
    with pytest.raises(NotTextError, match="UTF-8 byte-order mark but is not UTF-8 text"):
        decode_text_file(codecs.BOM_UTF8 + "Café".encode("cp1252"))
