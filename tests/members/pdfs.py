"""Test PDFs made with pypdf itself: blank, with text, encrypted, broken."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=720, height=405)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(*lines: str) -> bytes:
    """One page per line, each drawing the line in Helvetica with a minimal content stream."""
    writer = PdfWriter()
    for line in lines:
        page = writer.add_blank_page(width=720, height=405)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 24 Tf 72 300 Td ({escaped}) Tj ET".encode("latin-1"))
        page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=720, height=405)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    """Starts like a PDF, then the file was cut off in the middle."""
    good = text_pdf("This deck was truncated")
    return good[: len(good) // 3]


def shared_stream_pdf(pages: int = 10_000, operations: int = 2_000) -> bytes:
    """A crafted deck (issue 12): `pages` pages that all draw one content stream of
    `operations` text operations. Small on disk (the stream is stored once, compressed), but
    reading its text means decoding and interpreting that stream once per page."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = writer._add_object(
        DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    )
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 1 Tf " + b"1 0 Td (x) Tj " * operations + b"ET")
    shared = writer._add_object(stream.flate_encode())
    for _ in range(pages):
        page = writer.add_blank_page(width=720, height=405)
        page[NameObject("/Resources")] = resources
        page[NameObject("/Contents")] = shared
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_streams_pdf(pages: int = 200, operations: int = 2_000) -> bytes:
    """`pages` pages, each with a content stream of its own of `operations` text operations:
    every page's text has to be read, so its extraction takes seconds (a slow honest deck)."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = writer._add_object(
        DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    )
    for number in range(pages):
        page = writer.add_blank_page(width=720, height=405)
        page[NameObject("/Resources")] = resources
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 1 Tf " + f"1 0 Td (p{number}) Tj ".encode() * operations + b"ET")
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
