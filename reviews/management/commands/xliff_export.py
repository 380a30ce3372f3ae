"""Export topics for translators as one XLIFF 1.2 file (reviews.xliff)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.languages import translation_languages
from reviews import xliff


class Command(BaseCommand):
    help = (
        "Write an XLIFF 1.2 file of topics to translate into LANGUAGE: the named topics, "
        "or every topic that is outdated, held, not yet approved, or all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("language", choices=translation_languages())
        parser.add_argument("topics", nargs="*", help="topic slugs (default: see --which)")
        parser.add_argument(
            "--which",
            choices=["outdated", "held", "unapproved", "all"],
            default="outdated",
            help="the set of topics when no slug is given (default: outdated, held included)",
        )
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, language, topics, which, output, **options):
        items = xliff.selection(language, keys=topics, which=which)
        try:
            data = xliff.export_xliff(language, items)
        except xliff.ExportRefused as error:
            raise CommandError(str(error)) from None
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f"{len(items)} topics written to {output}")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
