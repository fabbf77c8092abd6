"""Grant the certification permissions to the roles (portal/roles.py lists them)."""

from django.db import migrations


def sync(apps, schema_editor):
    from portal.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_certification"),
        ("portal", "0003_roles"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
