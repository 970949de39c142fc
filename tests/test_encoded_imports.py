"""Conference lists and READMEs saved in another encoding than UTF-8 import as their UTF-8
originals do, with a FILE:1 warning saying how the file was read; binary files are refused.

The fixtures are the project's own list and README with names in each encoding's script,
encoded here as Notepad would save them.
"""

from __future__ import annotations

import codecs
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from papers.models import Paper, Proceedings
from sessions.models import Person, Session, Term
from tests.papers.test_catalogue_import import catalogue
from tests.schedule.test_readme_import import db_table

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = (FIXTURES / "sosp-2025.md").read_text(encoding="utf-8")
README = (FIXTURES / "schedule-2025-fall.md").read_text(encoding="utf-8")
LIST_URL = reverse("papers:organiser_import")
README_URL = reverse("schedule:organiser_import")

GUESSED = "the file is not UTF-8; it was read as {} (a guess: check names with accents or Chinese"

# A name per script in the seed list: Chinese where GB18030 is tried, accents for Windows-1252
# (which has no arrows: the seed's "→" becomes "->" there).
CHINESE_LIST = SEED.replace("Yale", "Yale, 清华大学 (张伟, Jörg Müller, Łukasz Wąs)")
WESTERN_LIST = SEED.replace("→", "->").replace("Yale", "Yale, ETH Zürich (Jörg Müller, Françoise)")


def _bom(codec: str, mark: bytes):
    return lambda text: mark + text.encode(codec)


LISTS = {
    # id: (the UTF-8 original, its bytes in the other encoding, the note's start or None)
    "gb18030": (CHINESE_LIST, CHINESE_LIST.encode("gb18030"), GUESSED.format("GB18030")),
    "cp1252": (WESTERN_LIST, WESTERN_LIST.encode("cp1252"), GUESSED.format("Windows-1252")),
    "utf-16-le-bom": (
        CHINESE_LIST,
        _bom("utf-16-le", codecs.BOM_UTF16_LE)(CHINESE_LIST),
        "the file is UTF-16 LE, not UTF-8; it was read as UTF-16 LE",
    ),
    "utf-16-le-no-bom": (
        CHINESE_LIST,
        CHINESE_LIST.encode("utf-16-le"),
        "the file is not UTF-8; it was read as UTF-16 LE (it has no byte-order mark",
    ),
    "utf-8-bom": (CHINESE_LIST, _bom("utf-8", codecs.BOM_UTF8)(CHINESE_LIST), None),
}


def _import_command(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_papers", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("original", "data", "note"), LISTS.values(), ids=LISTS.keys())
def test_a_list_in_another_encoding_imports_as_its_utf8_original(tmp_path, original, data, note):
    encoded = tmp_path / "list.md"
    encoded.write_bytes(data)
    out, err = _import_command(encoded)
    assert "SOSP 2025: proceedings created" in out
    if note is None:
        assert ":1: the file" not in err
    else:
        assert err.splitlines()[0].startswith(f"{encoded}:1: {note}")
    imported = catalogue()
    affiliations = Paper.objects.get(title__startswith="Pie:").affiliations
    assert affiliations == re.search(r"Yale[^\n]*", original)[0]
    # The UTF-8 original on top of it changes nothing: the catalogues are the same.
    utf8 = tmp_path / "utf8.md"
    utf8.write_text(original, encoding="utf-8")
    out, err = _import_command(utf8)
    assert "papers: 0 created, 0 updated, 29 unchanged" in out
    assert catalogue() == imported


def _upload(client, url: str, name: str, data: bytes, **fields):
    file = SimpleUploadedFile(name, data, "text/markdown")
    return client.post(url, {"step": "preview", "file": file, **fields})


def _payload(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.parametrize(("original", "data", "note"), LISTS.values(), ids=LISTS.keys())
def test_the_browser_preview_says_how_the_list_was_read_and_confirm_imports_it(
    client, organiser, original, data, note
):
    client.force_login(organiser)
    response = _upload(client, LIST_URL, "sosp.md", data)
    html = response.content.decode()
    assert response.status_code == 200 and "Preview: SOSP 2025" in html
    if note is None:
        assert "sosp.md:1</span> the file" not in html
    else:
        assert f"sosp.md:1</span> {note}" in html
    assert not Paper.objects.exists()
    response = client.post(LIST_URL, {"step": "confirm", "payload": _payload(response)})
    assert response.status_code == 302
    imported = catalogue()
    # The original, previewed after: nothing would change, so the same catalogue was written.
    again = _upload(client, LIST_URL, "utf8.md", original.encode("utf-8")).content.decode()
    assert "Nothing would change: the catalogue already holds this list." in again
    assert "utf8.md:1</span> the file" not in again
    assert catalogue() == imported


# The README's emoji have no place in GBK or Windows-1252 (Notepad would drop them), and the
# reader does not need them: the originals are the README without them, with names added.
def _without_unencodable(text: str, encoding: str) -> str:
    return text.encode(encoding, errors="ignore").decode(encoding)


READMES = {
    "gbk": (
        _without_unencodable(README, "gbk")
        .replace("Qingyuan Chen", "陈清源")
        .replace("Bosen Yang", "杨博森 (清华大学)"),
        "gbk",
        "GB18030",
    ),
    "cp1252": (
        _without_unencodable(README, "cp1252")
        .replace("Qingyuan Chen", "Jörg Müller")
        .replace("Bosen Yang", "François Dupré (ETH Zürich)"),
        "cp1252",
        "Windows-1252",
    ),
}


@pytest.mark.parametrize(("original", "encoding", "name"), READMES.values(), ids=READMES.keys())
def test_a_readme_in_a_windows_code_page_imports_as_its_utf8_original(
    tmp_path, original, encoding, name
):
    encoded = tmp_path / "README.md"
    encoded.write_bytes(original.encode(encoding))
    err = StringIO()
    call_command("import_schedule", encoded, stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines()[0].startswith(f"{encoded}:1: {GUESSED.format(name)}")
    imported = db_table()
    assert Person.objects.filter(name__in=["陈清源", "Jörg Müller"]).exists()
    utf8 = tmp_path / "utf8.md"
    utf8.write_text(original, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_schedule", utf8, stdout=out, stderr=err)
    assert ":1: the file" not in err.getvalue()
    for kind in ("sessions", "talks", "people", "presenters"):
        assert re.search(rf"{kind}\s+0 created, 0 updated, \d+ unchanged", out.getvalue())
    assert db_table() == imported


@pytest.mark.parametrize(("original", "encoding", "name"), READMES.values(), ids=READMES.keys())
def test_the_readme_preview_says_how_it_was_read_and_confirm_imports_it(
    client, organiser, original, encoding, name
):
    client.force_login(organiser)
    fields = {"term_name": "", "base_url": ""}
    response = _upload(client, README_URL, "README.md", original.encode(encoding), **fields)
    html = response.content.decode()
    assert "Preview: 2025 Fall" in html
    assert f"README.md:1</span> {GUESSED.format(name)}" in html
    assert not Session.objects.exists()
    response = client.post(README_URL, {"step": "confirm", "payload": _payload(response)})
    assert response.status_code == 302
    imported = db_table()
    again = _upload(client, README_URL, "utf8.md", original.encode("utf-8"), **fields)
    assert "Nothing to change: the database already says what this file says." in (
        again.content.decode()
    )
    assert db_table() == imported


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


@pytest.mark.parametrize("command", ["import_papers", "import_schedule"])
def test_the_commands_refuse_a_binary_file_and_write_nothing(tmp_path, command):
    path = tmp_path / "cover.md"
    path.write_bytes(PNG)
    with pytest.raises(CommandError, match=r"cover\.md: not a text file \(it is a PNG image"):
        call_command(command, path, stdout=StringIO(), stderr=StringIO())
    assert not Proceedings.objects.exists() and not Term.objects.exists()


@pytest.mark.parametrize(("url", "fields"), [(LIST_URL, {}), (README_URL, {"term_name": ""})])
def test_the_uploads_refuse_a_binary_file_and_write_nothing(client, organiser, url, fields):
    client.force_login(organiser)
    response = _upload(client, url, "cover.md", PNG, **fields)
    html = response.content.decode()
    assert "cover.md is not a text file: it is a PNG image." in html
    assert 'name="payload"' not in html
    assert not Proceedings.objects.exists() and not Term.objects.exists()
