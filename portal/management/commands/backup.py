"""manage.py backup ARCHIVE: the database and the uploaded files in one .tar.gz (portal/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.backup import backup_create


class Command(BaseCommand):
    help = (
        "Write the database (all rows) and the uploaded files (media and private evidence, from this "
        "machine's folders or from the buckets) to one archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", nargs="?",
            help="file to write (default: var/backups/portal-<date-time>.tar.gz)",
        )
        parser.add_argument(
            "--database-only", action="store_true",
            help="leave the files out (for buckets the provider backs up); the manifest names where they are",
        )

    def handle(self, *args, archive=None, database_only=False, **options):
        target = Path(archive or f"var/backups/portal-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        manifest = backup_create(target=target, database_only=database_only)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Backup written to {target}: {rows} rows in {len(manifest['counts'])} tables, "
                          f"{len(manifest['files'])} files.")
        for prefix, store in manifest["files_elsewhere"].items():
            self.stdout.write(f"Files of {prefix}/ are not in the archive: they are kept in {store}.")
