"""Import a translated XLIFF file (reviews.xliff): all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.languages import translation_languages
from reviews import xliff


class Command(BaseCommand):
    help = (
        "Write the translations of an XLIFF file exported by xliff_export into the site's "
        "LANGUAGE text, as USERNAME (recorded as contributor). Nothing is written on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("language", choices=translation_languages())
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="the translator's username")

    def handle(self, *args, language, path, user, **options):
        try:
            person = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        try:
            result = xliff.import_xliff(data, language=language, by=person)
        except xliff.ImportRefused as refused:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {line}" for line in refused.errors)
            ) from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"{result.count} segments written in {len(result.changed)} items; "
            "submit them for review in the admin."
        )
