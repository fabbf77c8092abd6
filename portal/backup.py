"""Backup and restore of the database and the uploaded files (`manage.py backup`,
`manage.py restore`).

One archive (.tar.gz) holds:

- ``data.json``: every row, serialised by Django (natural keys for content types
  and permissions, so it loads into any freshly migrated database, SQLite or
  PostgreSQL alike);
- ``media/`` and ``private/``: the files under MEDIA_ROOT (images, documents,
  register photos) and PRIVATE_MEDIA_ROOT (evidence);
- ``manifest.json``: the row count of every table, the sha256 of every file, and
  where the files came from.

The files are read through Django's storages, so with S3-compatible storage
(S3_BUCKET, S3_PRIVATE_BUCKET) the archive holds the buckets' files as well, and a
restore writes them back into the buckets (or, with the buckets unset, into the
folders: an archive moves between the two layouts). `backup --database-only` leaves
the files out and names where they live, for buckets backed up by the provider
(versioning, replication).

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


def _digest(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _digest(handle)


def _storage_for(prefix: str):
    from django.core.files.storage import storages

    return storages["default" if prefix == "media" else "private"]


def _is_local(prefix: str) -> bool:
    from portal.storage import storage_is_local

    return storage_is_local(_storage_for(prefix))


def local_file_roots() -> dict[str, Path]:
    """The file folders this machine holds: {} when the uploads are in buckets."""
    return {prefix: Path(getattr(settings, setting)) for prefix, setting in FILE_ROOTS.items() if _is_local(prefix)}


def file_stores() -> dict[str, str]:
    """Where each archive folder's files live: a folder on this machine or a bucket."""
    return {
        prefix: str(getattr(settings, setting)) if _is_local(prefix)
        else f"s3://{getattr(_storage_for(prefix), 'bucket_name', '?')}"
        for prefix, setting in FILE_ROOTS.items()
    }


def stored_names(storage, folder: str = ""):
    """Every file name in `storage`, through the storage's own listing (a folder or a bucket)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder not made yet: no uploads
        return
    for name in sorted(files):
        if not name.endswith(".partial"):
            yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


class _Hashing(io.RawIOBase):
    """Reads through to a file and hashes what passes (so a bucket's file is read once)."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def backup_create(*, target: Path, database_only: bool = False) -> dict:
    """Write the archive to `target` (a file name; written under a temporary name and
    moved into place, so a crash never leaves a half archive). Returns the manifest.

    The files are read through the storages, from this machine's folders or from the
    buckets alike; with `database_only` they are left out and the manifest names where
    they live (`files_elsewhere`)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    labels = [model._meta.label for model in backed_up_models()]
    with transaction.atomic():  # one consistent view of the rows and their counts
        data = io.StringIO()
        call_command(
            "dumpdata", *labels, format="json", natural_foreign=True, stdout=data, verbosity=0,
        )
        counts = row_counts()
    stores = file_stores()
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "counts": counts, "files": {},
        "stores": stores, "files_elsewhere": stores if database_only else {},
    }
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    try:
        with tarfile.open(partial, "w:gz") as archive:
            payload = data.getvalue().encode()
            _add_bytes(archive, "data.json", payload)
            for prefix in () if database_only else FILE_ROOTS:
                storage = _storage_for(prefix)
                for stored in stored_names(storage):
                    info = tarfile.TarInfo(f"{prefix}/{stored}")
                    info.size = storage.size(stored)
                    info.mtime = int(timezone.now().timestamp())
                    with storage.open(stored, "rb") as handle:
                        reader = _Hashing(handle)
                        archive.addfile(info, reader)
                    manifest["files"][info.name] = reader.digest.hexdigest()
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
    """Load the archive into this (migrated, empty) database and its file stores (folders or
    buckets), and check every count and file against the manifest. Returns the manifest."""
    source = Path(source)
    if not force and not database_is_empty():
        raise BackupError("The database is not empty: restore into a freshly migrated database (or pass --force).")
    with tarfile.open(source, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        # Files first, each checked against the manifest: beside its place in a folder, in
        # `work` for a bucket. They reach their places only once the rows are in, so a
        # failure leaves neither rows nor files.
        staged = _stage_files(archive, manifest, force=force, work=Path(work))
        uploaded: list[tuple] = []
        try:
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
                # Into the buckets while the rows can still roll back.
                for item in staged:
                    if item.storage is not None:
                        _upload(item, uploaded)
        except BaseException:
            for item in staged:
                item.partial.unlink(missing_ok=True)
            for storage, name in uploaded:
                storage.delete(name)
            raise
        for item in staged:
            if item.storage is None:
                os.replace(item.partial, item.destination)
    return manifest


class _Staged:
    """One file of the archive, extracted and checked: into `destination` (a folder on this
    machine) or, with `storage`, into a bucket under `name`. In a bucket, `present` says the
    same file is there already, `replace` that another one is and --force replaces it."""

    def __init__(self, partial: Path, *, destination: Path | None = None, storage=None, name: str = "",
                 present: bool = False, replace: bool = False):
        self.partial, self.destination, self.storage, self.name = partial, destination, storage, name
        self.present, self.replace = present, replace


def _upload(item: _Staged, uploaded: list) -> None:
    """Write a staged file into its bucket under exactly its name (the settings' buckets give a
    second upload of a name a name of its own, so what is in the way goes first)."""
    from django.core.files import File

    if item.present:
        return
    if item.replace:
        item.storage.delete(item.name)
    with item.partial.open("rb") as handle:
        saved = item.storage.save(item.name, File(handle, name=item.name))
    uploaded.append((item.storage, saved))
    if saved != item.name:
        raise BackupError(f"The bucket stored {item.name} as {saved}; another upload took the name meanwhile.")


def _stored_sha256(storage, name: str) -> str:
    with storage.open(name, "rb") as handle:
        return _digest(handle)


def _stage_files(archive: tarfile.TarFile, manifest: dict, *, force: bool, work: Path) -> list[_Staged]:
    """Extract every file to a temporary name and check its hash (and that it does not
    replace a different file already in its place, unless `force`)."""
    roots = {prefix: root.resolve() for prefix, root in local_file_roots().items()}
    staged: list[_Staged] = []
    try:
        for number, (name, digest) in enumerate(manifest["files"].items()):
            prefix, _, relative = name.partition("/")
            if prefix not in FILE_ROOTS or not relative:
                raise BackupError(f"Refusing a file outside the archive's folders: {name}")
            if prefix in roots:
                destination = (roots[prefix] / relative).resolve()
                if roots[prefix] not in destination.parents:
                    raise BackupError(f"Refusing a file outside its folder: {name}")
                if destination.exists() and _sha256(destination) != digest and not force:
                    raise BackupError(f"{destination} exists with other content (pass --force to overwrite).")
                destination.parent.mkdir(parents=True, exist_ok=True)
                item = _Staged(destination.with_name(f".{destination.name}.partial"), destination=destination)
            else:
                if ".." in relative.split("/"):
                    raise BackupError(f"Refusing a file outside its folder: {name}")
                storage = _storage_for(prefix)
                same = other = False
                if storage.exists(relative):
                    same = _stored_sha256(storage, relative) == digest
                    other = not same
                if other and not force:
                    raise BackupError(f"{name} exists in the bucket with other content (pass --force to overwrite).")
                item = _Staged(work / f"file-{number}", storage=storage, name=relative, present=same, replace=other)
            staged.append(item)
            with archive.extractfile(name) as member, item.partial.open("wb") as out:
                for chunk in iter(lambda: member.read(1 << 16), b""):
                    out.write(chunk)
            if _sha256(item.partial) != digest:
                raise BackupError(f"{name} does not match its hash in the manifest.")
    except BaseException:
        for item in staged:
            item.partial.unlink(missing_ok=True)
        raise
    return staged
