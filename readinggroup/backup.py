"""One archive of the whole data: `manage.py backup FILE` and `manage.py restore FILE`.

The archive is a gzipped tar holding
- `manifest.json`: format version, when, the database vendor, row counts per model;
- `data.json`: Django's dumpdata of every app, natural foreign keys (content types and
  permissions are rebuilt by `migrate`, so they are referred to by name, never by id), in
  dependency order;
- `media/...`: every file under MEDIA_ROOT (uploaded slides).

It is the database's data, not its schema: restore into a database migrated to the same code
(`manage.py migrate`), SQLite or PostgreSQL alike (a dump from one loads into the other).
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "readinggroup-backup/1"
# Rebuilt by migrate, or derived (the search index: database triggers write the papers' rows
# as papers load, the restore command re-indexes slides): never dumped, never counted as data.
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "admin.logentry",
    "sessions.session",
    "papers.searchdocument",
)


class RestoreError(Exception):
    """An archive that cannot be restored here; the message says why and what to do."""


@dataclass
class Summary:
    objects: int
    files: int


def _models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED:
            continue
        if not model._meta.managed or model._meta.proxy:
            continue
        yield model


def counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in _models()}


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup(path: Path) -> Summary:
    """Write the archive to `path` (written beside it first, then moved into place)."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        # One transaction: the dump is one consistent picture even while the site is in use.
        with transaction.atomic():
            call_command(
                "dumpdata",
                *[f"--exclude={label}" for label in EXCLUDED],
                natural_foreign=True,
                indent=None,
                output=str(data),
                verbosity=0,
            )
            table = counts()
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "counts": table,
        }
        files = _media_files()
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            raw = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
            archive.add(data, arcname="data.json")
            root = Path(settings.MEDIA_ROOT)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(root).as_posix()}")
        partial.replace(path)
    return Summary(objects=sum(table.values()), files=len(files))


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise RestoreError("Not a backup of this app: the archive has no manifest.json.")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"Unknown backup format {manifest.get('format')!r} (expected {FORMAT}).")
    return manifest


def restore(path: Path, *, force: bool = False) -> Summary:
    """Load the archive into this database and MEDIA_ROOT.

    Refuses a database that holds data unless `force`, which first empties every table
    (`manage.py flush`: users, catalogue, schedule, everything) and then loads the archive;
    files of the archive overwrite files of the same name under MEDIA_ROOT, others are kept.
    """
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise RestoreError(f"{path}: not a backup archive ({exc}).") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(archive)
        present = {label: n for label, n in counts().items() if n}
        if present and not force:
            listed = ", ".join(f"{label}: {n}" for label, n in sorted(present.items()))
            raise RestoreError(
                f"The database is not empty ({listed}). Restore into an empty, migrated database, "
                "or pass --force to delete all of its data first."
            )
        # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
        archive.extractall(tmp, filter="data")
        data = Path(tmp) / "data.json"
        if not data.is_file():
            raise RestoreError("The archive has no data.json.")
        with transaction.atomic():
            if force:
                call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
        media = Path(tmp) / "media"
        files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        root = Path(settings.MEDIA_ROOT)
        for file in files:
            target = root / file.relative_to(media)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    return Summary(objects=sum(manifest.get("counts", {}).values()), files=len(files))
