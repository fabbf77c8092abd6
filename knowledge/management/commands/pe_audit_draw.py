"""manage.py pe_audit_draw [--year 2026] [--share 10]: draw a year's evidence-audit sample.

Draws a random share of the year's approved entries (not event credit) and flags them
for an evidence audit; the members see it on their PE page. Once per year: running it
again reports the earlier draw and changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from knowledge.pe_services import pe_audit_draw
from portal.exceptions import DomainError


class Command(BaseCommand):
    help = "Flag a random share of a year's approved PE entries for an evidence audit (once per year)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1,
                            help="The year whose entries are drawn (default: last year).")
        parser.add_argument("--share", type=int, default=None,
                            help="Percentage to draw (default: the share set in Settings › Permanent education).")

    def handle(self, *args, year, share, **options):
        try:
            run, created = pe_audit_draw(year=year, share=share)
        except DomainError as error:
            raise CommandError(error.message) from error
        state = "drawn" if created else "already drawn"
        self.stdout.write(f"Evidence audit {run.year}: {run.selected} of {run.eligible} approved entries ({run.share}%), {state}.")
