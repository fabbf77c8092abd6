"""manage.py knowledge_setup_schedules: register the monthly news digest with django-q2.

Idempotent: an existing schedule (perhaps with a time changed by hand) is left alone.
"""

from django.core.management.base import BaseCommand

from knowledge.tasks import DIGEST_SCHEDULE_NAME, PUBLISH_SCHEDULE_NAME, schedules_ensure


class Command(BaseCommand):
    help = (
        "Register the monthly news digest (new news, norms and upcoming events to subscribers) and the "
        "scheduled publication of pages (a norm version on its effective date)."
    )

    def handle(self, *args, **options):
        created = schedules_ensure()
        state = "created" if created else "already present"
        self.stdout.write(f"Schedules {DIGEST_SCHEDULE_NAME}, {PUBLISH_SCHEDULE_NAME}: {state}.")
