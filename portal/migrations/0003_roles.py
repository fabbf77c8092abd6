"""Create the role groups (Editors, Secretariat, Assessors, Deciders, Norm committee),
their permissions and the norm committee's approval workflow (see portal/roles.py)."""

from django.conf import settings
from django.db import migrations

from portal.roles import roles_sync


def create_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_home_page"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
