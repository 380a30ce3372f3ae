from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.schema import export_json_schemas


class Command(BaseCommand):
    help = (
        "Write the JSON Schemas of the content files (content/schema/*.schema.json), which "
        "TOML editors use to check files as they are typed. Run after changing a model."
    )

    def handle(self, *args, **options):
        for path in export_json_schemas(Path(settings.CONTENT_DIR) / "schema"):
            self.stdout.write(f"wrote {path}")
