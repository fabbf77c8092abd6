"""Let the Secretariat see attendee lists and the waiting list and check attendees in
(portal/roles.py lists the permissions; this brings the database in line)."""

from django.db import migrations


def sync(apps, schema_editor):
    from portal.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_event_pages_registrations"),
        ("members", "0004_receipt_sequence"),
        ("portal", "0004_members_only_iban"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
