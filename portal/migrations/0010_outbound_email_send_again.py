"""The Secretariat may send a failed e-mail again (Reports › Outbox): a permission of
its own, granted through the roles (portal/roles.py). Depends on every app's latest
migration, so that `roles_sync` finds all the permissions the roles name."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0009_outbound_email_next_attempt'),
        ('members', '0016_register_certificate_facts'),
        ('knowledge', '0007_consultations'),
        ('events', '0004_paid_registrations_messages'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='outboundemail',
            options={'ordering': ['-created_at'], 'permissions': [('resend_outboundemail', 'Can send failed e-mail again')], 'verbose_name': 'outgoing e-mail', 'verbose_name_plural': 'outgoing e-mail'},
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
