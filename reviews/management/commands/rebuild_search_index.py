"""Index every live version of the searchable kinds again (after a change of stemming)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reviews import statistics
from reviews.registry import registry
from search import index


class Command(BaseCommand):
    help = "Rebuild the search index from the live published versions."

    def handle(self, *args, **options):
        kinds = [kind for kind in registry.kinds if registry[kind].searchable]
        with transaction.atomic():
            created = index.rebuild(kinds)
        statistics.refresh_after_bulk_write()
        self.stdout.write(f"{created} search entries")
