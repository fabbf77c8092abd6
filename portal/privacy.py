"""A person's rights over their data (GDPR/AVG): access, erasure, and retention.

Each app knows its own personal data, so each contributes a `PersonalData` part
from its own ``<app>/privacy.py`` (found like ``wagtail_hooks``: every installed
app's ``privacy`` module is imported once, on first use). The portal never imports
an app's internals, and `members` never imports `events` or `knowledge`:

    # events/privacy.py
    from portal import privacy

    privacy.register(privacy.PersonalData(
        name="events", order=50, export=..., erase=..., erase_blockers=..., retention=...,
    ))

- ``export(user) -> Export``: the part as JSON-able data plus files, for the ZIP
  a member downloads from the member area (`personal_data_export`);
- ``erase_blockers(user) -> list[str]``: why erasure cannot happen yet (a running
  membership, an open application), in words for the member;
- ``erase(user) -> dict``: delete or anonymise the part, inside the transaction of
  `personal_data_erase`; returns counts for the audit entry. Records the
  certification body must keep (decisions, certificate numbers and their history)
  are kept, linked to the anonymised account (see docs/privacy.md);
- ``retention(today) -> dict``: the daily run (`retention_apply`) deletes what
  has outlived its period (settings ``PRIVACY_*``), and returns counts.

Parts run in `order`; the account itself (members, order 100) is erased last.
Every export and erasure writes an audit entry on the person's account.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from portal.audit import Source, log_action
from portal.exceptions import DomainError


@dataclass(frozen=True)
class ExportFile:
    """A file for the ZIP: its path inside the ZIP and how to open it (binary)."""

    path: str
    open: Callable[[], Any]


@dataclass
class Export:
    data: Any
    files: list[ExportFile] = field(default_factory=list)


@dataclass(frozen=True)
class PersonalData:
    name: str
    order: int = 50
    export: Callable[[Any], Export] | None = None
    erase: Callable[[Any], dict] | None = None
    erase_blockers: Callable[[Any], list[str]] | None = None
    retention: Callable[[date], dict] | None = None


_parts: dict[str, PersonalData] = {}
_discovered = False


def register(part: PersonalData) -> PersonalData:
    """Add one app's part (called at import of that app's ``privacy`` module)."""
    _parts[part.name] = part
    return part


def parts() -> list[PersonalData]:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("privacy")
    return sorted(_parts.values(), key=lambda part: (part.order, part.name))


# --- Access: the ZIP ---------------------------------------------------------------------------


def _json(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=False).encode()


def personal_data_export(*, user, actor=None) -> bytes:
    """All personal data the portal holds about `user`, as a ZIP: one JSON file per
    part (`<part>.json`) and the files (photo, evidence) under `files/`; an entry in
    the audit log records who downloaded it."""
    buffer = io.BytesIO()
    manifest = {"person": user.pk, "created_at": timezone.now(), "parts": []}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in parts():
            if part.export is None:
                continue
            exported = part.export(user)
            archive.writestr(f"{part.name}.json", _json(exported.data))
            written = []
            for item in exported.files:
                path = f"files/{part.name}/{item.path}"
                try:
                    with item.open() as handle:
                        archive.writestr(path, handle.read())
                except FileNotFoundError:
                    continue  # listed in the JSON; the file itself is gone (retention)
                written.append(path)
            manifest["parts"].append({"name": part.name, "file": f"{part.name}.json", "files": written})
        archive.writestr("manifest.json", _json(manifest))
    with transaction.atomic():
        log_action(
            user,
            "portal.personal_data.exported",
            actor=actor,
            source=Source.MEMBER if actor is not None and actor.pk == user.pk else Source.SECRETARIAT,
            data={"parts": [part["name"] for part in manifest["parts"]], "bytes": buffer.tell()},
        )
    return buffer.getvalue()


# --- Erasure -----------------------------------------------------------------------------------


def erase_blockers(*, user) -> list[str]:
    """What must happen before `user`'s data can be erased (empty: it can be now)."""
    reasons: list[str] = []
    for part in parts():
        if part.erase_blockers is not None:
            reasons.extend(part.erase_blockers(user))
    return reasons


def personal_data_erase(*, user, actor=None, source: str = Source.MEMBER, reason: str = "request") -> dict[str, dict]:
    """Erase `user`'s personal data: every part deletes or anonymises its own, in one
    transaction, and the account becomes an anonymous, inactive row that the kept
    records (payments, decisions, certificates) still point at.

    Raises `DomainError` when something must happen first (see `erase_blockers`).
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        blockers = erase_blockers(user=user)
        if blockers:
            raise DomainError(" ".join(blockers))
        summary = {}
        for part in parts():
            if part.erase is not None:
                summary[part.name] = part.erase(user)
        user.refresh_from_db()
        log_action(
            user,
            "portal.personal_data.erased",
            actor=actor if actor is not None and actor.pk != user.pk else None,
            source=source,
            data={"reason": reason, "parts": summary},
        )
    return summary


# --- Retention ---------------------------------------------------------------------------------


def retention_apply(*, today: date | None = None) -> dict[str, dict]:
    """The daily run: each part deletes what has outlived its retention period."""
    today = today or timezone.localdate()
    return {part.name: part.retention(today) for part in parts() if part.retention is not None}


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def files_delete_on_commit(storage, names: Iterable[str]) -> None:
    """Delete stored files once the rows that named them are gone for good: after the
    transaction commits, so that a rollback loses no file. A file already gone is no
    error (a run repeated after a crash)."""
    names = [name for name in names if name]

    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def record(instance, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A model row as JSON-able data: concrete fields by name (a relation as its id,
    a choice with its label, a file as its stored name)."""
    skip = set(exclude)
    data: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in skip:
            continue
        value = getattr(instance, model_field.attname)
        if hasattr(value, "name") and not isinstance(value, str):  # a FieldFile
            value = value.name or ""
        data[model_field.name] = value
        if model_field.choices and value not in (None, ""):
            data[f"{model_field.name}_label"] = str(getattr(instance, f"get_{model_field.name}_display")())
    return data


def stored_file(field_file) -> Callable[[], Any]:
    """Open a stored file for the ZIP, wherever its storage keeps it."""
    storage, name = field_file.storage, field_file.name
    return lambda: storage.open(name, "rb")
