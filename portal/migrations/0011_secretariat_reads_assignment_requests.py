"""The Secretariat reads the register's assignment requests (Members › Assignment
requests): `members.view_assignmentrequest`, granted through the roles (portal/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0010_outbound_email_send_again'),
    ]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
