from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Folders with no interface strings of the site's own.
IGNORE = ["tests/*", "docs/*", "content/*", "var/*", "static/*", "scripts/*", "build/*"]


class Command(BaseCommand):
    help = (
        "Update locale/<lang>/LC_MESSAGES/django.po for every language of settings.LANGUAGES "
        "but the source language, creating catalogues for new languages."
    )

    def handle(self, *args, **options):
        languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        call_command(
            "makemessages",
            locale=languages,
            no_obsolete=True,
            ignore_patterns=IGNORE,
            verbosity=options["verbosity"],
        )
