"""manage.py restore ARCHIVE: load a backup into a freshly migrated, empty database and check it."""

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore, row_counts


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into this database, which must be migrated and empty, "
        "and its files into MEDIA_ROOT and PRIVATE_MEDIA_ROOT (or the buckets, when they are set); "
        "then compare every table's row count "
        "and every file's hash with the backup. Run update_index afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="replace what the database and folders hold")

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = backup_restore(source=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = row_counts()
        for label, expected in sorted(manifest["counts"].items()):
            if expected:
                self.stdout.write(f"  {label}: {counts[label]} rows (backup: {expected})")
        self.stdout.write(self.style.SUCCESS(
            f"Restored {sum(manifest['counts'].values())} rows and {len(manifest['files'])} files; all counts match."
        ))
