"""The organiser's conference-list import: upload, a dry-run preview, then confirm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from papers.models import Paper, Proceedings
from papers.views_import import SALT
from readinggroup.previews import sign_preview

pytestmark = pytest.mark.django_db

URL = reverse("papers:organiser_import")
LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"


def upload(client, name: str = "nsdi-2025.md", data: bytes | None = None):
    data = (LISTS / name).read_bytes() if data is None else data
    return client.post(
        URL, {"step": "preview", "file": SimpleUploadedFile(name, data, "text/markdown")}
    )


def payload_of(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


def test_preview_shows_counts_and_every_warning_and_saves_nothing(client, organiser):
    client.force_login(organiser)
    response = upload(client)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: NSDI 2025" in html and "This creates new proceedings." in html
    assert '<th scope="row">Papers</th><td>6</td>' in html
    assert "nsdi-2025.md:29</span> same DOI 10.5555/nsdi25.1 as the paper at line 27" in html
    assert "nsdi-2025.md:36</span> same arXiv id 2501.01234" in html
    assert not Paper.objects.exists() and not Proceedings.objects.exists()


def test_confirm_imports_what_the_preview_showed(client, organiser):
    client.force_login(organiser)
    payload = payload_of(upload(client))
    response = client.post(URL, {"step": "confirm", "payload": payload}, follow=True)
    assert response.redirect_chain[-1][0] == "/papers/nsdi/2025/"
    assert Paper.objects.count() == 6
    assert "NSDI 2025: proceedings created" in response.content.decode()
    # The same file again: the preview says nothing would change.
    html = upload(client).content.decode()
    assert "Nothing would change: the catalogue already holds this list." in html


def test_a_tampered_or_foreign_payload_saves_nothing(client, organiser, member):
    client.force_login(organiser)
    payload = payload_of(upload(client))
    response = client.post(URL, {"step": "confirm", "payload": payload[:-2] + "xx"})
    assert response.status_code == 400 and "could not be verified" in response.content.decode()
    someone_else = sign_preview({"text": "# X 2025\n", "filename": "x"}, member.pk, SALT)
    response = client.post(URL, {"step": "confirm", "payload": someone_else})
    assert response.status_code == 400
    assert not Paper.objects.exists()


def test_a_file_that_is_not_a_list_is_refused_with_where_and_why(client, organiser):
    client.force_login(organiser)
    response = upload(client, "notes.md", b"Just notes\n\n* eggs\n")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This file cannot be imported: notes.md:3: not a conference list" in html
    response = upload(client, "cover.md", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert "cover.md is not a text file: it is a PDF document." in (response.content.decode())
    # Not UTF-8 but not a list either: refused as a list, and how it was read is said too.
    response = upload(client, "latin.md", "# Caf\xe9 2025\n".encode("latin-1"))
    html = response.content.decode()
    assert "This file cannot be imported: latin.md:1: not a conference list" in html
    assert "latin.md:1: the file is not UTF-8; it was read as Windows-1252" in html
    assert not Proceedings.objects.exists()


def test_pasted_markdown_works_too(client, organiser):
    client.force_login(organiser)
    text = (LISTS / "cais-2026.md").read_text(encoding="utf-8")
    response = client.post(URL, {"step": "preview", "text": text})
    assert "Preview: CAIS 2026" in response.content.decode()
    assert "None: every line was understood." in response.content.decode()


def test_the_organiser_page_links_to_it(client, organiser):
    client.force_login(organiser)
    html = client.get(reverse("schedule:organiser_terms")).content.decode()
    assert f'href="{URL}">Import a conference list</a>' in html
