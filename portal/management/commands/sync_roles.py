"""Set the role groups' permissions to what portal/roles.py says, e.g. after an app adds models."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.roles import roles_sync


class Command(BaseCommand):
    help = (
        "Create the role groups and set their permissions to exactly those in portal/roles.py "
        "(permissions granted to these groups by hand in the admin are removed). Safe to repeat."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changes = roles_sync(strict=True)
        if options["verbosity"] > 0:
            for change in changes:
                self.stdout.write(change)
            self.stdout.write(self.style.SUCCESS(f"Roles in line with portal/roles.py ({len(changes)} changes)."))
