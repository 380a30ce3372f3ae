from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.languages import translation_languages

# Folders with no interface strings of the site's own.
IGNORE = ["tests/*", "docs/*", "content/*", "var/*", "static/*", "scripts/*", "build/*"]


class Command(BaseCommand):
    help = (
        "Update locale/<lang>/LC_MESSAGES/django.po for every language of settings.LANGUAGES "
        "but the source language, creating catalogues for new languages."
    )

    def handle(self, *args, **options):
        call_command(
            "makemessages",
            locale=translation_languages(),
            no_obsolete=True,
            ignore_patterns=IGNORE,
            verbosity=options["verbosity"],
        )
