from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations.backup import BackupError, backup, prune


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (while the site serves) with a manifest "
        "into a new folder under --dir; keep the newest --keep backups there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="the folder that holds the backups (default: var/backups)",
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="remove all but the newest N backups (0: none)"
        )

    def handle(self, *args, dir, keep, **options):
        folder = Path(dir)
        target = folder / timezone.now().strftime("%Y%m%dT%H%M%SZ")
        try:
            manifest = backup(target)
            removed = prune(folder, keep=keep) if keep else []
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{target}: {manifest['vendor']} database, {len(manifest['tables'])} tables, "
            f"{rows} rows, code {manifest['code_version'][:12]}"
        )
        for path in removed:
            self.stdout.write(f"removed {path} (older than the newest {keep})")
