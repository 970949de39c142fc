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
