"""Move the membership history (MembershipChange) onto the portal's audit log.

Each row becomes one Wagtail ModelLogEntry on its membership, with the original
time, actor, action, source, statuses, reason and data (see members/history.py).
Reasons the portal itself wrote in the reader's language at the time ("Betaling
geregistreerd: Bankoverschrijving") become causes, so they are rendered in the
reader's language from now on; reasons people typed are kept as typed.
"""

import re

from django.db import migrations

RENAMED_ACTIONS = {"members.membership.reminder_sent": "members.reminder.sent"}
# Reasons the portal generated before, in English and Dutch, and the cause each stands for.
PAYMENT_REASON = re.compile(r"^(Payment recorded|Betaling geregistreerd): (?P<method>.+)$")
CAUSES = {
    "The grace period ended without payment.": "grace_ended",
    "De respijtperiode is verstreken zonder betaling.": "grace_ended",
    "The paid period ended; the renewal is due.": "period_ended",
    "De betaalde periode is afgelopen; de verlenging moet worden betaald.": "period_ended",
}


def entry_data(change, payment_methods: dict) -> dict:
    """The audit data of one MembershipChange row."""
    data = {"source": change.source, "from_status": change.from_status, "to_status": change.to_status}
    data.update(change.data or {})
    reason = change.reason or ""
    payment_reason = PAYMENT_REASON.match(reason)
    if payment_reason:
        data["cause"] = "payment"
        data["method"] = payment_methods.get((change.data or {}).get("payment"), "bank_transfer")
    elif reason in CAUSES:
        data["cause"] = CAUSES[reason]
    elif reason:
        data["reason"] = reason
    if change.action == "members.membership.reminder_sent":
        data.setdefault("kind", "secretariat")
    return data


def copy_history_to_audit_log(apps, schema_editor):
    MembershipChange = apps.get_model("members", "MembershipChange")
    Payment = apps.get_model("members", "Payment")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not MembershipChange.objects.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(app_label="members", model="membership")
    payment_methods = dict(Payment.objects.values_list("pk", "method"))
    entries = [
        ModelLogEntry(
            content_type_id=content_type.pk,
            object_id=str(change.membership_id),
            label=change.membership.user.email,
            action=RENAMED_ACTIONS.get(change.action, change.action),
            data=entry_data(change, payment_methods),
            timestamp=change.created_at,
            user_id=change.actor_id,
        )
        for change in MembershipChange.objects.select_related("membership__user").order_by("created_at", "pk").iterator()
    ]
    ModelLogEntry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0007_certification_roles"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.RunPython(copy_history_to_audit_log, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="MembershipChange"),
    ]
