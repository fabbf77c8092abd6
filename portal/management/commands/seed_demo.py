"""manage.py seed_demo: fill a development database with demo content and demo logins.

Idempotent: a second run adds nothing and changes nothing. Refused when DEBUG is off,
because it creates users with a password that is printed and published.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from portal.progress import Progress

# Each app adds its own demo content with a `seed_*(stdout)` function in `<app>/demo.py`
# and lists it here. Order matters: later seeders may use what earlier ones made
# (the site tree and users come first; members, certificates, events and PE entries after).
SEEDERS = [
    "portal.demo.seed_site",
    "portal.demo.seed_site_address",
    "portal.demo.seed_users",
    "members.demo.seed_members",
    "members.demo_dashboard.seed_membership_history",
    "members.demo_certification.seed_certification",
    "knowledge.demo.seed_norms",
    "knowledge.demo_library.seed_library",
    "knowledge.demo_pe.seed_pe",
    "events.demo.seed_events",
    "knowledge.demo_pe.seed_pe_attendance",
    "members.demo_register.seed_register",
    "portal.demo_images.seed_images",
    "portal.demo.seed_outbox",
]


class Command(BaseCommand):
    help = "Add demo pages (Dutch and English), site settings, menus and one demo user per role. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it creates demo users whose password it prints. "
                "Set DEBUG=1 for a development database."
            )
        # Wagtail and django-q2 log every page save and task at INFO: keep the logins readable.
        previous_level = logging.root.manager.disable
        logging.disable(logging.INFO)
        try:
            # A progress bar on a terminal (not in CI logs); the seeders' own lines print above it.
            with transaction.atomic(), Progress(total=len(SEEDERS), label="seed_demo", stream=self.stderr) as bar:
                stdout = bar.output(self.stdout)
                for path in SEEDERS:
                    stdout.write(self.style.MIGRATE_HEADING(f"{path}:"))
                    bar.start(path.rsplit(".", 1)[-1])
                    import_string(path)(stdout)
                    bar.advance()
        finally:
            logging.disable(previous_level)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
