"""Give the Secretariat group what it needs for the members area of the Wagtail admin.

Plans: view, add and change (deleting a plan is left to superusers). Memberships:
view and change (the status itself only changes through the admin actions, which
call the services). Payments: view and add (record a bank transfer). History and
profiles: view.

Django creates Permission rows only after all migrations have run, so the ones
this migration grants are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat"
PERMISSIONS = (
    "view_membershipplan",
    "add_membershipplan",
    "change_membershipplan",
    "view_membership",
    "change_membership",
    "view_payment",
    "add_payment",
    "view_membershipchange",
    "view_memberprofile",
)


def _permissions(apps):
    app_config = apps.get_app_config("members")
    # create_permissions skips app configs without a models module, as historical ones are.
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="members", codename__in=PERMISSIONS))
    missing = set(PERMISSIONS) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Missing permissions: {sorted(missing)}")
    return permissions


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SECRETARIAT).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="members", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_dues"),
        ("portal", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
