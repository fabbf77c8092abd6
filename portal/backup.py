"""Backup and restore of the database and the uploaded files (`manage.py backup`,
`manage.py restore`).

One archive (.tar.gz) holds:

- ``data.json``: every row, serialised by Django (natural keys for content types
  and permissions, so it loads into any freshly migrated database, SQLite or
  PostgreSQL alike);
- ``media/`` and ``private/``: the files under MEDIA_ROOT (images, documents,
  register photos) and PRIVATE_MEDIA_ROOT (evidence);
- ``manifest.json``: the row count of every table and the sha256 of every file.

With S3-compatible storage (S3_BUCKET, S3_PRIVATE_BUCKET) the files are not on this
machine and the archive holds the database only: the buckets are backed up where they
live (versioning, replication or a copy with the provider's tools; see the README),
and the manifest names them. Restoring such an archive leaves the buckets alone; an
archive with files cannot be restored into buckets (copy its folders there first).

Restoring goes into an empty, migrated database: the rows are loaded in one
transaction, then every count and every file's hash is compared with the
manifest; any difference fails the restore (and rolls the rows back).

Left out, because they are rebuilt or are only in flight: content types and
permissions (migrations make them), sessions, the search index (run
``manage.py update_index`` afterwards), and queued or finished task records.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

EXCLUDED_APPS = {"contenttypes", "sessions", "wagtailsearch", "modelsearch"}
EXCLUDED_MODELS = {"auth.Permission", "django_q.OrmQ", "django_q.Task", "django_q.Success", "django_q.Failure"}
FILE_ROOTS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
FORMAT = 1


class BackupError(Exception):
    pass


def backed_up_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label not in EXCLUDED_MODELS
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in backed_up_models()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _storage_for(prefix: str):
    from django.core.files.storage import storages

    return storages["default" if prefix == "media" else "private"]


def local_file_roots() -> dict[str, Path]:
    """The file folders this machine holds: {} when the uploads are in buckets."""
    from portal.storage import storage_is_local

    return {
        prefix: Path(getattr(settings, setting))
        for prefix, setting in FILE_ROOTS.items()
        if storage_is_local(_storage_for(prefix))
    }


def remote_file_stores() -> dict[str, str]:
    """The uploads kept elsewhere (a bucket), by archive folder: what a backup leaves out."""
    stores = {}
    for prefix in FILE_ROOTS:
        storage = _storage_for(prefix)
        if prefix not in local_file_roots():
            stores[prefix] = f"s3://{getattr(storage, 'bucket_name', '?')}"
    return stores


def _files(root: Path):
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


def backup_create(*, target: Path) -> dict:
    """Write the archive to `target` (a file name; written under a temporary name and
    moved into place, so a crash never leaves a half archive). Returns the manifest."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    labels = [model._meta.label for model in backed_up_models()]
    with transaction.atomic():  # one consistent view of the rows and their counts
        data = io.StringIO()
        call_command(
            "dumpdata", *labels, format="json", natural_foreign=True, stdout=data, verbosity=0,
        )
        counts = row_counts()
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "counts": counts, "files": {},
        "files_elsewhere": remote_file_stores(),
    }
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    try:
        with tarfile.open(partial, "w:gz") as archive:
            payload = data.getvalue().encode()
            _add_bytes(archive, "data.json", payload)
            for prefix, root in local_file_roots().items():
                for path in _files(root):
                    name = f"{prefix}/{path.relative_to(root).as_posix()}"
                    manifest["files"][name] = _sha256(path)
                    archive.add(path, arcname=name, recursive=False)
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode())
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(payload))


def database_is_empty() -> bool:
    """No rows a person or editor made: what migrations create alone (roles, the root
    page, the default site, locales) does not count."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Page = apps.get_model("wagtailcore", "Page")
    return not User.objects.exists() and Page.objects.filter(depth__gt=2).count() == 0


def backup_restore(*, source: Path, force: bool = False) -> dict:
    """Load the archive into this (migrated, empty) database and its file folders, and
    check every count and file against the manifest. Returns the manifest."""
    source = Path(source)
    if not force and not database_is_empty():
        raise BackupError("The database is not empty: restore into a freshly migrated database (or pass --force).")
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        # Files first, next to their places and checked against the manifest; they are
        # moved into place only once the rows are in, so a failure leaves neither.
        staged = _stage_files(archive, manifest, force=force)
        try:
            with tempfile.TemporaryDirectory() as work:
                data_path = Path(work) / "data.json"
                data_path.write_bytes(archive.extractfile("data.json").read())
                with transaction.atomic():
                    # What migrations made (roles, the root page, the default site) gives way to the
                    # backup's rows; content types and permissions are made again (post_migrate).
                    call_command("flush", interactive=False, verbosity=0)
                    call_command("loaddata", str(data_path), verbosity=0)
                    found = row_counts()
                    differences = {
                        label: (expected, found.get(label))
                        for label, expected in manifest["counts"].items()
                        if found.get(label) != expected
                    }
                    if differences:
                        raise BackupError(f"Row counts differ after loading (expected, found): {differences}")
        except BaseException:
            for partial, _destination in staged:
                partial.unlink(missing_ok=True)
            raise
        for partial, destination in staged:
            os.replace(partial, destination)
    return manifest


def _stage_files(archive: tarfile.TarFile, manifest: dict, *, force: bool) -> list[tuple[Path, Path]]:
    """Extract every file to a temporary name beside its place and check its hash."""
    roots = {prefix: root.resolve() for prefix, root in local_file_roots().items()}
    elsewhere = sorted({name.partition("/")[0] for name in manifest["files"]} - set(roots))
    if elsewhere:
        raise BackupError(
            f"The archive holds files for {', '.join(elsewhere)}, which this portal keeps in a bucket: "
            "copy them there with the provider's tools, or restore with the buckets unset."
        )
    staged: list[tuple[Path, Path]] = []
    try:
        for name, digest in manifest["files"].items():
            prefix, _, relative = name.partition("/")
            destination = (roots[prefix] / relative).resolve()
            if roots[prefix] not in destination.parents:
                raise BackupError(f"Refusing a file outside its folder: {name}")
            if destination.exists() and _sha256(destination) != digest and not force:
                raise BackupError(f"{destination} exists with other content (pass --force to overwrite).")
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{destination.name}.partial")
            staged.append((partial, destination))
            with archive.extractfile(name) as member, partial.open("wb") as out:
                for chunk in iter(lambda: member.read(1 << 16), b""):
                    out.write(chunk)
            if _sha256(partial) != digest:
                raise BackupError(f"{name} does not match its hash in the manifest.")
    except BaseException:
        for partial, _destination in staged:
            partial.unlink(missing_ok=True)
        raise
    return staged
