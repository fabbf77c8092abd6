"""The outbox sweep: when a message was last handed to the queue and how often it was
queued again; and the Secretariat may read the outbox in the admin (Reports › Outbox).

Django creates Permission rows only after all migrations have run, so the one this
migration grants is created here first (as members 0003 does).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SECRETARIAT = "Secretariat"
PERMISSION = "view_outboundemail"


def _permission(apps):
    app_config = apps.get_app_config("portal")
    # create_permissions skips app configs without a models module, as historical ones are.
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="portal", codename=PERMISSION)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.add(_permission(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SECRETARIAT).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="portal", codename=PERMISSION))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_association_statutes_privacy_pages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="handed to the queue"),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="requeues",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="queued again"),
        ),
        migrations.RunPython(grant, revoke),
    ]
