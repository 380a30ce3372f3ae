from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from public.api import openapi_text

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


class Command(BaseCommand):
    help = "Write the content API's OpenAPI document to docs/api/openapi.json (committed)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only say if it is current.")

    def handle(self, *args, check=False, **options):
        text = openapi_text()
        if check:
            if not COMMITTED.exists() or COMMITTED.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{COMMITTED} is not current: run manage.py export_openapi")
            return
        COMMITTED.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {COMMITTED.relative_to(settings.BASE_DIR)}")
