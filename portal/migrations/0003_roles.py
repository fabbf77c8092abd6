"""Groups for the portal's roles (filled in by the roles work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_home_page")]
    operations: list = []
