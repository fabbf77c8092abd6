"""Grant the PE review and rules permissions to the secretariat (portal/roles.py lists them)."""

from django.db import migrations


def sync(apps, schema_editor):
    from portal.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_pe_ledger"),
        ("members", "0007_certification_roles"),
        ("portal", "0003_roles"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
