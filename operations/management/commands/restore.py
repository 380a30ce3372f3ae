from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (manage.py backup) into the configured database, which must "
        "be empty; checks every table's row count against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by manage.py backup")

    def handle(self, *args, folder, **options):
        try:
            counts = restore(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored {len(counts)} tables, {sum(counts.values())} rows; "
            "every count matches the manifest"
        )
