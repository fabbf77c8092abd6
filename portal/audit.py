"""One audit log for the whole portal.

Every service that changes state calls `log_action()` once per change, in the
style of pretix's `LoggedModel.log_action`: who, when, a dotted action name such
as ``members.membership.ended``, the object, and structured data. The entries
are Wagtail's own `ModelLogEntry` rows, so the admin shows them per object
(History) and site-wide (Reports › Site history), and nobody can edit them
there.

Nothing translated is stored. Each app registers its actions with a label and a
`LogFormatter` in its ``wagtail_hooks.py`` (``register_log_actions`` hook), and
screens render an entry from its action and data in the reader's language
(`entry_message()`).

An action that is not registered is refused with `ValueError`, so a typo can
never write an entry nobody can read.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

__all__ = [
    "LogFormatter", "Source", "entries_for", "entry_message", "log_action", "log_entries_save", "log_entry",
    "log_registry",
]


class Source(models.TextChoices):
    """Who caused a change, when no signed-in person did (or as well)."""

    MEMBER = "member", _("Member")
    SECRETARIAT = "secretariat", _("Secretariat")
    BODY = "body", _("Certification body")
    STRIPE = "stripe", pgettext_lazy("source of a change", "Stripe")
    SYSTEM = "system", _("System")


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Data as JSON would store it (dates as ISO strings, Decimals as strings), so
    what a formatter reads is the same before and after a round trip."""
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def log_action(
    instance: models.Model,
    action: str,
    *,
    actor=None,
    source: str = Source.SYSTEM,
    data: dict[str, Any] | None = None,
    timestamp=None,
) -> ModelLogEntry:
    """Write one audit entry for `instance`.

    `actor` is the signed-in person who made the change (or None for Stripe, the
    daily run, ...); `source` says on whose behalf; `data` holds what a reader
    needs to understand the change later (statuses, amounts, dates, a reason a
    person typed). Call it inside the transaction that makes the change, so an
    entry exists exactly when the change does.
    """
    entry = log_entry(instance, action, actor=actor, source=source, data=data, timestamp=timestamp)
    models.Model.save(entry)  # ModelLogEntry.save() would run full_clean() again, with the lookups
    return entry


def log_entry(
    instance: models.Model,
    action: str,
    *,
    actor=None,
    source: str = Source.SYSTEM,
    data: dict[str, Any] | None = None,
    timestamp=None,
) -> ModelLogEntry:
    """The entry `log_action` writes, built and checked now but not yet saved.

    For a service that makes several changes in one transaction and writes their
    entries together with `log_entries_save` (one INSERT). As
    ModelLogEntry.objects.log_action() builds it, but checked without looking up the
    content type and the user again (two queries, often inside a service's lock): both
    are objects in hand. The label is the instance as it reads now, cut to fit its column.
    """
    if not log_registry.action_exists(action):
        raise ValueError(f"Audit action {action!r} is not registered (register_log_actions hook).")
    if instance.pk is None:
        raise ValueError(f"Cannot log {action!r} for {instance!r}: it has no primary key.")
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = ModelLogEntry.objects.get_instance_title(instance)[: ModelLogEntry._meta.get_field("label").max_length]
    entry = ModelLogEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        label=label,
        action=action,
        user=user,
        data={"source": str(source), **_plain(data or {})},
        timestamp=timestamp or timezone.now(),
        object_id=str(instance.pk),
    )
    entry.full_clean(exclude=["content_type", "user", "revision"], validate_unique=False, validate_constraints=False)
    return entry


def log_entries_save(entries: list[ModelLogEntry]) -> None:
    """Write entries built by `log_entry`, in the order given, with one INSERT."""
    if entries:
        ModelLogEntry.objects.bulk_create(entries)


def entries_for(instance: models.Model):
    """The audit entries of one object, newest first, with the acting user loaded."""
    return ModelLogEntry.objects.for_instance(instance).select_related("user").order_by("-timestamp", "-id")


def entry_message(entry) -> str:
    """An entry in the active language, rendered from its action and data."""
    formatter = log_registry.get_formatter(entry)
    if formatter is None:
        return entry.action
    return str(formatter.format_message(entry))
