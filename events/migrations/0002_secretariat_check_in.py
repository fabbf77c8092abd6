"""Let the Secretariat see attendee lists and the waiting list and check attendees in
(portal/roles.py lists the permissions; this brings the database in line)."""

from django.db import migrations


def sync(apps, schema_editor):
    from portal.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_event_pages_registrations"),
        ("knowledge", "0003_pe_secretariat_permissions"),
        ("members", "0012_register_profile"),
        ("portal", "0006_outboundemail_requeue"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
