"""The zh-hans catalogue is complete and current: every entry translated (no empty msgstr, no
fuzzy), the committed .mo says what the .po says, and every string makemessages finds in the
code and templates today is in the .po. A new string without a translation fails here: run
`make messages`, translate what it added, commit locale/."""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

from tests.conftest import missing

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
# What `make messages` reads (keep in step with the Makefile's makemessages line).
EXTENSIONS = ["html", "txt", "py"]
SKIPPED = {
    ".git", ".venv", "tests", "bench", "staticfiles", "media", "requirements", "screenshots",
    ".celery", "locale", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache",
    ".ruff_cache",
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


def key(entry: polib.POEntry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_entry_is_translated_and_not_fuzzy():
    po = catalogue()
    assert len(po) > 400
    untranslated = [e.msgid for e in po if not all(s.strip() for s in translations(e))]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert untranslated == [], "untranslated (run `make messages`, translate, commit)"
    assert fuzzy == [], "fuzzy entries (check the translation, drop the flag)"
    assert obsolete == []


def test_translations_keep_the_placeholders():
    wrong = []
    for entry in catalogue():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations(entry):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_translations_are_chinese():
    """A msgstr copied from its msgid is not a translation (codes such as "BibTeX" aside)."""
    copied = [
        e.msgid
        for e in catalogue()
        if e.msgstr == e.msgid and re.search(r"[a-z]{3}", PLACEHOLDER.sub("", e.msgid))
    ]
    assert set(copied) <= {"BibTeX", "CSL-JSON", "arXiv", "Artifact"}


def test_compiled_catalogue_matches_the_po():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected = {}
    for entry in catalogue():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            expected[(msgid, 0)] = entry.msgstr_plural[0]
        else:
            expected[msgid] = entry.msgstr
    compiled.pop("", None)  # the header
    assert compiled == expected, "locale/ .mo is stale: run `make messages` and commit it"


def _copy_sources(target: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name in SKIPPED or name.endswith((".sqlite3", ".pyc"))}

    for item in Path(settings.BASE_DIR).iterdir():
        if item.name in SKIPPED or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=ignore)
        elif item.suffix in {".py", ".html", ".txt"}:
            shutil.copy(item, target / item.name)


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """makemessages over a copy of today's sources, into an empty locale folder."""
    if shutil.which("xgettext") is None:
        # CI installs gettext (.ci/run); elsewhere `apt-get install gettext`.
        missing("REQUIRE_SERVICES", "GNU gettext (xgettext) is not installed")
    sources = tmp_path / "src"
    sources.mkdir()
    _copy_sources(sources)
    (sources / "locale").mkdir()
    settings.LOCALE_PATHS = [sources / "locale"]
    monkeypatch.chdir(sources)
    call_command("makemessages", locale=["zh_Hans"], extensions=EXTENSIONS, verbosity=0)
    fresh = polib.pofile(str(sources / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {key(entry) for entry in catalogue()}
    new = sorted(
        f"{e.msgid!r} ({', '.join(path for path, _ in e.occurrences[:2])})"
        for e in fresh
        if key(e) not in known
    )
    assert new == [], "strings missing from locale/ (run `make messages`, translate, commit)"
    stale = known - {key(entry) for entry in fresh}
    assert stale == set(), "entries no longer in the code (run `make messages`)"
