from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.exporter import export_content


class Command(BaseCommand):
    help = (
        "Write the admin's current text of every topic, body region, site notice and "
        "emergency number back into the content files "
        "(content/ by default), in place: comments and unchanged values keep their bytes. "
        "A load right after an export changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="content folder")

    def handle(self, *args, path=None, **options):
        folder = Path(path) if path else Path(settings.CONTENT_DIR)
        try:
            changed = export_content(folder)
        except (OSError, ValueError) as error:
            raise CommandError(f"Nothing was recorded as exported: {error}") from None
        for written in changed:
            self.stdout.write(f"written   {written}")
        self.stdout.write(f"{len(changed)} file(s) changed.")
